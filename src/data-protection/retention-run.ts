import type { CaseLink, CaseLinks } from '../store/case-links';
import { CaseStore, ConcurrencyError } from '../store/case-store';
import { RetentionReport, runAinmRetention } from '../workflows/abuse-report/retention-job';
import { closedStatesOf } from './case-people';
import { isDueForDeletion, monthsFor, RetentionPeriods } from './retention';
import { CASE_RULES } from '../workflows';

export interface RetentionRunOptions {
  readonly cases: CaseStore;
  readonly links: CaseLinks;
  readonly now: Date;
  readonly periods: RetentionPeriods;
  /** Count and name what is due, change nothing. */
  readonly dryRun?: boolean;
  /** Told each reference once it is deleted or purged (or would be): references only, never content. */
  readonly onDone?: (reference: string) => void;
  readonly onFailed?: (reference: string, error: unknown) => void;
  /** A policy campaign deleted by retention takes its recipients' rows with it (src/store/campaign-recipients.ts). */
  readonly campaignRecipients?: { deleteCampaign(reference: string): Promise<number> };
}

/** Counts only: safe to print and log. `checked` counts closed cases. */
export interface DeletionReport {
  readonly checked: number;
  readonly due: number;
  readonly deleted: number;
  readonly failed: number;
}

export interface RetentionSummary {
  readonly ainm: RetentionReport;
  readonly accessRequests: DeletionReport;
  readonly takedowns: DeletionReport;
  /** The other kinds deleted a fixed time after they close (their rules' `deleteClosedAfterMonths`), by prefix. */
  readonly others: Readonly<Record<string, DeletionReport>>;
}

/**
 * One retention run over every kind of case (docs/security.md, "Retention"): AINM records closed longer than
 * their period are anonymised; access requests and takedown notices closed longer than theirs are deleted
 * with their audit events, card copies, delivery marks, inbox lines, timers and form claims (a policy campaign with
 * its recipients' rows, with `campaignRecipients`: the ten-year record of who acknowledged). Open cases are
 * never read. One failure does not stop the others; the next run finishes what failed.
 */
export async function runRetention(options: RetentionRunOptions): Promise<RetentionSummary> {
  const ainm = await runAinmRetention({
    cases: options.cases, links: options.links, now: options.now, years: options.periods.ainmYears,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.onDone ? { onPurged: options.onDone } : {}), ...(options.onFailed ? { onFailed: options.onFailed } : {}),
  });
  const others: Record<string, DeletionReport> = {};
  for (const rules of CASE_RULES) {
    if (rules.deleteClosedAfterMonths !== undefined) others[rules.prefix] = await deleteClosed(rules.prefix, options, rules.deleteClosedAfterMonths);
  }
  return {
    ainm, accessRequests: await deleteClosed('AR', options, monthsFor('AR', options.periods)),
    takedowns: await deleteClosed('TD', options, monthsFor('TD', options.periods)), others,
  };
}

const CAMPAIGN_PREFIX = 'AC';

interface Due {
  readonly reference: string;
  readonly etag: string;
}

async function deleteClosed(kind: string, options: RetentionRunOptions, months: number): Promise<DeletionReport> {
  let checked = 0;
  const due: Due[] = [];
  for await (const stored of options.cases.snapshotsIn<object>(kind, closedStatesOf(kind))) {
    checked++;
    if (isDueForDeletion(kind, stored.snapshot, options.now, months)) due.push({ reference: stored.reference, etag: stored.etag });
  }
  if (options.dryRun) {
    for (const { reference } of due) options.onDone?.(reference);
    return { checked, due: due.length, deleted: 0, failed: 0 };
  }
  const links = await options.links.of(kind, new Set(due.map((item) => item.reference)));
  let deleted = 0;
  let failed = 0;
  for (const item of due) {
    try {
      if (await deleteOne(kind, options, item, links.get(item.reference) ?? [], months)) {
        deleted++;
        options.onDone?.(item.reference);
      }
    } catch (error) {
      failed++;
      options.onFailed?.(item.reference, error);
    }
  }
  return { checked, due: due.length, deleted, failed };
}

/** False when the case turned out not to be due after all (gone, or changed so that it is not). */
async function deleteOne(kind: string, options: RetentionRunOptions, item: Due, links: readonly CaseLink[], months: number): Promise<boolean> {
  let { etag } = item;
  for (let attempt = 1; ; attempt++) {
    // Links first: a failure after this leaves the snapshot, so the next run finds the case again.
    await options.links.remove(links);
    // A campaign's recipients (each person's card and acknowledgement) are kept outside the case: they go first too.
    if (kind === CAMPAIGN_PREFIX) await options.campaignRecipients?.deleteCampaign(item.reference);
    try {
      await options.cases.deleteCase(item.reference, etag, options.now.toISOString());
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 2) throw error;
      // Rewritten meanwhile (an erasure): still closed, so still due, unless it has gone.
      const reloaded = await options.cases.load<object>(item.reference);
      if (!reloaded || !isDueForDeletion(kind, reloaded.snapshot, options.now, months)) return false;
      etag = reloaded.etag;
    }
  }
}
