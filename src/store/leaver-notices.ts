import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { prefixEnd } from '../dashboard/statistics';
import { assertEntityWithinLimits, TABLE_LIMITS } from './entity-limits';
import { deleteIfThere } from './tables';

/** The partition of the `directory` table that holds leaver notices not yet delivered. */
export const LEAVER_NOTICE_PARTITION = 'leaver-notice';

/** One open case of a leaver, as a notice keeps it: ids and references only, the card is made when it is sent. */
export interface NoticedCase {
  readonly personId: string;
  /** When the sync marked them as a leaver: a notice is sent only about leavers still marked so. */
  readonly leftAt: string;
  readonly reference: string;
  /** Their part in the case (`approver`, `manager`, ...). */
  readonly role: string;
  /** Who the approval waiting for them went to. */
  readonly movedTo?: string;
  /** An approval waiting for them that nobody could take over. */
  readonly stuck?: boolean;
}

/** A notice as stored: its lines, and the recipients it has reached (or who cannot be reached: 403s are final). */
export interface PendingLeaverNotice {
  readonly cases: readonly NoticedCase[];
  readonly reached: ReadonlySet<string>;
}

/**
 * Leaver notices waiting to be sent (issue 15), in the `directory` table: RowKey `<notice>|case|<person>|<reference>`
 * per line, `<notice>|sent|<recipient>` per recipient reached. Written before the leavers are marked, deleted once
 * every recipient was reached; what is left of a notice (after a crash, a failed send) is found by its retry timer.
 */
export function createLeaverNoticeStore(table: TableClient) {
  const rowsOf = (notice: string) => table.listEntities<Record<string, unknown>>({ queryOptions: {
    filter: odata`PartitionKey eq ${LEAVER_NOTICE_PARTITION} and RowKey gt ${`${notice}|`} and RowKey lt ${prefixEnd(`${notice}|`)}`,
  } });
  return {
    async record(notice: string, cases: readonly NoticedCase[]): Promise<void> {
      const rows = cases.map(({ personId, leftAt, reference, role, movedTo, stuck }) => ({
        partitionKey: LEAVER_NOTICE_PARTITION, rowKey: `${notice}|case|${personId}|${reference}`, personId, leftAt, reference, role,
        movedTo: movedTo ?? '', stuck: stuck ?? false,
      }));
      rows.forEach((row) => assertEntityWithinLimits(row));
      for (let i = 0; i < rows.length; i += TABLE_LIMITS.maxBatchOperations) {
        await table.submitTransaction(rows.slice(i, i + TABLE_LIMITS.maxBatchOperations).map((row): TransactionAction => ['upsert', row, 'Replace']));
      }
    },

    async load(notice: string): Promise<PendingLeaverNotice> {
      const cases: NoticedCase[] = [];
      const reached = new Set<string>();
      for await (const row of rowsOf(notice)) {
        if (typeof row.recipientId === 'string') reached.add(row.recipientId);
        else cases.push({
          personId: String(row.personId), leftAt: String(row.leftAt), reference: String(row.reference), role: String(row.role),
          ...(row.movedTo ? { movedTo: String(row.movedTo) } : {}), ...(row.stuck ? { stuck: true } : {}),
        });
      }
      return { cases, reached };
    },

    /** `status`: `sent`, or why it never can be (not installed, blocked): either way it is not sent again. */
    async reached(notice: string, recipientId: string, status: string): Promise<void> {
      await table.upsertEntity({ partitionKey: LEAVER_NOTICE_PARTITION, rowKey: `${notice}|sent|${recipientId}`, recipientId, status }, 'Replace');
    },

    async remove(notice: string): Promise<void> {
      for await (const row of rowsOf(notice)) await deleteIfThere(table, LEAVER_NOTICE_PARTITION, String(row.rowKey));
    },
  };
}

export type LeaverNoticeStore = ReturnType<typeof createLeaverNoticeStore>;
