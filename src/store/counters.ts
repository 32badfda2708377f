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
 * the count is read again. Requests in one instance take their numbers one after another, so they never
 * spoil each other's ETag.
 */
export function createReferenceCounter(counters: TableClient) {
  const known = new Map<string, KnownCount>();
  const queues = new Map<string, Promise<unknown>>();

  async function take(prefix: CasePrefix, year: string): Promise<number> {
    const key = `${prefix}|${year}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const cached = known.get(key);
      known.delete(key);
      const taken = cached ? await tryIncrementFrom(counters, prefix, year, cached) : await tryIncrement(counters, prefix, year);
      if (taken) {
        if (taken.etag) known.set(key, taken);
        return taken.last;
      }
      // A stale cached ETag costs one read, not a wait; a lost race with another instance backs off a little.
      if (!cached) await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
    }
    throw new Error(`could not allocate a ${prefix} reference after ${MAX_ATTEMPTS} attempts`);
  }

  return {
    async next(prefix: CasePrefix, year: number): Promise<string> {
      const key = `${prefix}|${year}`;
      const turn = (queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => take(prefix, String(year)));
      const tail = turn.finally(() => {
        if (queues.get(key) === tail) queues.delete(key);
      });
      queues.set(key, tail);
      return formatReference(prefix, year, await turn);
    },
  };
}

export type ReferenceCounter = ReturnType<typeof createReferenceCounter>;

async function tryIncrementFrom(counters: TableClient, prefix: string, year: string, current: KnownCount): Promise<KnownCount | undefined> {
  try {
    const next = current.last + 1;
    const written = await counters.updateEntity({ partitionKey: prefix, rowKey: year, last: next }, 'Replace', { etag: current.etag });
    return { last: next, etag: written.etag ?? '' };
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 404) return undefined;
    throw error;
  }
}

async function tryIncrement(counters: TableClient, prefix: string, year: string): Promise<KnownCount | undefined> {
  try {
    const current = await counters.getEntity<{ last: number }>(prefix, year);
    return await tryIncrementFrom(counters, prefix, year, { last: current.last, etag: current.etag });
  } catch (error) {
    if (statusOf(error) === 404) return createFirst(counters, prefix, year);
    throw error;
  }
}

async function createFirst(counters: TableClient, prefix: string, year: string): Promise<KnownCount | undefined> {
  try {
    const written = await counters.createEntity({ partitionKey: prefix, rowKey: year, last: 1 });
    return { last: 1, etag: written.etag ?? '' };
  } catch (error) {
    if (statusOf(error) === 409) return undefined;
    throw error;
  }
}
