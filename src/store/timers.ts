import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { assertEntityWithinLimits, TABLE_LIMITS } from './entity-limits';
import { createGroupCommit, ROUND_TRIP_TIMEOUT_MS, WriteTooLate } from './group-commit';
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
  /** Until when the claim runs, as last written (ISO). */
  readonly leaseUntil?: string;
}

interface TimerEntity extends TimerRow {
  status: 'pending' | 'claimed' | 'done';
  leaseUntil?: string;
  leaseOwner?: string;
  attempts?: number;
}

const CURSOR = { partitionKey: 'cursor', rowKey: 'oldest-pending-day' } as const;

/** The row of a day partition that one instance holds while it fires that day's timers; sorts after every timer. */
const DAY_LEASE = '~day-lease';

/** A day's lease as read with its timers: absent until an instance first fires timers of that day. */
export interface DayLeaseRow {
  readonly etag: string;
  readonly until: string;
}

/** A day's lease this instance holds. */
export interface HeldDay {
  readonly partitionKey: string;
  readonly etag: string;
}

/** What became of a batch of a day's timers fired under the day's lease. */
export interface DayOutcome {
  readonly done: readonly ClaimedTimer[];
  /** Held for this instance until `retryAfter`, then fired again (by any instance). */
  readonly failed: readonly ClaimedTimer[];
  readonly owner: string;
  readonly retryAfter: Date;
  /** The lease's new end: renewed for the next batch, or a past instant to give the day back. */
  readonly leaseUntil: Date;
}

/** A lease end that has always run out: the day given back. */
export const DAY_GIVEN_BACK = new Date(0);

/**
 * The `timers` table: PartitionKey = due day (UTC date), RowKey = `dueAt|reference|timer`, so the
 * scheduler reads only the partitions that are due and never scans the cases. Writing is idempotent.
 * Leases taken with If-Match let one of several instances fire a timer: the day's lease (a row of the day
 * partition) for most timers, a row's own (status `claimed` + `leaseUntil`) for a failed timer held for a retry
 * and for row-keeping ones (outbox retries). If the holder dies before finishing, the lease runs out and another
 * instance fires the timer.
 */
export function createTimerStore(table: TableClient) {
  // Every step's retry timer is written to today's partition, and most workflow timers of a day's cases to the same
  // later one: under load, those writes share round trips.
  const writes = createGroupCommit(table);

  /**
   * One day's due timers that have not fired, in one query: those free to claim, and how many are held
   * under a lease that still runs (an instance is firing them, or failed and will retry). A held timer
   * must keep its day behind the scheduler's cursor, or nobody reads it again when the lease runs out.
   */
  async function readDay(day: string, now: Date): Promise<{ free: ClaimedTimer[]; held: number; lease?: DayLeaseRow }> {
    const at = now.toISOString();
    const filter = odata`PartitionKey eq ${day} and ((dueAt le ${at} and (status eq 'pending' or status eq 'claimed')) or RowKey eq ${DAY_LEASE})`;
    const free: ClaimedTimer[] = [];
    let held = 0;
    let lease: DayLeaseRow | undefined;
    for await (const row of table.listEntities<TimerEntity>({ queryOptions: { filter } })) {
      if (row.rowKey === DAY_LEASE) {
        lease = { etag: row.etag, until: row.leaseUntil ?? '' };
        continue;
      }
      if (row.status === 'claimed' && (row.leaseUntil ?? '') >= at) {
        held++;
        continue;
      }
      free.push({
        partitionKey: day, rowKey: String(row.rowKey), etag: row.etag, reference: row.reference, timer: row.timer, dueAt: row.dueAt,
        ...(row.basis ? { basis: row.basis } : {}),
      });
    }
    return { free, held, ...(lease ? { lease } : {}) };
  }

  /** Renews or gives back a day's lease on its own, If-Match: undefined once another instance has taken it over. */
  async function moveDayLease(lease: HeldDay, until: Date): Promise<HeldDay | undefined> {
    try {
      const written = await table.updateEntity({ partitionKey: lease.partitionKey, rowKey: DAY_LEASE, leaseUntil: until.toISOString() }, 'Merge', { etag: lease.etag });
      return { partitionKey: lease.partitionKey, etag: written.etag ?? '' };
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  return {
    async schedule(timer: TimerRow): Promise<void> {
      const entity = {
        partitionKey: timer.dueAt.slice(0, 10), rowKey: `${timer.dueAt}|${timer.reference}|${timer.timer}`,
        ...timer, status: 'pending',
      } satisfies TimerEntity & { partitionKey: string; rowKey: string };
      assertEntityWithinLimits(entity);
      // Create, not upsert: replaying an outbox must not re-arm a timer that has already fired.
      await writes.write([['create', entity]]).catch((error: unknown) => {
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
        return { ...timer, etag: response.etag ?? timer.etag, leaseUntil: leaseUntil.toISOString() };
      } catch (error) {
        if (statusOf(error) === 412 || statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    /**
     * Creates a timer that is already claimed by `owner` until `until` (its due instant): the retry timer of a
     * transition's outbox, written before the transition is stored. While its owner carries out the effects it
     * renews the claim ({@link claim}); if the owner dies, the claim runs out and any instance's scheduler fires
     * it. `id` keeps the timers of one case's transitions apart.
     */
    async createClaimed(timer: { reference: string; timer: string; id: string }, owner: string, until: Date): Promise<ClaimedTimer> {
      const dueAt = until.toISOString();
      const entity = {
        partitionKey: dueAt.slice(0, 10), rowKey: `${dueAt}|${timer.reference}|${timer.timer}|${timer.id}`,
        reference: timer.reference, timer: timer.timer, dueAt, status: 'claimed', leaseOwner: owner, leaseUntil: dueAt,
      } satisfies TimerEntity & { partitionKey: string; rowKey: string };
      let etag: string;
      try {
        etag = (await writes.write([['create', entity]]))[0]?.etag ?? '';
      } catch (error) {
        // The row key is new to this call (`id`): there already, it is this create's own, stored by a transaction
        // whose answer was lost and which was sent again. Its ETag is read back.
        if (statusOf(error) !== 409) throw error;
        const stored = await table.getEntity<TimerEntity>(entity.partitionKey, entity.rowKey);
        if (stored.leaseOwner !== owner || stored.leaseUntil !== dueAt) throw error;
        etag = stored.etag;
      }
      return { partitionKey: entity.partitionKey, rowKey: entity.rowKey, etag, reference: timer.reference, timer: timer.timer, dueAt, leaseUntil: dueAt };
    },

    /**
     * Lets a claimed timer go at `at`: the claim then runs out and the scheduler fires the timer (by any instance).
     * Undefined when it is no longer ours (another instance took it over).
     */
    async releaseUntil(timer: ClaimedTimer, at: Date): Promise<ClaimedTimer | undefined> {
      // Due by then at the latest (the scheduler reads only due rows), in its day partition all the same; a claim
      // runs up to and including its instant, so it ends just before `at`, and the timer is free from `at` on.
      const dueAt = at.toISOString() < timer.dueAt ? at.toISOString() : timer.dueAt;
      const leaseUntil = new Date(at.getTime() - 1).toISOString();
      try {
        const [response] = await writes.write([['update',
          { partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'claimed', leaseOwner: '', leaseUntil, dueAt }, 'Merge', { etag: timer.etag }]]);
        return { ...timer, etag: response?.etag ?? timer.etag, leaseUntil, dueAt };
      } catch (error) {
        if (statusOf(error) === 412 || statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    /**
     * Deletes a timer whose work is done, if it is still ours (unchanged since `timer.etag`). Alone, not shared: a
     * delete in a transaction cannot be made If-Match by the SDK (`submitTransaction` drops its options).
     */
    async remove(timer: ClaimedTimer): Promise<void> {
      await table.deleteEntity(timer.partitionKey, timer.rowKey, { etag: timer.etag }).catch((error: unknown) => {
        if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
      });
    },

    /**
     * Deletes a timer this instance holds a claim on, its work done. While the claim has {@link SURE_CLAIM_MS} or more
     * to run, no other instance can have taken the timer over (a claim is taken only once it has run out), so the
     * delete needs no If-Match and shares a round trip with the day's other writes; nearer its end, it is
     * {@link remove}d If-Match, alone.
     */
    async removeHeld(timer: ClaimedTimer, now: Date): Promise<void> {
      const sure = Date.parse(timer.leaseUntil ?? timer.dueAt) - now.getTime() - SURE_CLAIM_MS;
      if (!(sure >= 0)) return this.remove(timer);
      try {
        // Sent while the claim still has SURE_CLAIM_MS to run, or not at all: a write can wait behind its partition's.
        await writes.write([['delete', { partitionKey: timer.partitionKey, rowKey: timer.rowKey }]], { sendWithinMs: sure });
      } catch (error) {
        if (error instanceof WriteTooLate) return this.remove(timer);
        if (statusOf(error) !== 404) throw error;
      }
    },

    /**
     * Takes the lease on a day's timers (one write), so that this instance alone fires them until `until`: the
     * lease as `readDay` saw it is overwritten If-Match, or created if the day has none. Undefined while another
     * instance's lease runs, or when another instance took it first. One write a day, instead of a claim a timer.
     */
    async takeDay(day: string, seen: DayLeaseRow | undefined, owner: string, now: Date, until: Date): Promise<HeldDay | undefined> {
      if (seen && seen.until >= now.toISOString()) return undefined;
      const entity = { partitionKey: day, rowKey: DAY_LEASE, leaseOwner: owner, leaseUntil: until.toISOString() };
      try {
        const written = seen ? await table.updateEntity(entity, 'Merge', { etag: seen.etag }) : await table.createEntity(entity);
        return { partitionKey: day, etag: written.etag ?? '' };
      } catch (error) {
        if (statusOf(error) === 412 || statusOf(error) === 404 || statusOf(error) === 409) return undefined;
        throw error;
      }
    },

    /**
     * Records a batch fired under the day's lease, and moves the lease, in one transaction of the day partition:
     * done timers completed, failed ones held for this instance until `retryAfter`, the lease renewed or given
     * back; every row If-Match. At most {@link DAY_BATCH} timers. If any row changed meanwhile, the rows are
     * written one by one instead. Undefined once the lease is another instance's. (A transaction that committed but
     * whose answer was lost, if repeated, gets a 412 and lands here too: the rows are then as they should be.)
     */
    async settleDay(lease: HeldDay, outcome: DayOutcome): Promise<HeldDay | undefined> {
      const retryAfter = outcome.retryAfter.toISOString();
      const actions: TransactionAction[] = [
        ...outcome.done.map((timer): TransactionAction => ['update', { partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'done' }, 'Merge', { etag: timer.etag }]),
        ...outcome.failed.map((timer): TransactionAction => ['update',
          { partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'claimed', leaseOwner: outcome.owner, leaseUntil: retryAfter }, 'Merge', { etag: timer.etag }]),
        ['update', { partitionKey: lease.partitionKey, rowKey: DAY_LEASE, leaseUntil: outcome.leaseUntil.toISOString() }, 'Merge', { etag: lease.etag }],
      ];
      try {
        const response = await table.submitTransaction(actions);
        const etag = response.subResponses.at(-1)?.etag;
        if (response.subResponses.length === actions.length && etag) return { partitionKey: lease.partitionKey, etag };
        // Written, but without the lease's new ETag: read it back, since the next renewal is If-Match on it.
        const row = await table.getEntity<TimerEntity>(lease.partitionKey, DAY_LEASE);
        return row.leaseUntil === outcome.leaseUntil.toISOString() ? { partitionKey: lease.partitionKey, etag: row.etag } : undefined;
      } catch (error) {
        if (statusOf(error) !== 412 && statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
      }
      // The lease first: once another instance holds the day, the failed timers are its to fire, not ours to hold
      // (holding one would turn its completion by the new holder into a 412, and it would fire again).
      const kept = await moveDayLease(lease, outcome.leaseUntil);
      for (const timer of outcome.done) await this.complete(timer);
      if (kept) for (const timer of outcome.failed) await this.claim(timer, outcome.owner, outcome.retryAfter);
      return kept;
    },

    /**
     * Claims timers of one day partition together: one transaction of up to 100, each row If-Match on the ETag it
     * was read with, so the batch succeeds only if no other instance claimed any of them meanwhile. If one did,
     * the batch's timers are claimed one by one instead, and only those still free are returned.
     */
    async claimAll(free: readonly ClaimedTimer[], owner: string, leaseUntil: Date): Promise<ClaimedTimer[]> {
      const until = leaseUntil.toISOString();
      const claimed: ClaimedTimer[] = [];
      for (const batch of inPartitionBatches(free)) {
        if (batch.length > 1) {
          try {
            const response = await table.submitTransaction(batch.map((timer): TransactionAction => ['update',
              { partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'claimed', leaseOwner: owner, leaseUntil: until }, 'Merge', { etag: timer.etag }]));
            // The sub-responses come in the order of the operations (the service does not name their rows).
            const etags = response.subResponses.map((sub) => sub.etag);
            if (etags.length === batch.length && etags.every(Boolean)) {
              batch.forEach((timer, i) => claimed.push({ ...timer, etag: etags[i]!, leaseUntil: until }));
              continue;
            }
            // Claimed, but without the new ETags: read back, since completing a timer is If-Match on its claim's.
            for (const timer of batch) {
              const row = await table.getEntity<TimerEntity>(timer.partitionKey, timer.rowKey);
              if (row.leaseOwner === owner && row.leaseUntil === until) claimed.push({ ...timer, etag: row.etag, leaseUntil: until });
            }
            continue;
          } catch (error) {
            if (statusOf(error) !== 412 && statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
          }
        }
        for (const timer of batch) {
          const one = await this.claim(timer, owner, leaseUntil);
          if (one) claimed.push(one);
        }
      }
      return claimed;
    },

    /** Completes fired timers together (one transaction per 100 of a day), falling back to one by one if any was taken over. */
    async completeAll(fired: readonly ClaimedTimer[]): Promise<void> {
      for (const batch of inPartitionBatches(fired)) {
        if (batch.length > 1) {
          try {
            await table.submitTransaction(batch.map((timer): TransactionAction => ['update',
              { partitionKey: timer.partitionKey, rowKey: timer.rowKey, status: 'done' }, 'Merge', { etag: timer.etag }]));
            continue;
          } catch (error) {
            if (statusOf(error) !== 412 && statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
          }
        }
        for (const timer of batch) await this.complete(timer);
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

/**
 * How long a claim must still run, when a delete is sent, for its holder to be sure no other instance has taken the
 * timer over: a round trip's longest ({@link ROUND_TRIP_TIMEOUT_MS}) and a minute more than two instances' clocks differ.
 */
export const SURE_CLAIM_MS = ROUND_TRIP_TIMEOUT_MS + 60_000;

/** Timers settled in one transaction with their day's lease: the table service's limit of 100, less the lease's row. */
export const DAY_BATCH = TABLE_LIMITS.maxBatchOperations - 1;

/** Timers grouped by day partition, in transactions of at most 100 (the table service's limit). */
function inPartitionBatches(timers: readonly ClaimedTimer[]): ClaimedTimer[][] {
  const byDay = new Map<string, ClaimedTimer[]>();
  for (const timer of timers) {
    const day = byDay.get(timer.partitionKey);
    if (day) day.push(timer);
    else byDay.set(timer.partitionKey, [timer]);
  }
  const batches: ClaimedTimer[][] = [];
  for (const day of byDay.values()) {
    for (let i = 0; i < day.length; i += TABLE_LIMITS.maxBatchOperations) batches.push(day.slice(i, i + TABLE_LIMITS.maxBatchOperations));
  }
  return batches;
}
