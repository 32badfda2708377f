import { odata, TableClient } from '@azure/data-tables';
import { aboutFilter, ERASURE_AUDIT, SUBJECT_ACCESS_AUDIT } from './audit-rows';
import { managerMarkKey } from './campaign-recipients';
import { LEAVER_NOTICE_PARTITION } from './leaver-notices';
import { summaryRowsFilterOf } from './statistics';
import type { TableName, Tables } from './tables';

/** Where one stored row is: enough to find it again, nothing of its content. */
export interface RowLocation {
  readonly table: TableName;
  readonly partitionKey: string;
  readonly rowKey: string;
}

/** A stored row with its columns (etag and timestamp left out). */
export type StoredRow = RowLocation & { readonly columns: Readonly<Record<string, unknown>> };

/**
 * Every row that can hold a person's data (UK GDPR Article 15: the subject access file lists them): their own
 * partitions (case lists, chat reference, form claims and staged files), their directory entry and the entries
 * that name them as manager, the out-of-office rows they set or that name them as delegate, the leavers' notices not
 * yet sent (few rows: all are read), their policy campaign rows (and other people's that name them as line manager),
 * the tenant-wide latest chat reference, every row of the cases given (snapshot, audit events, outbox, card copies,
 * delivery marks), everyone's case-list lines for those cases, those cases' dashboard summaries and their copies in a
 * register's orders (a register's line names people), and the data-protection audit rows about them
 * (src/store/audit-rows.ts). Timers, counters and leases hold references and instance names only. One scan of the
 * inbox: for rare, audited requests only. The caller decides which of these rows name the person.
 */
export async function candidateRowsOf(tables: Tables, personId: string, references: ReadonlySet<string>): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  const add = async (table: TableName, filter?: string) => {
    for await (const row of tables[table].listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {})) {
      const { partitionKey, rowKey, etag: _e, timestamp: _t, ...columns } = row;
      if (table === 'inbox' && !filter && partitionKey !== personId && !references.has(String(columns.reference))) continue;
      rows.push({ table, partitionKey: String(partitionKey), rowKey: String(rowKey), columns });
    }
  };
  for (const reference of references) await add('cases', odata`PartitionKey eq ${reference}`);
  for (const reference of references) {
    const filter = await summaryRowsFilterOf(tables.statistics, reference);
    if (filter) await add('statistics', filter);
  }
  await add('cases', aboutFilter(SUBJECT_ACCESS_AUDIT, personId));
  await add('cases', aboutFilter(ERASURE_AUDIT, personId));
  await add('inbox');
  await add('directory', odata`(PartitionKey eq 'person' and (RowKey eq ${personId} or managerId eq ${personId})) or (PartitionKey eq 'delegation' and (RowKey eq ${personId} or delegateId eq ${personId})) or PartitionKey eq ${LEAVER_NOTICE_PARTITION}`);
  await add('conversations', odata`(PartitionKey eq ${personId}) or (PartitionKey eq 'service' and RowKey eq 'latest')`);
  await add('idempotency', odata`PartitionKey eq ${personId}`);
  await add('campaignrecipients', odata`RowKey eq ${personId} or RowKey eq ${managerMarkKey(personId)} or managerId eq ${personId}`);
  return rows;
}

/**
 * The partitions of the `cases` table (case references, mostly) with a row that names a person in a column: audit
 * events' `actorId`, delivery marks' `personId`, card copies' `viewerId`. A full-table scan: for rare, audited
 * requests only. The caller keeps the partitions that are cases.
 */
export async function casePartitionsNaming(cases: TableClient, personId: string): Promise<string[]> {
  const partitions = new Set<string>();
  const filter = odata`actorId eq ${personId} or personId eq ${personId} or viewerId eq ${personId}`;
  for await (const row of cases.listEntities({ queryOptions: { filter, select: ['PartitionKey'] } })) partitions.add(row.partitionKey as string);
  return [...partitions];
}
