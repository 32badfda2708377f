import { TableClient } from '@azure/data-tables';
import { statusOf } from './tables';

/** A lease this instance holds: give it back to `release`. */
export interface HeldLease {
  readonly key: string;
  readonly etag: string;
}

/**
 * Short leases on named things (PartitionKey = `partition`, RowKey = key), so that of several instances only
 * one works on a thing at a time. A lease is taken with an ETag-guarded write; one whose holder died runs out
 * at `until` and can be taken by another. Times come from the caller's clock, like every other timestamp.
 */
export function createLeaseStore(table: TableClient, partition: string) {
  return {
    /** The lease, or undefined while another holder's lease still runs. */
    async acquire(key: string, owner: string, now: Date, until: Date): Promise<HeldLease | undefined> {
      const entity = { partitionKey: partition, rowKey: key, owner, until: until.toISOString() };
      try {
        const current = await table.getEntity<{ owner: string; until: string }>(partition, key);
        if (current.until > now.toISOString() && current.owner !== owner) return undefined;
        const written = await table.updateEntity(entity, 'Replace', { etag: current.etag });
        return { key, etag: written.etag ?? '' };
      } catch (error) {
        const status = statusOf(error);
        if (status === 412) return undefined;
        if (status !== 404) throw error;
      }
      try {
        const written = await table.createEntity(entity);
        return { key, etag: written.etag ?? '' };
      } catch (error) {
        if (statusOf(error) === 409) return undefined;
        throw error;
      }
    },

    /** Gives the lease back early; if it already ran out and another instance took it, that one keeps it. */
    async release(lease: HeldLease): Promise<void> {
      await table.deleteEntity(partition, lease.key, { etag: lease.etag || '*' }).catch((error: unknown) => {
        if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
      });
    },
  };
}

export type LeaseStore = ReturnType<typeof createLeaseStore>;
