import type { CaseRules } from '../cases/definition';
import { Person, SYSTEM } from '../domain/people';
import { CASE_RULES } from '../workflows';
import { CaseStore, createCaseStore, StoredCase } from '../store/case-store';
import { createPersonData } from '../store/person-data';
import { casePartitionsNaming } from '../store/person-rows';
import type { Tables } from '../store/tables';

/**
 * Who a case names, and where: the shared ground of subject access and erasure (UK GDPR Articles 15
 * and 17). Pure helpers, plus {@link findCasesOf}, which reads.
 */

/** A kind of case: its workflow's reference prefix. Its rules are the workflow's own (src/workflows/index.ts). */
export type CaseKind = string;
export const CASE_KINDS: readonly CaseKind[] = CASE_RULES.map((rules) => rules.prefix);

export function rulesOf(kind: CaseKind): CaseRules {
  const rules = CASE_RULES.find((candidate) => candidate.prefix === kind);
  if (!rules) throw new Error(`no workflow has the prefix ${kind}`);
  return rules;
}

/** A person id as Teams gives it (an Entra ID object id, or a channel id in local mode): usable as a table key, never a shared partition. */
const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/;
const RESERVED_IDS = new Set(['service', 'person', 'cursor', SYSTEM.id]);

export function isPersonId(value: unknown): boolean {
  return typeof value === 'string' && PERSON_ID.test(value) && !RESERVED_IDS.has(value) && !value.startsWith('team:') && !value.startsWith('audit-');
}

export function kindOf(reference: string): CaseKind | undefined {
  const prefix = reference.split('-')[0];
  return CASE_KINDS.includes(prefix ?? '') ? prefix : undefined;
}

/** Their part in a case whose card they only received as a member of a team (Communications Team, Incident team). */
export const TEAM_CARD_ROLE = 'received the team\'s card';

/** The person a case is about: their request, their report, the notice sent to them. */
export function principalRoleOf(kind: CaseKind): string {
  return rulesOf(kind).namedRoles[0];
}

/** Closed cases: nothing more happens to them (the workflows have no way out of these states). */
export function isClosed(kind: CaseKind, state: string): boolean {
  return rulesOf(kind).closedStates.includes(state);
}

/** The closed states of one kind of case: what the retention run reads. */
export function closedStatesOf(kind: CaseKind): readonly string[] {
  return rulesOf(kind).closedStates;
}

export function isPerson(value: unknown): value is Person {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.id === 'string' && typeof candidate.name === 'string';
}

/** Every person object anywhere in a value (snapshot, event), with the property it sits under. */
export function peopleIn(value: unknown, key = ''): { key: string; person: Person }[] {
  if (isPerson(value)) return [{ key, person: value }];
  if (Array.isArray(value)) return value.flatMap((item) => peopleIn(item, key));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([childKey, child]) => peopleIn(child, childKey));
}

/** The named parts a person has in a case (`requester`, `approver`, ...), from its snapshot. */
export function namedRolesOf(kind: CaseKind, snapshot: unknown, personId: string): string[] {
  const fields = (snapshot ?? {}) as Record<string, unknown>;
  return rulesOf(kind).namedRoles.filter((role) => isPerson(fields[role]) && (fields[role] as Person).id === personId);
}

/** Every part a person has in a case: named parts, or `actor` / `named in the audit trail` when that is all. */
export function rolesOf(kind: CaseKind, snapshot: unknown, events: readonly unknown[], personId: string): string[] {
  const roles = namedRolesOf(kind, snapshot, personId);
  const acted = events.some((event) => isPerson((event as { by?: unknown })?.by) && (event as { by: Person }).by.id === personId)
    || peopleIn((snapshot as { history?: unknown })?.history).some(({ person }) => person.id === personId);
  if (acted) roles.push('actor');
  if (roles.length === 0 && [snapshot, ...events].some((value) => peopleIn(value).some(({ person }) => person.id === personId))) {
    roles.push('named in the audit trail');
  }
  return roles;
}

export function mentions(value: unknown, personId: string): boolean {
  return peopleIn(value).some(({ person }) => person.id === personId);
}

export interface FoundCase {
  readonly reference: string;
  readonly kind: CaseKind;
  readonly stored: StoredCase<unknown>;
  /** How it was found: `inbox`, `snapshot scan`, `case rows`. */
  readonly foundBy: readonly string[];
}

/**
 * Every case a person appears in. Their inbox partition first (one query); but the inbox is a derived
 * index (written after each transition, rebuildable, and missing lines a failed relay never wrote), so
 * every AR, AINM and TD snapshot is also scanned for the id, and the case rows that name a person in a
 * column (audit events' `actorId`, delivery marks' `personId`, card copies' `viewerId`) are queried.
 * These are full-table scans: acceptable only because subject access and erasure are rare requests,
 * each run by an administrator and audited; no turn of the bot ever does this.
 */
export async function findCasesOf(tables: Tables, personId: string, store: CaseStore = createCaseStore(tables.cases)): Promise<FoundCase[]> {
  const found = new Map<string, { kind: CaseKind; stored?: StoredCase<unknown>; foundBy: Set<string> }>();
  const note = (reference: string, how: string, stored?: StoredCase<unknown>) => {
    const kind = kindOf(reference);
    if (!kind) return;
    const entry = found.get(reference) ?? { kind, foundBy: new Set<string>() };
    entry.foundBy.add(how);
    if (stored) entry.stored = stored;
    found.set(reference, entry);
  };

  for (const reference of await createPersonData(tables).inboxReferencesOf(personId)) note(reference, 'inbox');
  for (const kind of CASE_KINDS) {
    for await (const stored of store.snapshotsOf<unknown>(kind)) {
      if (mentions(stored.snapshot, personId)) note(stored.reference, 'snapshot scan', stored);
    }
  }
  for (const reference of await casePartitionsNaming(tables.cases, personId)) note(reference, 'case rows');

  const cases: FoundCase[] = [];
  for (const [reference, entry] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const stored = entry.stored ?? await store.load<unknown>(reference);
    if (stored) cases.push({ reference, kind: entry.kind, stored, foundBy: [...entry.foundBy] });
  }
  return cases;
}

/** Deep copy of a JSON value with `fn` applied bottom-up to every string, person object and plain object. */
export function mapJson(value: unknown, fn: { person?: (person: Person, key: string) => unknown; text?: (text: string, key: string) => string }, key = ''): unknown {
  if (isPerson(value) && fn.person) return fn.person(value, key);
  if (typeof value === 'string') return fn.text ? fn.text(value, key) : value;
  if (Array.isArray(value)) return value.map((item) => mapJson(item, fn, key));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, mapJson(child, fn, childKey)]));
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An id inside text, not as part of a longer id. */
export function idPattern(id: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9._:@-])${escapeRegExp(id)}(?![A-Za-z0-9._:@-])`, 'g');
}

/** A display name inside text, whole words, any case. */
export function namePattern(name: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'giu');
}

/** One part of a name ("Alex" of "Alex Wilber") inside text: whole word, as capitalised, so "will" is not "Will". */
export function namePartPattern(part: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(part)}(?![\\p{L}\\p{N}])`, 'gu');
}

/** The parts of a name worth looking for in text on their own: words of 3 letters or more. */
export function nameParts(name: string): string[] {
  return name.split(/[\s,]+/).filter((part) => part.length >= 3 && /^\p{Lu}/u.test(part));
}

/**
 * Replaces a person's names in text: each full name (any case) first, then each part of it on its own
 * ("Spoke to Alex"). Parts in `keep` (the names of someone who must stay named) are left alone.
 */
export function nameReplacer(names: Iterable<string>, replacement: string, keep: ReadonlySet<string> = new Set()): (text: string) => string {
  const full = [...new Set(names)].filter((name) => name.trim().length >= 2);
  const patterns = [
    ...full.sort((a, b) => b.length - a.length).map(namePattern),
    ...[...new Set(full.flatMap(nameParts))].filter((part) => !keep.has(part)).sort((a, b) => b.length - a.length).map(namePartPattern),
  ];
  return (text) => patterns.reduce((out, pattern) => out.replace(pattern, replacement), text);
}
