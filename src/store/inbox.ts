import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import type { TeamRole } from '../domain/people';
import { assertEntityWithinLimits, TABLE_LIMITS } from './entity-limits';
import { createGroupCommit } from './group-commit';
import { statusOf } from './tables';

/** One line of someone's inbox: a case they have a part in, and whether it waits for them. */
/** The inbox partition of a team's queue (`team:comms`): one a team, shared by every workflow that gives it work. */
export function teamInbox(role: TeamRole): string {
  return `team:${role}`;
}

export interface InboxEntry {
  readonly userId: string;
  /** Their part in the case: `requester`, `approver`, `comms`, ... */
  readonly role: string;
  readonly reference: string;
  readonly state: string;
  /** A line without free text, e.g. "View access to Facebook". */
  readonly summary: string;
  readonly nextStep: string;
  readonly awaitingMe: boolean;
  readonly updatedAt: string;
  /** A deadline, where the case has one (takedown notices): lists show the working time left. */
  readonly dueAt?: string;
}

/**
 * The `inbox` table: PartitionKey = person id, RowKey = `role|reference`. Written after each transition,
 * idempotent, and rebuildable from `cases`: it only answers "my requests" and "awaiting me" fast.
 */
export function createInbox(table: TableClient) {
  // A team's queue (`team:comms`) is written by most steps: under load, their lines share round trips.
  const writes = createGroupCommit(table);
  return {
    /**
     * Upserts the lines, one round trip per person (partition), or a share of one: a person's lines go in one
     * transaction, and the people are written at the same time.
     */
    async write(entries: readonly InboxEntry[]): Promise<void> {
      const byPartition = new Map<string, { partitionKey: string; rowKey: string }[]>();
      for (const entry of entries) {
        const entity = { partitionKey: entry.userId, rowKey: `${entry.role}|${entry.reference}`, ...entry };
        assertEntityWithinLimits(entity);
        // The same line twice in one transaction is refused: the last one wins, as one after the other would.
        const rows = (byPartition.get(entity.partitionKey) ?? []).filter((row) => row.rowKey !== entity.rowKey);
        byPartition.set(entity.partitionKey, [...rows, entity]);
      }
      await Promise.all([...byPartition.values()].map(async (rows) => {
        for (let i = 0; i < rows.length; i += TABLE_LIMITS.maxBatchOperations) {
          await writes.write(rows.slice(i, i + TABLE_LIMITS.maxBatchOperations).map((row): TransactionAction => ['upsert', row, 'Replace']));
        }
      }));
    },
    /** Removes the lines of people who no longer have that part in a case (a replaced approver): they no longer see it. */
    async remove(lines: readonly { readonly userId: string; readonly role: string; readonly reference: string }[]): Promise<void> {
      await Promise.all(lines.map((line) => writes.write([['delete', { partitionKey: line.userId, rowKey: `${line.role}|${line.reference}` }]]).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      })));
    },
    async list(userId: string, options: { role?: string; awaitingOnly?: boolean } = {}): Promise<InboxEntry[]> {
      const filters = [odata`PartitionKey eq ${userId}`];
      if (options.role) filters.push(odata`RowKey ge ${`${options.role}|`} and RowKey lt ${`${options.role}}`}`);
      if (options.awaitingOnly) filters.push('awaitingMe eq true');
      const entries: InboxEntry[] = [];
      for await (const row of table.listEntities<InboxEntry>({ queryOptions: { filter: filters.join(' and ') } })) {
        entries.push({
          userId: row.userId, role: row.role, reference: row.reference, state: row.state,
          summary: row.summary, nextStep: row.nextStep, awaitingMe: row.awaitingMe, updatedAt: row.updatedAt,
          ...(row.dueAt ? { dueAt: row.dueAt } : {}),
        });
      }
      return entries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
