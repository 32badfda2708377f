import type { TableCallHook, TableMethod, TableName } from './tables';

/** Table calls by table, then by method (`listPage` = one page of a query). */
export type TableCallCounts = Record<string, Record<string, number>>;

export interface TableMetricsReport {
  /** When counting (re)started. */
  readonly since: string;
  readonly calls: TableCallCounts;
  /** Round trips to the table service: every counted call except `listEntities` itself (its pages are counted). */
  readonly roundTrips: number;
  /** Requests to /api/messages since `since`. */
  readonly requests: number;
  /**
   * The most recent /api/messages request, from its arrival until its response was written: the table calls
   * made meanwhile (by that turn, and by anything else running then; the benchmark reads it with one user).
   */
  readonly lastRequest?: { readonly calls: TableCallCounts; readonly roundTrips: number; readonly millis: number };
  readonly memory: NodeJS.MemoryUsage;
}

export interface TableMetrics {
  /** Give this to `openTables`. */
  readonly hook: TableCallHook;
  /** Marks the start of a request; call the returned function when its response is written. */
  beginRequest(): () => void;
  report(): TableMetricsReport;
  reset(): void;
}

/**
 * Counts Azure Tables calls for `npm run bench` (BENCH_METRICS=1). Only created when that is on: without it
 * the table clients are not wrapped and nothing here runs.
 */
export function createTableMetrics(): TableMetrics {
  let counts = new Map<string, number>();
  let since = new Date();
  let requests = 0;
  let lastRequest: TableMetricsReport['lastRequest'];

  const hook = (table: TableName, method: TableMethod) => {
    const key = `${table} ${method}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };

  return {
    hook,
    beginRequest() {
      requests++;
      const started = performance.now();
      const before = new Map(counts);
      return () => {
        const delta = new Map<string, number>();
        for (const [key, value] of counts) if (value !== (before.get(key) ?? 0)) delta.set(key, value - (before.get(key) ?? 0));
        lastRequest = { calls: grouped(delta), roundTrips: roundTripsOf(delta), millis: performance.now() - started };
      };
    },
    report() {
      return {
        since: since.toISOString(), calls: grouped(counts), roundTrips: roundTripsOf(counts), requests,
        ...(lastRequest ? { lastRequest } : {}), memory: process.memoryUsage(),
      };
    },
    reset() {
      counts = new Map();
      since = new Date();
      requests = 0;
      lastRequest = undefined;
    },
  };
}

function grouped(counts: ReadonlyMap<string, number>): TableCallCounts {
  const result: TableCallCounts = {};
  for (const [key, value] of counts) {
    const [table = '', method = ''] = key.split(' ');
    (result[table] ??= {})[method] = value;
  }
  return result;
}

function roundTripsOf(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const [key, value] of counts) if (!key.endsWith(' listEntities')) total += value;
  return total;
}
