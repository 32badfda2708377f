import { randomUUID } from 'node:crypto';
import { addDays } from '../domain/calendar-date';
import type { Logger } from '../logger';
import { ClaimedTimer, DAY_BATCH, DAY_GIVEN_BACK, DayLeaseRow, TimerRow, TimerStore } from '../store/timers';

/** Fires one kind of timer: normally a system command on the case (remind, escalate, expire). */
export type TimerHandler = (timer: TimerRow, now: Date) => Promise<void>;

/**
 * Fires a timer that looks after its own row: an outbox retry timer, which its handler keeps claimed while it works
 * and deletes or lets go at the next attempt. It is given the row claimed for this instance, and the scheduler
 * leaves the row alone afterwards.
 */
export interface RowKeepingHandler {
  readonly keepsItsRow: true;
  fire(timer: TimerRow, now: Date, claim: ClaimedTimer): Promise<void>;
}

export type AnyTimerHandler = TimerHandler | RowKeepingHandler;

const keepsItsRow = (handler: AnyTimerHandler | undefined): handler is RowKeepingHandler => typeof handler === 'object' && handler.keepsItsRow;

export interface SchedulerOptions {
  readonly timers: TimerStore;
  readonly handlers: Readonly<Record<string, AnyTimerHandler>>;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Names this instance in leases; unique per process. */
  readonly owner?: string;
  /** How long a claimed timer is reserved for this instance before another may take it over. */
  readonly leaseMillis?: number;
  /** Days back always read, for timers that came due while no instance was running. */
  readonly lookbackDays?: number;
  /** Once-a-day work (the retention purge): called after the timers on every tick with its `now`; it decides whether to run. */
  readonly daily?: (now: Date) => Promise<unknown>;
  /** How many handlers run at once; {@link SCHEDULER_CONCURRENCY} by default. */
  readonly concurrency?: number;
}

/**
 * Handlers running at once on one instance. Each is a case transition (a read and a transaction) whose effects
 * go to the relay; eight keep the table service busy without letting a backlog of thousands (after an outage)
 * open thousands of requests at once.
 */
export const SCHEDULER_CONCURRENCY = 8;
/** Row-keeping timers claimed together: one transaction of a day partition, the table service's limit. */
const CLAIM_BATCH = 100;

interface Counts { fired: number; skipped: number; failed: number }

export interface TickReport {
  readonly fired: number;
  /** The timer was held under a lease: another instance is firing it, or a failed attempt waits for its lease to run out. */
  readonly skipped: number;
  /** The handler failed: the lease runs out and the timer is fired again later. */
  readonly failed: number;
  readonly daysRead: number;
}

/**
 * Fires due timers: reads only the day partitions from the oldest day with pending timers to today. One of
 * several instances fires a day's timers: the one that took the day's lease (an ETag-guarded row of the day
 * partition). A timer is completed only after its handler succeeded, so a crash between the lease and the send
 * means a retry once the lease has run out, not a loss. Outcomes are written 99 at a time with the lease's renewal
 * (one transaction, every row If-Match), and handlers run a few at a time ({@link SCHEDULER_CONCURRENCY}).
 * Row-keeping timers (outbox retries) are claimed row by row instead, since their handlers go on holding the row.
 */
export function createScheduler(options: SchedulerOptions) {
  const owner = options.owner ?? `scheduler-${randomUUID().slice(0, 8)}`;
  const leaseMillis = options.leaseMillis ?? 120_000;
  const lookbackDays = options.lookbackDays ?? 7;
  const { timers, logger } = options;
  const heartbeat = heartbeatLogger(logger);

  const concurrency = Math.max(1, options.concurrency ?? SCHEDULER_CONCURRENCY);

  /** Runs a timer's handler: `done` when the row is to be completed, `kept` when the handler looks after it. */
  async function run(timer: ClaimedTimer, now: Date): Promise<'done' | 'kept' | 'failed'> {
    const handler = options.handlers[timer.timer];
    const row: TimerRow = { reference: timer.reference, timer: timer.timer, dueAt: timer.dueAt, ...(timer.basis ? { basis: timer.basis } : {}) };
    try {
      if (!handler) {
        logger.warn({ reference: timer.reference, timer: timer.timer }, 'no handler for this timer; dropped');
        return 'done';
      }
      if (keepsItsRow(handler)) {
        await handler.fire(row, now, timer);
        return 'kept';
      }
      await handler(row, now);
      return 'done';
    } catch (error) {
      logger.warn({ reference: timer.reference, timer: timer.timer, failure: String((error as Error).message).slice(0, 200) }, 'timer failed; it will be retried when its lease runs out');
      return 'failed';
    }
  }

  /** Row-keeping timers: claimed a hundred at a time (each row its own lease, which the handler goes on holding). */
  async function fireClaimed(free: readonly ClaimedTimer[], now: Date, counts: Counts): Promise<void> {
    for (let i = 0; i < free.length; i += CLAIM_BATCH) {
      const batch = free.slice(i, i + CLAIM_BATCH);
      const claimed = await timers.claimAll(batch, owner, new Date(options.now().getTime() + leaseMillis));
      counts.skipped += batch.length - claimed.length;
      const toComplete: ClaimedTimer[] = [];
      await inParallel(claimed, concurrency, async (timer) => {
        const result = await run(timer, now);
        if (result === 'failed') counts.failed++;
        else counts.fired++;
        if (result === 'done') toComplete.push(timer);
      });
      await timers.completeAll(toComplete);
    }
  }

  /**
   * The day's other timers, under the day's lease: one write takes it, and each batch's outcomes are written in
   * one transaction with the lease's renewal (the last one gives the day back), so a timer costs one write, not
   * a claim and a completion. A failed timer is held for this instance until its own lease runs out.
   */
  async function fireUnderDayLease(day: string, free: readonly ClaimedTimer[], seen: DayLeaseRow | undefined, now: Date, counts: Counts): Promise<void> {
    // Leases run from the clock as it is now, not as the tick began: earlier days may have taken minutes.
    const takenAt = options.now();
    let lease = await timers.takeDay(day, seen, owner, takenAt, new Date(takenAt.getTime() + leaseMillis));
    for (let i = 0; i < free.length; i += DAY_BATCH) {
      if (!lease) {
        // Another instance holds the day: its timers wait for it (or for its lease to run out).
        counts.skipped += free.length - i;
        return;
      }
      const batch = free.slice(i, i + DAY_BATCH);
      const done: ClaimedTimer[] = [];
      const failed: ClaimedTimer[] = [];
      await inParallel(batch, concurrency, async (timer) => {
        if ((await run(timer, now)) === 'failed') failed.push(timer);
        else done.push(timer);
      });
      counts.fired += done.length;
      counts.failed += failed.length;
      const last = i + DAY_BATCH >= free.length;
      const at = options.now().getTime();
      lease = await timers.settleDay(lease, {
        done, failed, owner, retryAfter: new Date(at + leaseMillis), leaseUntil: last ? DAY_GIVEN_BACK : new Date(at + leaseMillis),
      });
    }
  }

  async function fireDay(day: string, free: readonly ClaimedTimer[], lease: DayLeaseRow | undefined, now: Date): Promise<Counts> {
    const counts: Counts = { fired: 0, skipped: 0, failed: 0 };
    const rowKeeping = free.filter((timer) => keepsItsRow(options.handlers[timer.timer]));
    const plain = free.filter((timer) => !keepsItsRow(options.handlers[timer.timer]));
    // The day's lease first, while the ETag read with the day is fresh; outbox recoveries may take a while.
    if (plain.length > 0) await fireUnderDayLease(day, plain, lease, now, counts);
    if (rowKeeping.length > 0) await fireClaimed(rowKeeping, now, counts);
    return counts;
  }

  return {
    owner,
    async tick(): Promise<TickReport> {
      const now = options.now();
      const today = now.toISOString().slice(0, 10);
      const cursor = await timers.oldestPendingDay();
      const lookback = addDays(today, -lookbackDays);
      let day = cursor && cursor < lookback ? cursor : lookback;
      const report = { fired: 0, skipped: 0, failed: 0, daysRead: 0 };
      let oldestUnfinished: string | undefined;
      for (; day <= today; day = addDays(day, 1)) {
        report.daysRead++;
        const { free, held, lease } = await timers.readDay(day, now);
        // Held under a running lease (by another instance, or after a failure here): keep the day to read again.
        report.skipped += held;
        if (held > 0) oldestUnfinished ??= day;
        const fired = await fireDay(day, free, lease, now);
        report.fired += fired.fired;
        report.skipped += fired.skipped;
        report.failed += fired.failed;
        if (fired.skipped + fired.failed > 0) oldestUnfinished ??= day;
      }
      const nextCursor = oldestUnfinished ?? lookback;
      if (nextCursor !== cursor) await timers.setOldestPendingDay(nextCursor);
      heartbeat(now, report.fired);
      // Its failure is its own: the timers of this tick are done, and the next tick tries the daily work again.
      await options.daily?.(now).catch((error: unknown) => logger.warn({ failure: String((error as Error).message).slice(0, 200) }, 'daily work failed'));
      return report;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

/** The `event` of the scheduler's heartbeat line; infra/azure.bicep's "scheduler stalled" alert searches the logs for it. */
export const SCHEDULER_HEARTBEAT_EVENT = 'scheduler.tick';
/** At most one heartbeat line per 5 minutes, so the alert's 15-minute window always holds several while ticks run. */
export const SCHEDULER_HEARTBEAT_MILLIS = 5 * 60_000;

/** Logs `{ event: 'scheduler.tick', fired }` (timers fired since the last line) on the first tick and then every 5 minutes. */
function heartbeatLogger(logger: Logger): (now: Date, fired: number) => void {
  let last: number | undefined;
  let firedSince = 0;
  return (now, fired) => {
    firedSince += fired;
    if (last !== undefined && now.getTime() - last < SCHEDULER_HEARTBEAT_MILLIS) return;
    logger.info({ event: SCHEDULER_HEARTBEAT_EVENT, fired: firedSince }, 'scheduler heartbeat');
    last = now.getTime();
    firedSince = 0;
  };
}

/** Runs `tick` every `intervalMillis` until stopped; a failing tick is logged and the next one tries again. */
export function runEvery(scheduler: Scheduler, intervalMillis: number, logger: Logger): () => Promise<void> {
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = scheduler.tick().catch((error: unknown) => logger.warn({ failure: String((error as Error).message).slice(0, 200) }, 'scheduler tick failed'));
  }, intervalMillis);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await current;
  };
}

/** Runs `work` on every item, at most `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
