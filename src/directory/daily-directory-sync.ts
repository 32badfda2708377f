import type { Logger } from '../logger';
import type { LeaseStore } from '../store/leases';
import type { SyncReport } from './directory-sync';

export type DailySyncOutcome = 'ran' | 'failed' | 'already run today' | 'held by another instance' | 'off';

export interface DailyDirectorySyncOptions {
  /** Leases in the `timers` table (partition `directory-sync`): one instance syncs each day. */
  readonly leases: LeaseStore;
  readonly owner: string;
  readonly logger: Logger;
  /** Undefined when the sync is off (no Graph configured): the job then does nothing, and says so once. */
  readonly sync?: (now: Date) => Promise<SyncReport>;
}

const LEASE_KEY = 'daily-directory-sync';

/**
 * The directory sync, once a day inside the scheduler (as the retention purge, src/data-protection/daily-retention.ts):
 * of several instances, the one that takes the day's lease (an ETag-guarded write, kept until midnight UTC) runs
 * it; the others, and a restarted instance, do not run it again that day. A failed run is retried the next day,
 * or at once with `npm run directory:sync`.
 */
export function createDailyDirectorySync(options: DailyDirectorySyncOptions) {
  let lastDay: string | undefined;
  return async (now: Date): Promise<DailySyncOutcome> => {
    const day = now.toISOString().slice(0, 10);
    if (lastDay === day) return 'already run today';
    lastDay = day;
    if (!options.sync) {
      options.logger.debug({ job: 'directory-sync' }, 'directory sync from Entra ID is off (DIRECTORY_SYNC)');
      return 'off';
    }
    const until = new Date(`${day}T00:00:00.000Z`);
    until.setUTCDate(until.getUTCDate() + 1);
    const lease = await options.leases.acquire(LEASE_KEY, options.owner, now, until);
    if (!lease) return 'held by another instance';
    try {
      const report = await options.sync(now);
      if (report.outcome === 'synced') return 'ran';
      options.logger.warn({ job: 'directory-sync', day, outcome: report.outcome, reason: report.message.slice(0, 300) }, 'directory sync did not run');
      return 'failed';
    } catch (error) {
      options.logger.warn({ job: 'directory-sync', day, failure: String((error as Error).name ?? 'Error') }, 'directory sync failed; the next day\'s run tries again');
      return 'failed';
    }
  };
}
