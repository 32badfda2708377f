import { randomUUID } from 'node:crypto';
import { addDays } from '../domain/calendar-date';
import type { Logger } from '../logger';
import type { ClaimedTimer, TimerRow, TimerStore } from '../store/timers';

/** Fires one kind of timer: normally a system command on the case (remind, escalate, expire). */
export type TimerHandler = (timer: TimerRow, now: Date) => Promise<void>;

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
}

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
 */
export function createScheduler(options: SchedulerOptions) {
  const owner = options.owner ?? `scheduler-${randomUUID().slice(0, 8)}`;
  const leaseMillis = options.leaseMillis ?? 120_000;
  const lookbackDays = options.lookbackDays ?? 7;
  const { timers, logger } = options;
  const heartbeat = heartbeatLogger(logger);

  async function fire(timer: ClaimedTimer, now: Date): Promise<'fired' | 'skipped' | 'failed'> {
    const claimed = await timers.claim(timer, owner, new Date(now.getTime() + leaseMillis));
    if (!claimed) return 'skipped';
    const handler = options.handlers[timer.timer];
    try {
      if (handler) await handler(timer, now);
      else logger.warn({ reference: timer.reference, timer: timer.timer }, 'no handler for this timer; dropped');
      await timers.complete(claimed);
      return 'fired';
    } catch (error) {
      logger.warn({ reference: timer.reference, timer: timer.timer, failure: String((error as Error).message).slice(0, 200) }, 'timer failed; it will be retried when its lease runs out');
      return 'failed';
    }
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
        for (const timer of free) {
          const result = await fire(timer, now);
          report[result]++;
          if (result !== 'fired') oldestUnfinished ??= day;
        }
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
