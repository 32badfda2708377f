import type { ClaimedTimer, TimerStore } from '../store/timers';

/**
 * How long a transition's outbox is held before the claim must be renewed. The holder renews it while less than
 * five sixths of this is left, before each send and every sixth of it on a timer, so one step (a send with the
 * connector client's own retries, each attempt abandoned after 15 s) may take up to five sixths of it without
 * another instance taking the outbox over mid-send. After a crash, the effects wait at most this long.
 */
export const OUTBOX_LEASE_MS = 3 * 60_000;

/** The name of a transition's retry timer in the `timers` table. */
export const OUTBOX_TIMER = 'outbox';

/** Another instance has taken the outbox over (our claim ran out unrenewed): stop, and leave the rest to it. */
export class OutboxLeaseLost extends Error {
  constructor(reference: string) {
    super(`${reference}: another instance took over its outbox`);
    this.name = 'OutboxLeaseLost';
  }
}

/** The right to carry out one transition's effects: the claim on its retry timer, held while they are carried out. */
export interface OutboxLease {
  /** Call before each send: renews the claim when due; throws {@link OutboxLeaseLost} once it is another's. */
  keep(): Promise<void>;
  /**
   * Gives the outbox back. With nothing left to do the retry timer is deleted; with effects still to retry
   * (`retryAt`), the claim is let go at that instant, so the scheduler of whichever instance comes first fires it.
   */
  release(retryAt?: Date): Promise<void>;
}

export interface OutboxLeaseOptions {
  readonly timers: TimerStore;
  readonly owner: string;
  readonly now: () => Date;
  readonly leaseMs: number;
}

/**
 * Holds a claimed retry timer as the lease on its effects. A timer renews the claim every sixth of a lease, so a
 * single long send cannot outlast it; `keep` renews by our clock before each send and is what stops a drain whose
 * claim was lost (the timer's ETag changed: another instance's scheduler took it over after it ran out).
 */
export function holdOutboxLease(claimed: ClaimedTimer, options: OutboxLeaseOptions): OutboxLease {
  const { timers, owner, now, leaseMs } = options;
  let current: ClaimedTimer | undefined = claimed;
  let until = Date.parse(claimed.leaseUntil ?? claimed.dueAt);
  let renewing: Promise<void> | undefined;
  const renewIfDue = (): Promise<void> => {
    if (!current || until - now().getTime() > (leaseMs * 5) / 6) return Promise.resolve();
    renewing ??= (async () => {
      const next = now().getTime() + leaseMs;
      current = current ? await timers.claim(current, owner, new Date(next)) : undefined;
      until = next;
    })().finally(() => { renewing = undefined; });
    return renewing;
  };
  const heartbeat = setInterval(() => void renewIfDue().catch(() => undefined), leaseMs / 6);
  heartbeat.unref();

  return {
    async keep() {
      await renewIfDue();
      if (!current) throw new OutboxLeaseLost(claimed.reference);
    },
    async release(retryAt) {
      clearInterval(heartbeat);
      await renewing?.catch(() => undefined);
      const held = current;
      current = undefined;
      if (!held) return;
      if (retryAt) await timers.releaseUntil(held, retryAt);
      else await timers.removeHeld(held, now());
    },
  };
}
