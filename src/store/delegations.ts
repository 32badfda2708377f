import { odata, TableClient } from '@azure/data-tables';
import type { Delegation, Delegations } from '../directory/delegation';
import { assertEntityWithinLimits } from './entity-limits';
import { statusOf } from './tables';

/** Beside the people in the directory table, in a partition of their own ("person" rows are the directory's). */
const PARTITION = 'delegation';
interface DelegationRow { delegateId: string; delegateName: string; until: string; setAt: string }

/** Out-of-office delegations, one row per manager (RowKey: the manager's id), replaced when set again. */
export function createTableDelegations(table: TableClient, cacheMillis = 30_000): Delegations {
  // Read on every request and report submitted: the few rows are cached like the directory's people (another
  // instance sees a change within the cache time; this one at once).
  let cache: { at: number; rows: Map<string, Delegation> } | undefined;
  const all = async (): Promise<Map<string, Delegation>> => {
    if (cache && performance.now() - cache.at < cacheMillis) return cache.rows;
    const rows = new Map<string, Delegation>();
    for await (const row of table.listEntities<DelegationRow>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } })) {
      const managerId = row.rowKey as string;
      rows.set(managerId, { managerId, delegate: { id: row.delegateId, name: row.delegateName }, until: row.until, setAt: row.setAt });
    }
    cache = { at: performance.now(), rows };
    return rows;
  };
  return {
    async of(managerId) {
      return (await all()).get(managerId);
    },
    async set(delegation: Delegation) {
      const entity = {
        partitionKey: PARTITION, rowKey: delegation.managerId,
        delegateId: delegation.delegate.id, delegateName: delegation.delegate.name, until: delegation.until, setAt: delegation.setAt,
      };
      assertEntityWithinLimits(entity);
      await table.upsertEntity(entity, 'Replace');
      cache = undefined;
    },
    async end(managerId) {
      try {
        await table.deleteEntity(PARTITION, managerId);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
      cache = undefined;
    },
  };
}
