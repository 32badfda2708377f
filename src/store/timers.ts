import { odata, TableClient } from '@azure/data-tables';
import { statusOf } from './tables';
import { assertEntityWithinLimits } from './entity-limits';

/** A reminder, escalation or expiry due at an instant for a case. */
export interface TimerRow {
  readonly reference: string;
  readonly timer: string;
  readonly dueAt: string;
}

/**
 * The `timers` table: PartitionKey = due day (UTC date), RowKey = `dueAt|reference|timer`, so the
 * scheduler reads only the partitions that are due and never scans the cases. Writing is idempotent.
 * Firing them is the scheduler's work (a later issue); here they are only written.
 */
export function createTimerStore(table: TableClient) {
  return {
    async schedule(timer: TimerRow): Promise<void> {
      const entity = {
        partitionKey: timer.dueAt.slice(0, 10), rowKey: `${timer.dueAt}|${timer.reference}|${timer.timer}`,
        ...timer, status: 'pending',
      };
      assertEntityWithinLimits(entity);
      // Create, not upsert: replaying an outbox must not re-arm a timer that has already fired.
      await table.createEntity(entity).catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      });
    },
    async dueOn(day: string): Promise<TimerRow[]> {
      const rows: TimerRow[] = [];
      for await (const row of table.listEntities<TimerRow>({ queryOptions: { filter: odata`PartitionKey eq ${day}` } })) {
        rows.push({ reference: row.reference, timer: row.timer, dueAt: row.dueAt });
      }
      return rows;
    },
  };
}

export type TimerStore = ReturnType<typeof createTimerStore>;
