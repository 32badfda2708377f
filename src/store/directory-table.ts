import { odata, TableClient } from '@azure/data-tables';
import type { Directory, DirectoryPerson } from '../directory/directory';
import { TEAM_ROLES, TeamRole } from '../domain/people';
import { assertEntityWithinLimits, TableLimitError } from './entity-limits';
import { statusOf } from './tables';

const PARTITION = 'person';
interface PersonRow { name: string; managerId?: string; roles?: string }

/** The table-backed directory, seeded from a file by `npm run seed`. Reads are cached briefly: it changes rarely. */
export function createTableDirectory(table: TableClient, cacheMillis = 30_000): Directory {
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
      return [...(await all()).values()].filter((person) => person.roles.includes(role));
    },
    async everyone() {
      return [...(await all()).values()].sort((a, b) => a.name.localeCompare(b.name));
    },
    async replaceAll(people) {
      const keep = new Set(people.map((person) => person.id));
      for (const person of people) {
        const entity = { partitionKey: PARTITION, rowKey: person.id, name: person.name, managerId: person.managerId ?? '', roles: person.roles.join(',') };
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

function fromRow(id: string, row: PersonRow): DirectoryPerson {
  const roles = (row.roles ?? '').split(',').filter((role): role is TeamRole => (TEAM_ROLES as readonly string[]).includes(role));
  return { id, name: row.name, roles, ...(row.managerId ? { managerId: row.managerId } : {}) };
}
