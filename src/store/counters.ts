import { TableClient } from '@azure/data-tables';
import { CasePrefix, formatReference } from '../domain/references';
import { statusOf } from './tables';

const MAX_ATTEMPTS = 50;

interface KnownCount {
  readonly last: number;
  readonly etag: string;
}

/**
 * Per-year reference counters (`counters` table: PartitionKey = prefix, RowKey = year). Each number is
 * taken with an ETag-guarded increment, so concurrent requests and instances never get the same reference.
 * The last count this instance wrote is remembered with its ETag: while no other instance takes a number,
 * an increment is one round trip instead of a read and a write; when one has, the write fails (412) and
 * the count is read again. Requests in one instance never spoil each other's ETag: those that arrive while a
 * write is under way wait for it, and then take their numbers together, in one write (the count moved on by as
 * many), in the order they came; so a burst of new cases waits for two writes, not for one write each.
 */
export function createReferenceCounter(counters: TableClient) {
  const known = new Map<string, KnownCount>();
  /** Requests waiting for the next write of a counter, in the order they came. */
  const waiting = new Map<string, Waiter[]>();
  const writing = new Set<string>();

  /** Moves the count on by `count` and returns the last number taken. */
  async function take(prefix: CasePrefix, year: string, count: number): Promise<number> {
    const key = `${prefix}|${year}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const cached = known.get(key);
      known.delete(key);
      const taken = cached ? await tryIncrementFrom(counters, prefix, year, cached, count) : await tryIncrement(counters, prefix, year, count);
      if (taken) {
        if (taken.etag) known.set(key, taken);
        return taken.last;
      }
      // A stale cached ETag costs one read, not a wait; a lost race with another instance backs off a little.
      if (!cached) await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
    }
    throw new Error(`could not allocate a ${prefix} reference after ${MAX_ATTEMPTS} attempts`);
  }

  /** Writes a counter until nobody waits for it: each write serves everyone who came during the one before. */
  async function serve(key: string, prefix: CasePrefix, year: string): Promise<void> {
    writing.add(key);
    try {
      for (let batch = waiting.get(key); batch && batch.length > 0; batch = waiting.get(key)) {
        waiting.delete(key);
        const size = batch.length;
        try {
          const last = await take(prefix, year, size);
          batch.forEach((waiter, i) => waiter.resolve(last - size + 1 + i));
        } catch (error) {
          batch.forEach((waiter) => waiter.reject(error));
        }
      }
    } finally {
      writing.delete(key);
    }
  }

  return {
    async next(prefix: CasePrefix, year: number): Promise<string> {
      const key = `${prefix}|${year}`;
      const number = new Promise<number>((resolve, reject) => {
        const queue = waiting.get(key);
        if (queue) queue.push({ resolve, reject });
        else waiting.set(key, [{ resolve, reject }]);
      });
      if (!writing.has(key)) void serve(key, prefix, String(year));
      return formatReference(prefix, year, await number);
    },
  };
}

interface Waiter {
  resolve(number: number): void;
  reject(error: unknown): void;
}

export type ReferenceCounter = ReturnType<typeof createReferenceCounter>;

async function tryIncrementFrom(counters: TableClient, prefix: string, year: string, current: KnownCount, count: number): Promise<KnownCount | undefined> {
  try {
    const next = current.last + count;
    const written = await counters.updateEntity({ partitionKey: prefix, rowKey: year, last: next }, 'Replace', { etag: current.etag });
    return { last: next, etag: written.etag ?? '' };
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 404) return undefined;
    throw error;
  }
}

async function tryIncrement(counters: TableClient, prefix: string, year: string, count: number): Promise<KnownCount | undefined> {
  try {
    const current = await counters.getEntity<{ last: number }>(prefix, year);
    return await tryIncrementFrom(counters, prefix, year, { last: current.last, etag: current.etag }, count);
  } catch (error) {
    if (statusOf(error) === 404) return createFirst(counters, prefix, year, count);
    throw error;
  }
}

async function createFirst(counters: TableClient, prefix: string, year: string, count: number): Promise<KnownCount | undefined> {
  try {
    const written = await counters.createEntity({ partitionKey: prefix, rowKey: year, last: count });
    return { last: count, etag: written.etag ?? '' };
  } catch (error) {
    if (statusOf(error) === 409) return undefined;
    throw error;
  }
}
