import { randomUUID } from 'node:crypto';
import { addDays } from '../domain/calendar-date';
import type { Logger } from '../logger';
import type { ClaimedTimer, TimerRow, TimerStore } from '../store/timers';

/**
 * Fires one kind of timer: normally a system command on the case (remind, escalate, expire). `claim` is this
 * instance's claim on the timer; a handler that looks after the timer row itself (an outbox retry timer, which
 * it keeps claimed while it works and deletes or lets go at the next attempt) answers `'kept'`, and the
 * scheduler leaves the row alone.
 */
export type TimerHandler = (timer: TimerRow, now: Date, claim?: ClaimedTimer) => Promise<void | 'kept'>;

export interface SchedulerOptions {
  readonly timers: TimerStore;
  readonly handlers: Readonly<Record<string, TimerHandler>>;
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
/** Timers claimed (and completed) together: one transaction of a day partition, the table service's limit. */
const CLAIM_BATCH = 100;

export interface TickReport {
  readonly fired: number;
  /** The timer was held under a lease: another instance is firing it, or a failed attempt waits for its lease to run out. */
  readonly skipped: number;
  /** The handler failed: the lease runs out and the timer is fired again later. */
  readonly failed: number;
  readonly daysRead: number;
}

/**
 * Fires due timers: reads only the day partitions from the oldest day with pending timers to today,
 * claims each timer with an ETag-guarded lease so one of several instances fires it, and completes it
 * only after its handler succeeded, so a crash between claim and send means a later retry, not a loss.
 * Timers are claimed and completed a hundred at a time (one transaction each, every row If-Match), and their
 * handlers run a few at a time ({@link SCHEDULER_CONCURRENCY}).
 */
export function createScheduler(options: SchedulerOptions) {
  const owner = options.owner ?? `scheduler-${randomUUID().slice(0, 8)}`;
  const leaseMillis = options.leaseMillis ?? 120_000;
  const lookbackDays = options.lookbackDays ?? 7;
  const { timers, logger } = options;
  const heartbeat = heartbeatLogger(logger);

  const concurrency = Math.max(1, options.concurrency ?? SCHEDULER_CONCURRENCY);

  /** Runs a claimed timer's handler: `done` when the row is to be completed, `kept` when the handler looks after it. */
  async function run(claimed: ClaimedTimer, now: Date): Promise<'done' | 'kept' | 'failed'> {
    const handler = options.handlers[claimed.timer];
    const row: TimerRow = { reference: claimed.reference, timer: claimed.timer, dueAt: claimed.dueAt, ...(claimed.basis ? { basis: claimed.basis } : {}) };
    try {
      if (!handler) {
        logger.warn({ reference: claimed.reference, timer: claimed.timer }, 'no handler for this timer; dropped');
        return 'done';
      }
      return (await handler(row, now, claimed)) === 'kept' ? 'kept' : 'done';
    } catch (error) {
      logger.warn({ reference: claimed.reference, timer: claimed.timer, failure: String((error as Error).message).slice(0, 200) }, 'timer failed; it will be retried when its lease runs out');
      return 'failed';
    }
  }

  /** Claims a day's free timers a hundred at a time, runs their handlers a few at a time, completes those that ran. */
  async function fireAll(free: readonly ClaimedTimer[], now: Date): Promise<{ fired: number; skipped: number; failed: number }> {
    const counts = { fired: 0, skipped: 0, failed: 0 };
    for (let i = 0; i < free.length; i += CLAIM_BATCH) {
      const batch = free.slice(i, i + CLAIM_BATCH);
      const claimed = await timers.claimAll(batch, owner, new Date(now.getTime() + leaseMillis));
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
        const { free, held } = await timers.readDay(day, now);
        // Held under a running lease (by another instance, or after a failure here): keep the day to read again.
        report.skipped += held;
        if (held > 0) oldestUnfinished ??= day;
        const fired = await fireAll(free, now);
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
