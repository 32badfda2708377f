import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { createLogger } from '../../src/logger';
import { createScheduler, TickReport } from '../../src/scheduler/scheduler';
import { createTableMetrics, TableCallCounts } from '../../src/store/table-metrics';
import { openTables } from '../../src/store/tables';
import { createTimerStore } from '../../src/store/timers';

export interface TickMeasure {
  readonly millis: number;
  readonly report: TickReport;
  readonly calls: TableCallCounts;
  readonly roundTrips: number;
  /** The day partitions the scheduler's queries named, in order. */
  readonly partitionsQueried: string[];
  /** Queries that named no single partition (a scan): must be none. */
  readonly scans: number;
}

export interface SchedulerResult {
  readonly due: number;
  readonly future: number;
  readonly dueDays: string[];
  readonly futureDays: string[];
  readonly insertMillis: number;
  readonly first: TickMeasure;
  /** A second tick straight after, with nothing due: what every idle minute costs. */
  readonly idle: TickMeasure;
  readonly doneAfter: number;
  readonly futureStillPending: number;
}

const utcDay = (at: Date, offset: number) => new Date(at.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * The scheduler (src/scheduler/scheduler.ts, with the real timer store) on the same Azurite as the bot, in this
 * process: `due` timers due over the last three days and `future` timers on the next ten days, a no-op handler.
 * One tick fires them all; its table calls are counted with the production counter (openTables' instrument).
 */
export async function schedulerBench(connectionString: string, due: number, future: number, mode: 'scheduler' | 'one-by-one' = 'scheduler'): Promise<SchedulerResult> {
  const prefix = `s${randomBytes(4).toString('hex')}`;
  const metrics = createTableMetrics();
  const counted = openTables({ kind: 'connectionString', connectionString }, prefix, metrics.hook).timers;
  const raw = openTables({ kind: 'connectionString', connectionString }, prefix).timers;
  await raw.createTable();

  const now = new Date();
  const dueDays = [-2, -1, 0].map((offset) => utcDay(now, offset));
  const futureDays = Array.from({ length: 10 }, (_, i) => utcDay(now, i + 1));
  const startOfToday = Date.parse(`${dueDays[2]}T00:00:00.000Z`);
  const rows: { partitionKey: string; rowKey: string; reference: string; timer: string; dueAt: string; status: string }[] = [];
  const timerRow = (dueAt: string, n: number) => {
    const reference = `AR-2026-${String(n).padStart(5, '0')}`;
    return { partitionKey: dueAt.slice(0, 10), rowKey: `${dueAt}|${reference}|bench.noop`, reference, timer: 'bench.noop', dueAt, status: 'pending' };
  };
  for (let i = 0; i < due; i++) {
    const day = dueDays[i % 3]!;
    const dayStart = Date.parse(`${day}T00:00:00.000Z`);
    // Today's timers are due before now (and at least a minute ago); the earlier days' over the whole day.
    const span = dayStart === startOfToday ? Math.max(1, now.getTime() - 60_000 - dayStart) : 86_400_000 - 1;
    rows.push(timerRow(new Date(dayStart + Math.floor((i / due) * span)).toISOString(), i));
  }
  for (let i = 0; i < future; i++) {
    const day = futureDays[i % futureDays.length]!;
    rows.push(timerRow(new Date(Date.parse(`${day}T00:00:00.000Z`) + Math.floor((i / future) * 86_400_000)).toISOString(), due + i));
  }
  const insertStarted = performance.now();
  await insertInBatches(raw, rows);
  const insertMillis = performance.now() - insertStarted;

  const filters: string[] = [];
  const list = counted.listEntities.bind(counted);
  (counted as unknown as { listEntities: TableClient['listEntities'] }).listEntities = ((options?: { queryOptions?: { filter?: string } }) => {
    filters.push(options?.queryOptions?.filter ?? '');
    return list(options as never);
  }) as TableClient['listEntities'];
  const silent = createLogger('silent', new Writable({ write(_chunk, _encoding, done) { done(); } }));
  const store = createTimerStore(counted);
  const scheduler = mode === 'scheduler'
    ? createScheduler({ timers: store, handlers: { 'bench.noop': async () => undefined }, now: () => new Date(), logger: silent })
    : oneByOne(store);
  const measure = async (): Promise<TickMeasure> => {
    metrics.reset();
    filters.length = 0;
    const started = performance.now();
    const report = await scheduler.tick();
    const millis = performance.now() - started;
    const { calls, roundTrips } = metrics.report();
    const partitionsQueried = filters.map((filter) => /PartitionKey eq '([^']+)'/.exec(filter)?.[1] ?? '(none)');
    return { millis, report, calls, roundTrips, partitionsQueried, scans: partitionsQueried.filter((partition) => partition === '(none)').length };
  };
  const first = await measure();
  const idle = await measure();

  let doneAfter = 0;
  let futureStillPending = 0;
  for await (const row of raw.listEntities<{ status: string }>({ queryOptions: { select: ['PartitionKey', 'status'] } })) {
    if (row.partitionKey === 'cursor') continue;
    if (row.status === 'done') doneAfter++;
    if (row.status === 'pending' && futureDays.includes(String(row.partitionKey))) futureStillPending++;
  }
  await raw.deleteTable().catch(() => undefined);
  return { due, future, dueDays, futureDays, insertMillis, first, idle, doneAfter, futureStillPending };
}

/**
 * The scheduler as it was before issue 16, for the ratio in the same run: the same day partitions read the same
 * way, then each timer claimed (If-Match), fired and completed one after another, two round trips a timer.
 */
function oneByOne(store: ReturnType<typeof createTimerStore>): { tick(): Promise<TickReport> } {
  return {
    async tick() {
      const now = new Date();
      const today = now.toISOString().slice(0, 10);
      const report = { fired: 0, skipped: 0, failed: 0, daysRead: 0 };
      for (let offset = -7; offset <= 0; offset++) {
        const day = utcDay(new Date(`${today}T12:00:00.000Z`), offset);
        report.daysRead++;
        const { free } = await store.readDay(day, now);
        for (const timer of free) {
          const claimed = await store.claim(timer, 'bench-one-by-one', new Date(now.getTime() + 120_000));
          if (!claimed) {
            report.skipped++;
            continue;
          }
          await store.complete(claimed);
          report.fired++;
        }
      }
      return report;
    },
  };
}

/** Entity-group transactions of 100 rows of one partition, a few at a time. */
async function insertInBatches(table: TableClient, rows: readonly { partitionKey: string }[]): Promise<void> {
  const byPartition = new Map<string, { partitionKey: string }[]>();
  for (const row of rows) {
    const partition = byPartition.get(row.partitionKey);
    if (partition) partition.push(row);
    else byPartition.set(row.partitionKey, [row]);
  }
  const batches: TransactionAction[][] = [];
  for (const partition of byPartition.values()) {
    for (let i = 0; i < partition.length; i += 100) batches.push(partition.slice(i, i + 100).map((row) => ['create', row] as TransactionAction));
  }
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < batches.length) await table.submitTransaction(batches[next++]!);
  }));
}
