import { TableClient } from '@azure/data-tables';
import { CasePrefix, formatReference } from '../domain/references';
import { statusOf } from './tables';

const MAX_ATTEMPTS = 50;

/**
 * Per-year reference counters (`counters` table: PartitionKey = prefix, RowKey = year). Each number is
 * taken with an ETag-guarded increment, so concurrent requests never get the same reference.
 */
export function createReferenceCounter(counters: TableClient) {
  return {
    async next(prefix: CasePrefix, year: number): Promise<string> {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const taken = await tryIncrement(counters, prefix, String(year));
        if (taken !== undefined) return formatReference(prefix, year, taken);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)));
      }
      throw new Error(`could not allocate a ${prefix} reference after ${MAX_ATTEMPTS} attempts`);
    },
  };
}

export type ReferenceCounter = ReturnType<typeof createReferenceCounter>;

async function tryIncrement(counters: TableClient, prefix: string, year: string): Promise<number | undefined> {
  try {
    const current = await counters.getEntity<{ last: number }>(prefix, year);
    const next = current.last + 1;
    await counters.updateEntity({ partitionKey: prefix, rowKey: year, last: next }, 'Replace', { etag: current.etag });
    return next;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404) return createFirst(counters, prefix, year);
    if (status === 412) return undefined;
    throw error;
  }
}

async function createFirst(counters: TableClient, prefix: string, year: string): Promise<number | undefined> {
  try {
    await counters.createEntity({ partitionKey: prefix, rowKey: year, last: 1 });
    return 1;
  } catch (error) {
    if (statusOf(error) === 409) return undefined;
    throw error;
  }
}
