import { TableClient } from '@azure/data-tables';
import { statusOf } from './tables';

/** A lease this instance holds: give it back to `release`, keep it with `renew`. */
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
  /** Takes over a lease row that exists: only if it ran out or is already ours, and only if nobody wrote it meanwhile. */
  async function takeOver(key: string, owner: string, now: Date, until: Date): Promise<HeldLease | undefined> {
    const current = await table.getEntity<{ owner: string; until: string }>(partition, key);
    if (current.until > now.toISOString() && current.owner !== owner) return undefined;
    const written = await table.updateEntity({ partitionKey: partition, rowKey: key, owner, until: until.toISOString() }, 'Replace', { etag: current.etag });
    return { key, etag: written.etag ?? '' };
  }

  return {
    /**
     * The lease, or undefined while another holder's lease still runs. A free lease (the usual case: holders give
     * theirs back) costs one round trip, a create; a row that is there is read and taken over only if it ran out.
     */
    async acquire(key: string, owner: string, now: Date, until: Date): Promise<HeldLease | undefined> {
      try {
        const written = await table.createEntity({ partitionKey: partition, rowKey: key, owner, until: until.toISOString() });
        return { key, etag: written.etag ?? '' };
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
      try {
        return await takeOver(key, owner, now, until);
      } catch (error) {
        // 412: another instance took it between our read and our write; 404: its holder gave it back meanwhile.
        const status = statusOf(error);
        if (status === 412 || status === 404) return undefined;
        throw error;
      }
    },

    /**
     * Moves the end of a lease we hold to `until`. Undefined when it is no longer ours: it ran out and another
     * instance took it (the row's ETag changed) or took and gave it back (the row went). A renewal that succeeds
     * therefore also proves nobody else held the lease since our last write, even if it had run out.
     */
    async renew(lease: HeldLease, until: Date): Promise<HeldLease | undefined> {
      try {
        const written = await table.updateEntity({ partitionKey: partition, rowKey: lease.key, until: until.toISOString() }, 'Merge', { etag: lease.etag });
        return { key: lease.key, etag: written.etag ?? '' };
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 || status === 404) return undefined;
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
