import { cleanLine } from '../domain/free-text';
import { TEAM_ROLES, TeamRole } from '../domain/people';
import type { GraphClient } from '../graph/graph-client';
import { DirectorySyncSettings, PERSON_ID } from './entra-settings';

/** A member of staff as read from Entra ID: only what the directory keeps (no mail, no job title). */
export interface EntraPerson {
  readonly id: string;
  readonly name: string;
  readonly department?: string;
  readonly managerId?: string;
  /** False for a disabled account: a leaver. */
  readonly enabled: boolean;
}

/** Everything one sync read, complete: a read that failed part-way throws instead, and nothing is stored. */
export interface EntraSnapshot {
  readonly people: readonly EntraPerson[];
  /** Ids of the role groups' members, for the roles that have a group. */
  readonly roleMembers: Readonly<Partial<Record<TeamRole, ReadonlySet<string>>>>;
  /** Accounts whose record could not be used (no usable id or name): left as the directory has them. */
  readonly unreadable: readonly string[];
  /** How many records had no usable id at all. */
  readonly withoutId: number;
}

const NAME_MAX = 100;
const DEPARTMENT_MAX = 100;
const USER_FIELDS = 'id,displayName,department,accountEnabled';
const USERS = `$select=${USER_FIELDS}&$expand=manager($select=id)`;

/**
 * Reads people, their managers and the role groups' members from Microsoft Graph. With a department filter only
 * that department's people; with a group, that group's members (nested groups included). A manager outside the
 * filter is read too, one by one: they approve their people's requests, so the directory must know them.
 */
export async function readEntraDirectory(graph: GraphClient, settings: DirectorySyncSettings): Promise<EntraSnapshot> {
  const raw = await readUsers(graph, settings);
  const unreadable: string[] = [];
  let withoutId = 0;
  const people = new Map<string, EntraPerson>();
  for (const record of raw) {
    const parsed = parseUser(record);
    if (parsed === 'no id') withoutId++;
    else if (typeof parsed === 'string') unreadable.push(parsed);
    else people.set(parsed.id, parsed);
  }
  for (const managerId of new Set([...people.values()].flatMap((person) => person.managerId ?? []))) {
    if (people.has(managerId) || unreadable.includes(managerId)) continue;
    const manager = parseUser(await graph.get(`/users/${managerId}?${USERS}`));
    if (typeof manager === 'object') people.set(manager.id, manager);
  }
  const roleMembers: Partial<Record<TeamRole, ReadonlySet<string>>> = {};
  for (const role of TEAM_ROLES) {
    const groupId = settings.roleGroups[role];
    if (groupId) roleMembers[role] = await groupMemberIds(graph, groupId);
  }
  return { people: [...people.values()], roleMembers, unreadable, withoutId };
}

async function readUsers(graph: GraphClient, settings: DirectorySyncSettings): Promise<unknown[]> {
  const filter = settings.filter;
  if (filter && 'department' in filter) {
    const quoted = filter.department.replace(/'/g, "''");
    return collect(graph.list(`/users?${USERS}&$filter=${encodeURIComponent(`department eq '${quoted}'`)}&$top=999`));
  }
  const everyone = await collect(graph.list(`/users?${USERS}&$top=999`));
  if (!filter) return everyone;
  const members = await groupMemberIds(graph, filter.groupId);
  return everyone.filter((record) => members.has(String((record as { id?: unknown } | null)?.id)));
}

async function groupMemberIds(graph: GraphClient, groupId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const member of graph.list(`/groups/${groupId}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`)) {
    const id = (member as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && PERSON_ID.test(id)) ids.add(id);
  }
  return ids;
}

async function collect(items: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A person, or the id of an account whose record is unusable, or `no id`. Long text is clipped, never stored whole. */
export function parseUser(record: unknown): EntraPerson | string {
  if (typeof record !== 'object' || record === null) return 'no id';
  const { id, displayName, department, accountEnabled, manager } = record as Record<string, unknown>;
  if (typeof id !== 'string' || !PERSON_ID.test(id)) return 'no id';
  const name = clip(cleanLine(displayName), NAME_MAX);
  if (!name) return id;
  const managerId = (manager as { id?: unknown } | null | undefined)?.id;
  const dept = clip(cleanLine(department), DEPARTMENT_MAX);
  return {
    id, name,
    ...(dept ? { department: dept } : {}),
    ...(typeof managerId === 'string' && PERSON_ID.test(managerId) && managerId !== id ? { managerId } : {}),
    // Only an explicit false is a disabled account: a record without the field is not taken for a leaver.
    enabled: accountEnabled !== false,
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
