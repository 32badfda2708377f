import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import type { Directory, DirectoryPerson } from '../directory/directory';
import { TEAM_ROLES, TeamRole } from '../domain/people';
import { assertEntityWithinLimits, TableLimitError } from './entity-limits';
import { statusOf } from './tables';

const PARTITION = 'person';
/** Azure Tables' limit of operations in one entity-group transaction. */
const TRANSACTION_ROWS = 100;
/** One row beside the people: when the directory was last synced from Entra ID, and what that run did. */
const SYNC_PARTITION = 'sync';
const SYNC_ROW = 'entra';
/** `enrolment: 'pending'`: a joiner not yet given the current campaign (cleared once they are). */
interface PersonRow { name: string; managerId?: string; roles?: string; department?: string; leftAt?: string; enrolment?: string }

/** The last sync from Entra ID, as `npm run directory:sync` and the daily job record it (counts only). */
export interface DirectorySyncRecord {
  readonly at: string;
  readonly people: number;
  readonly joiners: number;
  readonly leavers: number;
  readonly managerChanges: number;
  readonly roleChanges: number;
}

/** The directory, and what the sync from Entra ID needs beside it. */
export interface TableDirectory extends Directory {
  /** Everyone, leavers included: what the sync compares Entra ID with. */
  allRecords(): Promise<DirectoryPerson[]>;
  /** One person as stored now, not from the cache: for work that must see what another instance has just written. */
  findStored(id: string): Promise<DirectoryPerson | undefined>;
  /** Writes these people as they are (upsert); `newStarters` are marked as waiting for the current campaign. */
  save(people: readonly DirectoryPerson[], newStarters?: ReadonlySet<string>): Promise<void>;
  /** Joiners still waiting for the current campaign (a run that stopped before enrolling them included). */
  waitingForEnrolment(): Promise<string[]>;
  enrolled(ids: readonly string[]): Promise<void>;
  lastSync(): Promise<DirectorySyncRecord | undefined>;
  recordSync(record: DirectorySyncRecord): Promise<void>;
}

/** The table-backed directory, seeded from a file by `npm run seed` or synced from Entra ID. Reads are cached briefly: it changes rarely. */
export function createTableDirectory(table: TableClient, cacheMillis = 30_000): TableDirectory {
  let cache: { at: number; people: Map<string, DirectoryPerson> } | undefined;
  const all = async (): Promise<Map<string, DirectoryPerson>> => {
    if (cache && performance.now() - cache.at < cacheMillis) return cache.people;
    const people = new Map<string, DirectoryPerson>();
    for await (const row of table.listEntities<PersonRow>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } })) {
      people.set(row.rowKey as string, fromRow(row.rowKey as string, row));
    }
    cache = { at: performance.now(), people };
    return people;
  };
  return {
    async find(id) {
      const cached = (await all()).get(id);
      if (cached) return cached;
      return findOne(table, id);
    },
    async membersOf(role) {
      return [...(await all()).values()].filter((person) => !person.leftAt && person.roles.includes(role));
    },
    async everyone() {
      return [...(await all()).values()].filter((person) => !person.leftAt).sort((a, b) => a.name.localeCompare(b.name));
    },
    async allRecords() {
      cache = undefined;
      return [...(await all()).values()];
    },
    findStored: (id) => findOne(table, id),
    async save(people, newStarters = new Set()) {
      // Every row is checked before the first is written: one that cannot be stored stops the sync with nothing changed.
      const entities = people.map((person) => ({ ...toRow(person), ...(newStarters.has(person.id) ? { enrolment: 'pending' } : {}) }));
      entities.forEach((entity) => assertEntityWithinLimits(entity));
      // Merge: a pending enrolment stays marked until it is done. One partition, so 100 rows a transaction: a first
      // sync of thousands takes tens of round trips, not thousands.
      for (let start = 0; start < entities.length; start += TRANSACTION_ROWS) {
        await table.submitTransaction(entities.slice(start, start + TRANSACTION_ROWS).map((entity): TransactionAction => ['upsert', entity, 'Merge']));
      }
      cache = undefined;
    },
    async waitingForEnrolment() {
      const ids: string[] = [];
      for await (const row of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION} and enrolment eq 'pending'`, select: ['RowKey'] } })) {
        ids.push(row.rowKey as string);
      }
      return ids;
    },
    async enrolled(ids) {
      for (const id of ids) {
        await table.updateEntity({ partitionKey: PARTITION, rowKey: id, enrolment: '' }, 'Merge').catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error;
        });
      }
    },
    async lastSync() {
      try {
        const row = await table.getEntity<DirectorySyncRecord>(SYNC_PARTITION, SYNC_ROW);
        return { at: row.at, people: row.people, joiners: row.joiners, leavers: row.leavers, managerChanges: row.managerChanges, roleChanges: row.roleChanges };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },
    async recordSync(record) {
      await table.upsertEntity({ partitionKey: SYNC_PARTITION, rowKey: SYNC_ROW, ...record }, 'Replace');
    },
    async replaceAll(people) {
      const keep = new Set(people.map((person) => person.id));
      for (const person of people) {
        const entity = toRow(person);
        assertEntityWithinLimits(entity);
        await table.upsertEntity(entity, 'Replace');
      }
      for await (const row of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}`, select: ['RowKey'] } })) {
        if (!keep.has(row.rowKey as string)) await table.deleteEntity(PARTITION, row.rowKey as string);
      }
      cache = undefined;
    },
  };
}

async function findOne(table: TableClient, id: string): Promise<DirectoryPerson | undefined> {
  try {
    // The id may come from card data: one that cannot be a RowKey is nobody, and is never sent (Azurite answers 500 after retries).
    assertEntityWithinLimits({ partitionKey: PARTITION, rowKey: id });
    return fromRow(id, await table.getEntity<PersonRow>(PARTITION, id));
  } catch (error) {
    if (error instanceof TableLimitError || statusOf(error) === 404 || statusOf(error) === 400) return undefined;
    throw error;
  }
}

function toRow(person: DirectoryPerson) {
  return {
    partitionKey: PARTITION, rowKey: person.id, name: person.name, managerId: person.managerId ?? '', roles: person.roles.join(','),
    department: person.department ?? '', leftAt: person.leftAt ?? '',
  };
}

function fromRow(id: string, row: PersonRow): DirectoryPerson {
  const roles = (row.roles ?? '').split(',').filter((role): role is TeamRole => (TEAM_ROLES as readonly string[]).includes(role));
  return {
    id, name: row.name, roles, ...(row.managerId ? { managerId: row.managerId } : {}),
    ...(row.department ? { department: row.department } : {}), ...(row.leftAt ? { leftAt: row.leftAt } : {}),
  };
}
