import type { Logger } from '../logger';
import type { LeaseStore } from '../store/leases';
import type { RetentionSummary } from './retention-run';

/** What a scheduler tick made of the daily retention run. */
export type DailyRunOutcome = 'ran' | 'failed' | 'already run today' | 'held by another instance';

export interface DailyRetentionOptions {
  /** Leases in the `timers` table (partition `retention`): one instance runs each day's purge. */
  readonly leases: LeaseStore;
  /** This instance's name in the lease. */
  readonly owner: string;
  readonly logger: Logger;
  readonly run: (now: Date) => Promise<RetentionSummary>;
}

/** One lease row, taken for the rest of the UTC day: no instance runs the purge again that day. */
const LEASE_KEY = 'daily-purge';

/**
 * The retention purge, once a day inside the bot's scheduler (called on every tick; it runs on the first tick
 * of each UTC day). Of several instances, the one that takes the day's lease (an ETag-guarded write) runs it;
 * the lease is kept until midnight, so the others, and a restarted instance, do not run it again that day. A
 * run that fails or is cut short is finished by the next day's: every step of it is idempotent.
 * Logs one line with counts (never a person's id, a name or any text).
 */
export function createDailyRetention(options: DailyRetentionOptions) {
  let lastDay: string | undefined;
  return async (now: Date): Promise<DailyRunOutcome> => {
    const day = now.toISOString().slice(0, 10);
    if (lastDay === day) return 'already run today';
    const until = new Date(`${day}T00:00:00.000Z`);
    until.setUTCDate(until.getUTCDate() + 1);
    const lease = await options.leases.acquire(LEASE_KEY, options.owner, now, until);
    lastDay = day;
    if (!lease) return 'held by another instance';
    try {
      const summary = await options.run(now);
      options.logger.info({ job: 'retention', day, ...counts(summary) }, 'retention purge done');
      return 'ran';
    } catch (error) {
      options.logger.warn({ job: 'retention', day, failure: String((error as Error).name ?? 'Error') }, 'retention purge failed; the next day\'s run finishes it');
      return 'failed';
    }
  };
}

export type DailyRetention = ReturnType<typeof createDailyRetention>;

/** The summary as flat counts for the log line. */
export function counts(summary: RetentionSummary): Record<string, number> {
  return {
    ainmChecked: summary.ainm.checked, ainmPurged: summary.ainm.purged, ainmFailed: summary.ainm.failed,
    accessRequestsChecked: summary.accessRequests.checked, accessRequestsDeleted: summary.accessRequests.deleted, accessRequestsFailed: summary.accessRequests.failed,
    takedownsChecked: summary.takedowns.checked, takedownsDeleted: summary.takedowns.deleted, takedownsFailed: summary.takedowns.failed,
    ...Object.fromEntries(Object.entries(summary.others).flatMap(([prefix, other]) => [
      [`${prefix}Checked`, other.checked], [`${prefix}Deleted`, other.deleted], [`${prefix}Failed`, other.failed],
    ])),
  };
}
