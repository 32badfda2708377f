import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, startAzurite } from '../src/store/azurite-process';
import { openRecipientStore } from '../src/store/campaign-recipients';
import { campaignQueueName, openWorkQueue } from '../src/store/campaign-queue';
import { createTableDirectory } from '../src/store/directory-table';
import { azuriteConnectionString, ensureTables, openTables } from '../src/store/tables';

/**
 * `npm run bench -- --campaign [--recipients 10000] [--limit 50]`: a policy campaign to many people through the Bot
 * Connector stand-in below, which throttles like Teams (429 with Retry-After: 1 past `limit` requests a second), sent
 * by two real bot processes sharing the Azurite queue; one is killed (SIGKILL) half-way. Reports throughput as a
 * share of the limit, duplicates (a person given two cards) and lost (a person with no card and no state saying so).
 */
export async function runCampaignBench(args: readonly string[]): Promise<void> {
  const recipients = numberAfter(args, '--recipients', 10_000);
  const limit = numberAfter(args, '--limit', 50);
  const started = Date.now();
  const log = (text: string) => console.log(`[campaign ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);
  // The queue service on disk (Azurite's default, and `npm start`'s), the tables in memory as before: in memory, its
  // collector stalled the whole service for 20-45 s every 70-80 s (bench/NOTES.md). The bots make the same calls.
  const queueDataDir = mkdtempSync(path.join(os.tmpdir(), 'campaign-bench-queue-'));
  const azurite = await startAzurite({ port: 0, queuePort: 0, queueDataDir });
  const connector = await startThrottlingConnector(limit);
  const children: ChildProcess[] = [];
  try {
    const connectionString = azuriteConnectionString(azurite.port, '127.0.0.1', azurite.queuePort);
    const prefix = `b${randomBytes(4).toString('hex')}`;
    log(`seeding ${recipients} people and their chats`);
    await seed(connectionString, prefix, recipients, connector.url);
    const ports = [await freePort(), await freePort()];
    const env = (port: number) => ({
      AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX: prefix, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', CAMPAIGN_SENDS_PER_SECOND: String(Math.floor(limit * 0.96)),
    });
    for (const port of ports) children.push(await startBot(port, env(port)));
    log(`two bot instances on ${ports.join(', ')}; starting the campaign`);
    const reference = await startCampaign(ports[0]!, connector.url);
    log(`started ${reference}`);
    const store = openRecipientStore({ kind: 'connectionString', connectionString }, prefix);
    const queue = openWorkQueue({ kind: 'connectionString', connectionString }, campaignQueueName(prefix));
    let killedAt: number | undefined;
    for (let tick = 0; ; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const delivered = connector.delivered();
      // Progress from the stand-in and the queue only: listing ten thousand rows every few seconds loaded the emulator
      // (and this process, which is the connector) as much as the bots did, and slowed what it measured.
      if (tick % 20 === 0) log(`${delivered} cards taken, ${connector.throttledCount()} throttled; queue ${await queue.approximateCount()}`);
      if (killedAt === undefined && delivered >= recipients / 2) {
        children[1]!.kill('SIGKILL');
        killedAt = Date.now();
        log(`killed instance 2 (SIGKILL) after ${delivered} cards`);
      }
      if (Date.now() - (connector.lastAt() || Date.now()) > 15_000 || delivered >= recipients) {
        const rows = await store.list(reference);
        const unsettled = rows.filter((row) => !row.personId.startsWith('~') && (row.state === 'queued' || row.state === 'sending')).length;
        if (rows.length >= recipients && unsettled === 0) break;
        if (Date.now() - started > 30 * 60_000) throw new Error(`not settled after 30 minutes: ${unsettled} unsettled`);
      }
    }
    const rows = (await store.list(reference)).filter((row) => !row.personId.startsWith('~'));
    const report = connector.report(rows.map((row) => ({ personId: row.personId, state: row.state, ...(row.detail ? { detail: row.detail } : {}) })));
    const text = `${reportText(report, recipients, limit)}\n\n${connector.timeline(killedAt, limit)}`;
    log(text.split('\n').join('\n  '));
    const out = path.resolve(__dirname, __filename.endsWith('.ts') ? '../test-results/bench-campaign' : '../../test-results/bench-campaign');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'campaign.md'), `${text}\n`);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await connector.stop();
    await azurite.stop();
    rmSync(queueDataDir, { recursive: true, force: true });
  }
}

interface Report {
  readonly delivered: number;
  readonly duplicates: number;
  readonly throttled: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly interrupted: number;
  readonly interruptedDelivered: number;
  readonly lost: number;
  readonly states: Record<string, number>;
}

function reportText(report: Report, recipients: number, limit: number): string {
  return [
    `# Campaign fan-out: ${recipients} recipients, two instances, one killed half-way`,
    '',
    '| measure | value |',
    '|---|---|',
    `| cards the connector took | ${report.delivered} |`,
    `| time from first to last card | ${report.seconds.toFixed(1)} s |`,
    `| throughput | ${report.perSecond.toFixed(1)} a second = **${((100 * report.perSecond) / limit).toFixed(1)}%** of the ${limit}/s limit |`,
    `| 429 answers (put back for Retry-After) | ${report.throttled} |`,
    `| duplicates (a person with two cards) | **${report.duplicates}** |`,
    `| lost (no card, and no state saying so) | **${report.lost}** |`,
    `| interrupted by the kill (recorded, not sent again; the reminder is their card) | ${report.interrupted} (of which the connector had taken ${report.interruptedDelivered}) |`,
    `| final states | ${Object.entries(report.states).map(([state, count]) => `${state} ${count}`).join(', ')} |`,
  ].join('\n');
}

/** The stand-in: POST /v3/conversations/{id}/activities, a bucket of `limit` refilled at `limit` a second, 429 beyond. */
async function startThrottlingConnector(limit: number) {
  const cards = new Map<string, number>();
  const times: number[] = [];
  let throttled = 0;
  let bucket = { tokens: limit, at: performance.now() };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // A proactive send replies to the continue-conversation activity botbuilder makes up: `/activities/{id}`, a new message all the same.
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?\/?$/.exec(decodeURIComponent(req.url ?? ''));
      const now = performance.now();
      bucket = { tokens: Math.min(limit, bucket.tokens + ((now - bucket.at) / 1000) * limit), at: now };
      if (bucket.tokens < 1) {
        throttled++;
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
        res.end(JSON.stringify({ error: { code: 'Throttled', message: 'slow down' } }));
        return;
      }
      bucket.tokens -= 1;
      if (match && req.method === 'POST') {
        cards.set(match[1]!, (cards.get(match[1]!) ?? 0) + 1);
        times.push(Date.now());
      }
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `act-${randomUUID().slice(0, 8)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delivered: () => times.length,
    throttledCount: () => throttled,
    lastAt: () => times.at(-1) ?? 0,
    report(rows: readonly { personId: string; state: string; detail?: string }[]): Report {
      const seconds = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : 0;
      const got = (personId: string) => cards.get(`personal-${personId}`) ?? 0;
      const states: Record<string, number> = {};
      for (const row of rows) states[row.state] = (states[row.state] ?? 0) + 1;
      const interrupted = rows.filter((row) => row.state === 'failed' && row.detail === 'interrupted');
      return {
        delivered: times.length, duplicates: [...cards.values()].filter((count) => count > 1).length, throttled, seconds,
        perSecond: seconds > 0 ? (times.length - 1) / seconds : 0,
        interrupted: interrupted.length, interruptedDelivered: interrupted.filter((row) => got(row.personId) > 0).length,
        // Lost: no card reached them and nothing records why (sent, interrupted and failed rows all say where they are).
        lost: rows.filter((row) => got(row.personId) === 0 && !(row.state === 'failed' || row.state === 'notInstalled')).length,
        states,
      };
    },
    /** Where the time went: cards a second in 10-second windows over the run, and in 2-second windows around the kill. */
    timeline(killedAt: number | undefined, perSecondLimit: number): string {
      const first = times[0] ?? 0;
      const windows = (from: number, to: number, size: number) => {
        const out: string[] = [];
        for (let at = from; at < to; at += size) {
          const count = times.filter((time) => time >= at && time < at + size).length;
          out.push(`${((at - first) / 1000).toFixed(0)} s: ${(count / (size / 1000)).toFixed(1)}/s (${((100 * count) / (size / 1000) / perSecondLimit).toFixed(0)}%)`);
        }
        return out.join('; ');
      };
      const last = times.at(-1) ?? first;
      return [
        `Cards a second, 10-second windows from the first card: ${windows(first, last + 1, 10_000)}.`,
        ...(killedAt ? [`Around the kill (at ${((killedAt - first) / 1000).toFixed(1)} s), 2-second windows: ${windows(killedAt - 6000, killedAt + 20_000, 2000)}.`] : []),
      ].join('\n\n');
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The directory (Adele in the Communications Team, and `count` people) and a 1:1 chat with each, as if each had installed the app. */
async function seed(connectionString: string, prefix: string, count: number, serviceUrl: string): Promise<void> {
  const tables = openTables({ kind: 'connectionString', connectionString }, prefix);
  await ensureTables(tables);
  const people = Array.from({ length: count }, (_, i) => ({ id: `aad-${String(i).padStart(6, '0')}`, name: `Person ${i}`, roles: [] as never[] }));
  await createTableDirectory(tables.directory).save([{ id: 'aad-adele', name: 'Adele Vance', roles: ['comms'] }, ...people]);
  const reference = (id: string) => JSON.stringify({
    channelId: 'msteams', serviceUrl, conversation: { id: `personal-${id}`, conversationType: 'personal', tenantId: 'tenant' },
    bot: { id: '28:bot', name: '' }, user: { id: `29:${id}`, name: '', aadObjectId: id },
  });
  const everyone = [{ id: 'aad-adele' }, ...people];
  for (let start = 0; start < everyone.length; start += 64) {
    await Promise.all(everyone.slice(start, start + 64).map((person) => tables.conversations.upsertEntity({ partitionKey: person.id, rowKey: 'personal', body: reference(person.id) }, 'Replace')));
  }
}

async function startBot(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const fromSource = __filename.endsWith('.ts');
  const entry = fromSource ? path.resolve(__dirname, '../src/index.ts') : path.resolve(__dirname, '../src/index.js');
  // BENCH_CPU_PROF_DIR: each instance writes a CPU profile there when it stops (the killed one does not).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, ...(fromSource ? ['--import', 'tsx'] : []), '--disable-warning=DEP0111', entry], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`a bot instance exited with code ${child.exitCode}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((answer) => answer.ok, () => false);
    if (healthy) return child;
    if (Date.now() > deadline) throw new Error('a bot instance did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Adele presses "Start campaign" on the form, as Teams would send it. */
async function startCampaign(port: number, serviceUrl: string): Promise<string> {
  const answer = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), channelId: 'msteams', serviceUrl, replyToId: 'form',
      conversation: { id: 'personal-aad-adele', conversationType: 'personal', tenantId: 'tenant' },
      from: { id: '29:aad-adele', aadObjectId: 'aad-adele', name: 'Adele Vance' }, recipient: { id: '28:bot', name: 'Desk' },
      value: { action: { type: 'Action.Execute', verb: 'campaign.start', data: {
        formId: randomUUID(), policyVersion: '2026.2', title: 'Social Media Policy, December 2026', link: 'https://holmes.wheatley-group.com/policies/social-media',
        summary: 'Monitoring of business accounts now covers Viva Engage.', dueWorkingDays: '10', audience: 'everyone', department: '',
      } }, trigger: 'manual' },
    }),
  });
  const text = await answer.text();
  const reference = /AC-\d{4}-\d{5}/.exec(text)?.[0];
  if (!reference) throw new Error(`the campaign did not start: ${answer.status} ${text.slice(0, 300)}`);
  return reference;
}

function numberAfter(args: readonly string[], flag: string, fallback: number): number {
  const index = args.indexOf(flag);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} takes a positive whole number`);
  return value;
}

if (require.main === module) {
  runCampaignBench(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
