import { odata, TableClient } from '@azure/data-tables';
import { CaseStore, ConcurrencyError } from '../../store/case-store';
import { statusOf } from '../../store/tables';
import type { AinmRecord } from './model';
import { abuseReportParticipants } from './presenter';
import { anonymise, anonymiseEventBody, isDueForPurge, purgedEvent } from './retention';

export interface RetentionJobOptions {
  readonly cases: CaseStore;
  /** The `inbox` table: the record's lines in its people's inboxes go. */
  readonly inbox: TableClient;
  /** The `idempotency` table: the reporter's form claim names the reference, so it goes too. */
  readonly idempotency?: TableClient;
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
  readonly record: AinmRecord;
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
  for await (const stored of cases.snapshotsOf<AinmRecord>('AINM')) {
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

  const claims = options.idempotency && due.length > 0 ? await formClaimsOf(options.idempotency, new Set(due.map((d) => d.reference))) : new Map<string, FormClaim[]>();
  let purged = 0;
  let failed = 0;
  for (const item of due) {
    try {
      if (await purgeRecord(options, item, claims.get(item.reference) ?? [])) {
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
async function purgeRecord(options: RetentionJobOptions, item: Due, claims: readonly FormClaim[]): Promise<boolean> {
  const { cases, now, years } = options;
  let { record, etag, version } = item;
  for (let attempt = 1; ; attempt++) {
    // Links to people first, while they are known: once the snapshot is purged nothing says whose lines these were.
    await removeInboxRows(options.inbox, record);
    for (const claim of claims) await deleteIfThere(options.idempotency!, claim.partitionKey, claim.rowKey);
    try {
      await cases.purge(item.reference, { etag, version }, anonymise(record, now), purgedEvent(now, years), anonymiseEventBody);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 2) throw error;
      const reloaded = await cases.load<AinmRecord>(item.reference);
      if (!reloaded || !isDueForPurge(reloaded.snapshot, now, years)) return false;
      ({ snapshot: record, etag, version } = reloaded);
      continue;
    }
    // Again after: an outbox relay that was mid-way may have rewritten a line meanwhile.
    await removeInboxRows(options.inbox, record);
    return true;
  }
}

/** Deletes the record's lines in the inboxes of its reporter, its manager and the Incident team. Idempotent. */
export async function removeInboxRows(inbox: TableClient, record: AinmRecord): Promise<void> {
  for (const { userId, role } of abuseReportParticipants(record)) {
    if (userId) await deleteIfThere(inbox, userId, `${role}|${record.reference}`);
  }
}

interface FormClaim {
  readonly partitionKey: string;
  readonly rowKey: string;
}

/** Form-token claims (PartitionKey = person id) naming the given references. One scan of the table for the run. */
async function formClaimsOf(table: TableClient, references: ReadonlySet<string>): Promise<Map<string, FormClaim[]>> {
  const claims = new Map<string, FormClaim[]>();
  const query = table.listEntities<{ reference: string }>({
    queryOptions: { filter: odata`reference ge ${'AINM-'} and reference lt ${'AINM.'}`, select: ['PartitionKey', 'RowKey', 'reference'] },
  });
  for await (const row of query) {
    if (!references.has(row.reference)) continue;
    claims.set(row.reference, [...(claims.get(row.reference) ?? []), { partitionKey: row.partitionKey as string, rowKey: row.rowKey as string }]);
  }
  return claims;
}

async function deleteIfThere(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  await table.deleteEntity(partitionKey, rowKey).catch((error: unknown) => {
    if (statusOf(error) !== 404) throw error;
  });
}
