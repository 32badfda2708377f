import { cleanLine } from '../domain/free-text';
import { TEAM_ROLES, TeamRole } from '../domain/people';
import type { DirectoryPerson } from './directory';

/** Entra ID object ids are GUIDs; local ids may be any short token of letters, digits and dashes. */
const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9:_-]{0,99}$/;

/**
 * Parses a directory seed file: `{ "people": [{ "id", "name", "managerId"?, "roles"?: ["comms"|"incident"|"admin"|"safeguarding"|"itSecurity"] }] }`.
 * Returns every problem found, each naming the entry, so the file can be fixed in one pass.
 */
export function parseDirectorySeed(raw: unknown): { ok: true; people: DirectoryPerson[] } | { ok: false; problems: string[] } {
  const entries = (raw as { people?: unknown } | null)?.people;
  if (!Array.isArray(entries)) return { ok: false, problems: ['the file must be an object with a "people" array'] };
  const problems: string[] = [];
  const people = entries.flatMap((entry: unknown, index): DirectoryPerson[] => {
    const result = parsePerson(entry, `people[${index}]`);
    if (typeof result === 'string') {
      problems.push(result);
      return [];
    }
    return [result];
  });
  const ids = new Set<string>();
  for (const person of people) {
    if (ids.has(person.id)) problems.push(`${person.id}: appears more than once`);
    ids.add(person.id);
  }
  for (const person of people) {
    if (person.managerId && !ids.has(person.managerId)) problems.push(`${person.id}: manager ${person.managerId} is not in the file`);
    if (person.managerId === person.id) problems.push(`${person.id}: a person cannot manage themselves`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, people };
}

function parsePerson(entry: unknown, where: string): DirectoryPerson | string {
  if (typeof entry !== 'object' || entry === null) return `${where}: not an object`;
  const { id, name, managerId, roles } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || !PERSON_ID.test(id)) return `${where}: "id" must be an Entra ID object id`;
  const cleanName = cleanLine(name);
  if (cleanName.length < 1 || cleanName.length > 100) return `${where}: "name" must be 1-100 characters`;
  if (managerId !== undefined && (typeof managerId !== 'string' || !PERSON_ID.test(managerId))) return `${where}: "managerId" must be an id`;
  const roleList = roles ?? [];
  if (!Array.isArray(roleList) || !roleList.every((role) => (TEAM_ROLES as readonly unknown[]).includes(role))) {
    return `${where}: "roles" must be a list of ${TEAM_ROLES.join(', ')}`;
  }
  return { id, name: cleanName, roles: roleList as TeamRole[], ...(managerId ? { managerId } : {}) };
}
