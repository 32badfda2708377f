import type { CaseLink, CaseLinks } from '../../store/case-links';
import { CaseStore, ConcurrencyError } from '../../store/case-store';
import type { AbuseReport } from './model';
import { anonymise, anonymiseEventBody, isDueForPurge, purgedEvent } from './retention';

export interface RetentionJobOptions {
  readonly cases: CaseStore;
  /** Rows elsewhere that name a record (inbox lines, timers, the reporter's form claim): they go. */
  readonly links: CaseLinks;
  readonly now: Date;
  readonly years: number;
  /** Count and name what is due, change nothing. */
  readonly dryRun?: boolean;
  /** Told each reference once it is purged (or would be, in a dry run): references only, never content. */
  readonly onPurged?: (reference: string) => void;
  readonly onFailed?: (reference: string, error: unknown) => void;
}
/** Counts only: safe to print and log. */
export interface RetentionReport {
  readonly checked: number;
  readonly alreadyPurged: number;
  readonly due: number;
  readonly purged: number;
  readonly failed: number;
}

interface Due {
  readonly reference: string;
  readonly record: AbuseReport;
  readonly etag: string;
  readonly version: number;
}

/**
 * The AINM retention run (`npm run retention`): every record closed longer than `years` ago loses its
 * free text and identities; an anonymous statistics row and an anonymised audit trail stay, with a
 * `Purged` audit event. One failure does not stop the others; running again finishes what failed.
 */
export async function runAinmRetention(options: RetentionJobOptions): Promise<RetentionReport> {
  const { cases, now, years } = options;
  let checked = 0;
  let alreadyPurged = 0;
  const due: Due[] = [];
  for await (const stored of cases.snapshotsOf<AbuseReport>('AINM')) {
    checked++;
    if (stored.snapshot.purgedAt) alreadyPurged++;
    else if (isDueForPurge(stored.snapshot, now, years)) {
      due.push({ reference: stored.reference, record: stored.snapshot, etag: stored.etag, version: stored.version });
    }
  }
  if (options.dryRun) {
    for (const { reference } of due) options.onPurged?.(reference);
    return { checked, alreadyPurged, due: due.length, purged: 0, failed: 0 };
  }

  const links = await options.links.of('AINM', new Set(due.map((d) => d.reference)));
  let purged = 0;
  let failed = 0;
  for (const item of due) {
    try {
      if (await purgeRecord(options, item, links.get(item.reference) ?? [])) {
        purged++;
        options.onPurged?.(item.reference);
      }
    } catch (error) {
      failed++;
      options.onFailed?.(item.reference, error);
    }
  }
  return { checked, alreadyPurged, due: due.length, purged, failed };
}

/** False when the record turned out not to be due after all (changed, or purged by another run). */
async function purgeRecord(options: RetentionJobOptions, item: Due, links: readonly CaseLink[]): Promise<boolean> {
  const { cases, now, years } = options;
  let { record, etag, version } = item;
  for (let attempt = 1; ; attempt++) {
    // Links to people first: a failure after this leaves the record due, and the next run finishes. The dashboard's
    // summary stays (its register line names nobody): the anonymous record is still counted and listed.
    await options.links.remove(links.filter((link) => link.table !== 'statistics'));
    try {
      await cases.purge(item.reference, { etag, version }, anonymise(record, now), purgedEvent(now, years), anonymiseEventBody);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 2) throw error;
      const reloaded = await cases.load<AbuseReport>(item.reference);
      if (!reloaded || !isDueForPurge(reloaded.snapshot, now, years)) return false;
      ({ snapshot: record, etag, version } = reloaded);
      continue;
    }
    // Again after: an outbox relay that was mid-way may have rewritten a line meanwhile (same keys).
    await options.links.remove(links.filter((link) => link.table === 'inbox'));
    return true;
  }
}

