import { odata } from '@azure/data-tables';
import type { Tables } from './tables';
import { deleteIfThere } from './tables';

/** A row in another table that names a case by its reference: an inbox line, a timer, a form claim. */
export interface CaseLink {
  readonly table: 'inbox' | 'timers' | 'idempotency' | 'statistics';
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly reference: string;
}

const LINKED_TABLES = ['inbox', 'timers', 'idempotency', 'statistics'] as const;

/**
 * The rows outside the `cases` table that exist because of a case (DESIGN.md "Storage"): everyone's inbox
 * lines for it, its timers (fired or not) and the form claims that made it. Each is keyed by a person or a
 * day, not by the case (the dashboard's case summary in `statistics` is keyed by it, but shares its kind's partition), so finding them is one scan a table per run, filtered by the reference prefix: for the
 * retention run, which deletes them with their case; never for a turn.
 */
export function createCaseLinks(tables: Pick<Tables, (typeof LINKED_TABLES)[number]>) {
  return {
    /** Every linked row of the given references (all of one kind: `AR-...`), grouped by reference. */
    async of(prefix: string, references: ReadonlySet<string>): Promise<Map<string, CaseLink[]>> {
      const links = new Map<string, CaseLink[]>();
      if (references.size === 0) return links;
      const filter = odata`reference ge ${`${prefix}-`} and reference lt ${`${prefix}.`}`;
      for (const table of LINKED_TABLES) {
        const query = tables[table].listEntities<{ reference: string }>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'reference'] } });
        for await (const row of query) {
          if (!references.has(row.reference)) continue;
          const link: CaseLink = { table, partitionKey: row.partitionKey as string, rowKey: row.rowKey as string, reference: row.reference };
          links.set(row.reference, [...(links.get(row.reference) ?? []), link]);
        }
      }
      return links;
    },

    /** Deletes linked rows; one already gone is fine (idempotent). */
    async remove(links: readonly CaseLink[]): Promise<number> {
      for (const link of links) await deleteIfThere(tables[link.table], link.partitionKey, link.rowKey);
      return links.length;
    },
  };
}

export type CaseLinks = ReturnType<typeof createCaseLinks>;
