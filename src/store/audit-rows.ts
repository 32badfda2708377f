import { randomBytes } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';

/**
 * The data-protection audit trail: one row per subject access request and per erasure, in partitions of
 * the `cases` table that no workflow reads (`audit-...`; case references are `AR-`, `AINM-`, `TD-`).
 * Rows hold who ran the request, when, and whom it was about: never the data itself.
 */
export const SUBJECT_ACCESS_AUDIT = 'audit-subject-access';
export const ERASURE_AUDIT = 'audit-erasure';
type AuditPartition = typeof SUBJECT_ACCESS_AUDIT | typeof ERASURE_AUDIT;

/** The column that says whom an audit row is about. */
const SUBJECT_COLUMN = { [SUBJECT_ACCESS_AUDIT]: 'subjectId', [ERASURE_AUDIT]: 'subject' } as const;

/** Time first (rows list oldest first), then a random part so two requests in one millisecond both stay. */
export function auditRowKey(at: Date): string {
  return `${at.toISOString()}-${randomBytes(4).toString('hex')}`;
}

export interface SubjectAccessAuditRow {
  readonly at: string;
  /** Who ran it: an admin's id (`--by`) or the operating-system user of the CLI. */
  readonly by: string;
  readonly subjectId: string;
  readonly caseCount: number;
}

export interface ErasureAuditRow {
  readonly at: string;
  /** The administrator who ran it. */
  readonly by: string;
  readonly outcome: 'erased' | 'refused';
  /**
   * Refused: the person's id (nothing was erased, they are still in the open cases listed). Erased: the
   * opaque erasure id that replaced them, never their id, or the audit trail would undo the erasure.
   */
  readonly subject: string;
  /** References, comma-separated: cases anonymised, records retained, open cases that blocked it. */
  readonly anonymised: string;
  readonly retained: string;
  readonly open: string;
  /** Counts of other rows removed, as JSON (`{"inboxRows":2,...}`). */
  readonly removed: string;
}

export async function recordSubjectAccess(cases: TableClient, row: SubjectAccessAuditRow): Promise<string> {
  const rowKey = auditRowKey(new Date(row.at));
  await cases.createEntity({ partitionKey: SUBJECT_ACCESS_AUDIT, rowKey, ...row });
  return rowKey;
}

/** Earlier subject access requests about a person: part of what is held about them. */
export async function subjectAccessRequestsAbout(cases: TableClient, subjectId: string): Promise<(SubjectAccessAuditRow & { rowKey: string })[]> {
  const rows: (SubjectAccessAuditRow & { rowKey: string })[] = [];
  const query = cases.listEntities<SubjectAccessAuditRow>({ queryOptions: { filter: aboutFilter(SUBJECT_ACCESS_AUDIT, subjectId) } });
  for await (const row of query) rows.push({ rowKey: row.rowKey as string, at: row.at, by: row.by, subjectId: row.subjectId, caseCount: row.caseCount });
  return rows;
}

export async function recordErasure(cases: TableClient, row: ErasureAuditRow): Promise<string> {
  const rowKey = auditRowKey(new Date(row.at));
  await cases.createEntity({ partitionKey: ERASURE_AUDIT, rowKey, ...row });
  return rowKey;
}

/** The erasure audit trail, oldest first: for the tests and for an auditor. */
export async function erasureAuditRows(cases: TableClient): Promise<(ErasureAuditRow & { rowKey: string })[]> {
  const rows: (ErasureAuditRow & { rowKey: string })[] = [];
  for await (const row of cases.listEntities<ErasureAuditRow>({ queryOptions: { filter: odata`PartitionKey eq ${ERASURE_AUDIT}` } })) {
    rows.push({ rowKey: row.rowKey as string, at: row.at, by: row.by, outcome: row.outcome, subject: row.subject, anonymised: row.anonymised, retained: row.retained, open: row.open, removed: row.removed });
  }
  return rows;
}

/**
 * Earlier subject access requests and refused erasures about a person, put under `erasureId` (If-Match on each
 * row): the trail keeps when and by whom, without naming whom it was done to. Returns how many rows it rewrote.
 */
export async function renameSubjectInAuditRows(cases: TableClient, subjectId: string, erasureId: string): Promise<number> {
  let rewritten = 0;
  for (const partitionKey of [SUBJECT_ACCESS_AUDIT, ERASURE_AUDIT] satisfies AuditPartition[]) {
    for await (const row of cases.listEntities({ queryOptions: { filter: aboutFilter(partitionKey, subjectId) } })) {
      await cases.updateEntity({ partitionKey, rowKey: row.rowKey as string, [SUBJECT_COLUMN[partitionKey]]: erasureId }, 'Merge', { etag: row.etag });
      rewritten++;
    }
  }
  return rewritten;
}

/** The audit rows of one partition about `subjectId`: also what the subject access file lists as held rows. */
export function aboutFilter(partitionKey: AuditPartition, subjectId: string): string {
  return partitionKey === SUBJECT_ACCESS_AUDIT
    ? odata`PartitionKey eq ${SUBJECT_ACCESS_AUDIT} and subjectId eq ${subjectId}`
    : odata`PartitionKey eq ${ERASURE_AUDIT} and subject eq ${subjectId}`;
}
