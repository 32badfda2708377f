import { odata, TableClient } from '@azure/data-tables';
import { assertEntityWithinLimits } from './entity-limits';
import { statusOf } from './tables';

/** A reminder, escalation or expiry due at an instant for a case. */
export interface TimerRow {
  readonly reference: string;
  readonly timer: string;
  readonly dueAt: string;
  /** What the timer was set for (the instant its waiting period began): a stale timer is ignored by the model. */
  readonly basis?: string;
}

/** A timer this scheduler instance holds a lease on. */
export interface ClaimedTimer extends TimerRow {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly etag: string;
}

interface TimerEntity extends TimerRow {
  status: 'pending' | 'claimed' | 'done';
  leaseUntil?: string;
  leaseOwner?: string;
  attempts?: number;
}

const CURSOR = { partitionKey: 'cursor', rowKey: 'oldest-pending-day' } as const;

/**
 * The `timers` table: PartitionKey = due day (UTC date), RowKey = `dueAt|reference|timer`, so the
 * scheduler reads only the partitions that are due and never scans the cases. Writing is idempotent.
 * A lease (status `claimed` + `leaseUntil`, taken with If-Match) lets one of several instances fire a
 * timer; if that instance dies before finishing, the lease runs out and another fires it.
 */
export function createTimerStore(table: TableClient) {
  /**
   * One day's due timers that have not fired, in one query: those free to claim, and how many are held
   * under a lease that still runs (an instance is firing them, or failed and will retry). A held timer
   * must keep its day behind the scheduler's cursor, or nobody reads it again when the lease runs out.
   */
  async function readDay(day: string, now: Date): Promise<{ free: ClaimedTimer[]; held: number }> {
    const at = now.toISOString();
    const filter = odata`PartitionKey eq ${day} and dueAt le ${at} and (status eq 'pending' or status eq 'claimed')`;
    const free: ClaimedTimer[] = [];
    let held = 0;
    for await (const row of table.listEntities<TimerEntity>({ queryOptions: { filter } })) {
      if (row.status === 'claimed' && (row.leaseUntil ?? '') >= at) {
        held++;
        continue;
      }
      free.push({
        partitionKey: day, rowKey: String(row.rowKey), etag: row.etag, reference: row.reference, timer: row.timer, dueAt: row.dueAt,
        ...(row.basis ? { basis: row.basis } : {}),
      });
    }
    return { free, held };
  }

  return {
    async schedule(timer: TimerRow): Promise<void> {
      const entity: TimerEntity & { partitionKey: string; rowKey: string } = {
        partitionKey: timer.dueAt.slice(0, 10), rowKey: `${timer.dueAt}|${timer.reference}|${timer.timer}`,
        ...timer, status: 'pending',
      };
      assertEntityWithinLimits(entity);
      // Create, not upsert: replaying an outbox must not re-arm a timer that has already fired.
      await table.createEntity(entity).catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      });
    },

    /** Timers of one day that are due at `now` and free: pending, or claimed by an instance whose lease ran out. */
    async dueOn(day: string, now: Date): Promise<ClaimedTimer[]> {
      return (await readDay(day, now)).free;
    },

    readDay,

    /** True when this instance won the lease; false when another instance got there first. */
    async claim(timer: ClaimedTimer, owner: string, leaseUntil: Date): Promise<ClaimedTimer | undefined> {
      try {
        const response = await table.updateEntity(
          { partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'claimed', leaseOwner: owner, leaseUntil: leaseUntil.toISOString() },
          'Merge', { etag: timer.etag },
        );
        return { ...timer, etag: response.etag ?? timer.etag };
      } catch (error) {
        if (statusOf(error) === 412 || statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    async complete(timer: ClaimedTimer): Promise<void> {
      await table.updateEntity({ partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'done' }, 'Merge', { etag: timer.etag })
        .catch((error: unknown) => {
          // Lost the lease (this instance was too slow): the other holder completes it.
          if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
        });
    },

    /** The oldest day that may still hold pending timers; days before it are never read again. */
    async oldestPendingDay(): Promise<string | undefined> {
      try {
        return (await table.getEntity<{ day: string }>(CURSOR.partitionKey, CURSOR.rowKey)).day;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    async setOldestPendingDay(day: string): Promise<void> {
      await table.upsertEntity({ ...CURSOR, day }, 'Replace');
    },

    /** Every timer of a case (tests and support): scans, never used by the scheduler. */
    async forReference(reference: string): Promise<TimerRow[]> {
      const rows: TimerRow[] = [];
      for await (const row of table.listEntities<TimerEntity>({ queryOptions: { filter: odata`reference eq ${reference}` } })) {
        rows.push({ reference: row.reference, timer: row.timer, dueAt: row.dueAt, ...(row.basis ? { basis: row.basis } : {}) });
      }
      return rows;
    },
  };
}

export type TimerStore = ReturnType<typeof createTimerStore>;
