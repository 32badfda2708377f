import type { HeldLease, LeaseStore } from '../store/leases';

/**
 * How long a case's outbox lease runs before it must be renewed. The holder renews it every sixth of this
 * while it works, so one step (a send with the connector client's own retries, each attempt abandoned after
 * 15 s) may take up to five sixths of it without another instance taking the case over mid-send. After a
 * crash, the case's effects wait at most this long for the lease to run out: as long as recovery's grace.
 */
export const OUTBOX_LEASE_MS = 3 * 60_000;

/** Waits before asking again when another instance holds the case (its recovery drain, usually under a second). */
const BUSY_WAITS_MS = [250, 500, 1000, 2000, 4000];

/** Another instance has taken the case over (our lease ran out unrenewed): stop, and leave the rest to it. */
export class OutboxLeaseLost extends Error {
  constructor(reference: string) {
    super(`${reference}: another instance took over its outbox`);
    this.name = 'OutboxLeaseLost';
  }
}

/** The right to carry out one case's effects, held while they are carried out. */
export interface OutboxLease {
  /** Call before each send: renews the lease when due; throws {@link OutboxLeaseLost} once it is another's. */
  keep(): Promise<void>;
  /** Gives the lease back, so the next transition's instance need not wait for it to run out. */
  release(): Promise<void>;
}

export interface OutboxLeaseOptions {
  readonly leases: LeaseStore;
  readonly owner: string;
  readonly now: () => Date;
  readonly leaseMs: number;
  /** Wait a few seconds for another holder to finish (a turn's own effects) instead of giving up at once. */
  readonly patient: boolean;
}

/**
 * Takes the case's outbox lease (undefined while another instance holds it). While held, a timer also renews
 * it every sixth of a lease, so a single long send cannot outlast it; `keep` renews by our clock before each
 * send and is what stops a drain whose lease was lost.
 */
export async function takeOutboxLease(reference: string, options: OutboxLeaseOptions): Promise<OutboxLease | undefined> {
  const { leases, owner, now, leaseMs } = options;
  const until = () => new Date(now().getTime() + leaseMs);
  let held = await leases.acquire(reference, owner, now(), until());
  for (const wait of options.patient ? BUSY_WAITS_MS : []) {
    if (held) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
    held = await leases.acquire(reference, owner, now(), until());
  }
  if (!held) return undefined;

  let current: HeldLease | undefined = held;
  let renewedAt = now().getTime();
  let renewing: Promise<void> | undefined;
  const renewIfDue = (): Promise<void> => {
    if (!current || now().getTime() - renewedAt < leaseMs / 6) return Promise.resolve();
    renewing ??= (async () => {
      const at = now().getTime();
      current = current ? await leases.renew(current, new Date(at + leaseMs)) : undefined;
      renewedAt = at;
    })().finally(() => { renewing = undefined; });
    return renewing;
  };
  const heartbeat = setInterval(() => void renewIfDue().catch(() => undefined), leaseMs / 6);
  heartbeat.unref();

  return {
    async keep() {
      await renewIfDue();
      if (!current) throw new OutboxLeaseLost(reference);
    },
    async release() {
      clearInterval(heartbeat);
      await renewing?.catch(() => undefined);
      if (current) await leases.release(current).catch(() => undefined);
      current = undefined;
    },
  };
}
