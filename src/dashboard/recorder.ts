import type { Logger } from '../logger';
import type { CaseStore } from '../store/case-store';
import type { StatisticsStore } from '../store/statistics';
import type { CaseSummariser } from './summary';
import type { CaseSummary } from './statistics';

/** What the effect relay tells of each transition (src/cases/relay.ts, `statistics`): the case's summary is kept. */
export function createStatisticsRecorder(summariser: CaseSummariser, store: StatisticsStore, logger: Logger) {
  return {
    async record(reference: string, snapshot: unknown, version: number, now: Date, opened = false): Promise<void> {
      const summary = summariser.summarise(reference, snapshot, version, now);
      if (!summary) return;
      const outcome = await store.record(summary, { opened });
      logger.debug({ reference, version, outcome }, 'statistics recorded');
    },
  };
}

/**
 * Rebuilds the statistics table from the cases (`npm run statistics:rebuild`): every case of every workflow is
 * summarised as the engine would have, and the table replaced with those summaries and their sums. Run it while
 * the bot is quiet: a transition recorded during the rebuild may be overwritten by the older summary read before it.
 */
export async function rebuildStatistics(cases: CaseStore, summariser: CaseSummariser, store: StatisticsStore, prefixes: readonly string[], now: Date): Promise<{ summaries: number; counters: number }> {
  const summaries: CaseSummary[] = [];
  for (const prefix of prefixes) {
    for await (const stored of cases.snapshotsOf<unknown>(prefix)) {
      const summary = summariser.summarise(stored.reference, stored.snapshot, stored.version, now);
      if (summary) summaries.push(summary);
    }
  }
  return store.replaceAll(summaries);
}
