import { randomBytes } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';

/**
 * The data-protection audit trail: one row per subject access request and per erasure, in partitions of
 * the `cases` table that no workflow reads (`audit-...`; case references are `AR-`, `AINM-`, `TD-`).
 * Rows hold who ran the request, when, and whom it was about: never the data itself.
 */
export const SUBJECT_ACCESS_AUDIT = 'audit-subject-access';
export const ERASURE_AUDIT = 'audit-erasure';

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

export async function recordSubjectAccess(cases: TableClient, row: SubjectAccessAuditRow): Promise<string> {
  const rowKey = auditRowKey(new Date(row.at));
  await cases.createEntity({ partitionKey: SUBJECT_ACCESS_AUDIT, rowKey, ...row });
  return rowKey;
}

/** Earlier subject access requests about a person: part of what is held about them. */
export async function subjectAccessRequestsAbout(cases: TableClient, subjectId: string): Promise<(SubjectAccessAuditRow & { rowKey: string; etag: string })[]> {
  const rows: (SubjectAccessAuditRow & { rowKey: string; etag: string })[] = [];
  const query = cases.listEntities<SubjectAccessAuditRow>({ queryOptions: { filter: odata`PartitionKey eq ${SUBJECT_ACCESS_AUDIT} and subjectId eq ${subjectId}` } });
  for await (const row of query) {
    rows.push({ rowKey: row.rowKey as string, etag: row.etag, at: row.at, by: row.by, subjectId: row.subjectId, caseCount: row.caseCount });
  }
  return rows;
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

export async function recordErasure(cases: TableClient, row: ErasureAuditRow): Promise<string> {
  const rowKey = auditRowKey(new Date(row.at));
  await cases.createEntity({ partitionKey: ERASURE_AUDIT, rowKey, ...row });
  return rowKey;
}
