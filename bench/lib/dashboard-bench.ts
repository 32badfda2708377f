import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { CaseSummary, ClockOutcome, lastWeeks, SERVICE_LEVELS } from '../../src/dashboard/statistics';
import { createLogger } from '../../src/logger';
import { buildRuntime } from '../../src/runtime';
import { createStatisticsStore } from '../../src/store/statistics';
import { createTableMetrics } from '../../src/store/table-metrics';
import { ensureTables, openTables } from '../../src/store/tables';
import { percentile } from './stats';

export interface LatencyStats {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface DashboardResult {
  readonly cases: number;
  readonly seedMillis: number;
  readonly counterRows: number;
  readonly requests: number;
  /** One range query of the open-case counters, straight to the table from this process: the floor. */
  readonly floor: LatencyStats;
  readonly overview: LatencyStats & { readonly roundTrips: number; readonly rowsRead: number };
  readonly serviceLevels: LatencyStats & { readonly roundTrips: number; readonly rowsRead: number };
  /** GET /api/dashboard/registers/ainm?pageSize=25, against its own floor: one table page of 25 summaries. */
  readonly register: LatencyStats & { readonly roundTrips: number; readonly rowsRead: number; readonly floor: LatencyStats };
  /** The same page in another of the register's orders (open first, urgent on top: read from its index), against the same floor. */
  readonly registerSorted: LatencyStats & { readonly roundTrips: number };
}

/** Open and closed states a generated case of each kind may be in, and who sees its kind whole (as `canSee` says). */
const KINDS = [
  { prefix: 'AR', audience: 'admin,comms', open: ['submitted', 'active'], closed: ['expired', 'rejected'] },
  { prefix: 'TD', audience: 'admin,comms', open: ['issued', 'acknowledged'], closed: ['verified', 'withdrawn'] },
  { prefix: 'CP', audience: 'comms', open: ['open', 'responded'], closed: ['resolved', 'hidden_or_removed'] },
  { prefix: 'AINM', audience: 'admin,incident', open: ['reported', 'investigating'], closed: ['closed'] },
  { prefix: 'IR', audience: 'admin,comms', open: ['asked'], closed: ['answered'] },
  { prefix: 'SC', audience: 'comms', open: ['raised'], closed: ['no_action'] },
] as const;

/**
 * The dashboard's overview and service-level APIs with `cases` cases' statistics in the store (issue 14): the real
 * bot runtime and server in this process (local mode, loopback), its statistics table seeded directly (a summary
 * a case and the counters they sum to, as `npm run statistics:rebuild` writes them, without the markers the APIs
 * never read), then `requests` GETs of each
 * API one after another, against the floor of one table query of the same counters from this process.
 */
export async function dashboardBench(connectionString: string, cases: number, requests: number): Promise<DashboardResult> {
  const prefix = `d${randomBytes(4).toString('hex')}`;
  const metrics = createTableMetrics();
  const tables = openTables({ kind: 'connectionString', connectionString }, prefix, metrics.hook);
  await ensureTables(tables);
  const now = new Date();
  const silent = createLogger('silent', new Writable({ write(_chunk, _encoding, done) { done(); } }));
  const runtime = buildRuntime({
    tables, bot: { appId: '', appPassword: '', appType: 'SingleTenant', tenantId: '' }, allowedTenantIds: [], closureDays: [], logger: silent, now: () => now,
  });
  await runtime.directory.replaceAll([
    { id: 'bench-comms', name: 'Comms Member', roles: ['comms'] },
    { id: 'bench-incident', name: 'Incident Lead', roles: ['incident'] },
  ]);
  const store = createStatisticsStore(tables.statistics);
  const seedStarted = performance.now();
  const seeded = await store.seed(generate(cases, now));
  const seedMillis = performance.now() - seedStarted;
  await new Promise<void>((resolve) => runtime.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(runtime.server.address() as AddressInfo).port}/api/dashboard`;
  try {
    const get = async (path: string, person: string) => {
      const response = await fetch(`${base}${path}`, { headers: { 'X-Dashboard-User': person } });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      await response.arrayBuffer();
    };
    const timed = async (work: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) await work();
      metrics.reset();
      for (let i = 0; i < requests; i++) {
        const started = performance.now();
        await work();
        times.push(performance.now() - started);
      }
      const { roundTrips } = metrics.report();
      return { ...stats(times), roundTrips: roundTrips / requests };
    };
    const floor = await timed(async () => store.counters('n|', 'n}'));
    const overview = await timed(() => get('/overview', 'bench-comms'));
    const serviceLevels = await timed(() => get('/service-levels', 'bench-incident'));
    // A register page (the AINM register's first page of 25, as the Incident team opens it) against the floor of one
    // table query of as many summary rows: one page of the table, not every case.
    const registerFloor = await timed(async () => store.summaryPage('AINM', {}, { size: 25 }));
    const register = await timed(() => get('/registers/ainm?pageSize=25', 'bench-incident'));
    const registerSorted = await timed(() => get('/registers/ainm?pageSize=25&sort=open', 'bench-incident'));
    // The rows each API reads: the same key ranges as src/dashboard/numbers.ts (the London day taken as the UTC one).
    const countRows = async (from: string, to: string) => (await store.counters(from, to)).length;
    const today = now.toISOString().slice(0, 10);
    const weeks = lastWeeks(today, 12);
    const overviewRows = await countRows('n|', 'n}') + await countRows('dd|', `dd|${today}`) + await countRows(`dh|${today}`, `dh|${today}T24`);
    const serviceLevelRows = await countRows(`w|${weeks[0]}`, `w|${weeks[11]}}`) + await countRows('t|', 't}');
    return {
      cases, seedMillis, counterRows: seeded.counters, requests, floor,
      overview: { ...overview, rowsRead: overviewRows }, serviceLevels: { ...serviceLevels, rowsRead: serviceLevelRows },
      register: { ...register, rowsRead: 25, floor: registerFloor }, registerSorted,
    };
  } finally {
    await new Promise<void>((resolve) => runtime.server.close(() => resolve()));
    await Promise.all(Object.values(tables).map((table) => table.deleteTable().catch(() => undefined)));
  }
}

/** An AINM register line as the summariser makes it (src/dashboard/register-cells.ts), with made-up values. */
function ainmCells(reference: string, state: string, i: number): Record<string, string> {
  return {
    reference, reportedAt: `2026-0${1 + (i % 9)}-1${i % 10}T09:30:00.000Z`, happenedOn: '2026-01-01', acknowledgedAt: '', closedAt: '', category: 'Harassment',
    fromWhom: 'Member of the public', platform: 'Facebook', urgent: 'No', state, outcome: '', hoursToAcknowledge: '',
  };
}

function stats(times: readonly number[]): LatencyStats {
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: Math.max(...times) };
}

/** `count` cases spread over the kinds, a fifth open, with clocks settled over the last 20 weeks (most met). */
function generate(count: number, now: Date): CaseSummary[] {
  const weeks = lastWeeks(now.toISOString().slice(0, 10), 20);
  const summaries: CaseSummary[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const open = i % 5 === 0;
    const states: readonly string[] = open ? kind.open : kind.closed;
    const level = SERVICE_LEVELS.find((candidate) => candidate.prefix === kind.prefix && (kind.prefix !== 'CP' || candidate.id === (i % 2 ? 'complaints' : 'enquiries')));
    const clocks: ClockOutcome[] = level && (!open || i % 3 === 0) ? [{ series: level.id, week: weeks[i % weeks.length]!, met: i % 7 !== 0 }] : [];
    const reference = `${kind.prefix}-2026-${String(i + 1).padStart(6, '0')}`;
    const dueAt = open ? new Date(now.getTime() + ((i % 21) - 10) * 86_400_000).toISOString() : undefined;
    const state = states[i % states.length]!;
    summaries.push({
      reference, prefix: kind.prefix, version: 1, state, open, audience: kind.audience,
      ...(dueAt ? { dueAt, dueDay: dueAt.slice(0, 10) } : {}), clocks, ...(kind.prefix === 'AINM' ? { cells: ainmCells(reference, state, i) } : {}),
    });
  }
  return summaries;
}
