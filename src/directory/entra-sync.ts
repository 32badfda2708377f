import { TEAM_ROLES, TeamRole } from '../domain/people';
import type { DirectoryPerson } from './directory';
import type { EntraSnapshot } from './entra-reader';

/** Why someone is a leaver: their account was disabled, or it is no longer there (deleted, or out of the filter). */
export type LeaveReason = 'disabled' | 'removed';

export interface ManagerChange {
  readonly person: DirectoryPerson;
  readonly from?: string;
  readonly to?: string;
}

export interface RoleChange {
  readonly person: DirectoryPerson;
  readonly added: readonly TeamRole[];
  readonly removed: readonly TeamRole[];
}

/** What one sync changes, worked out before anything is stored. `write`: every row that differs from the directory. */
export interface SyncPlan {
  readonly write: readonly DirectoryPerson[];
  /** New people, and leavers whose account is back. */
  readonly joiners: readonly DirectoryPerson[];
  readonly leavers: readonly { readonly person: DirectoryPerson; readonly reason: LeaveReason }[];
  readonly managerChanges: readonly ManagerChange[];
  readonly roleChanges: readonly RoleChange[];
  readonly unchanged: number;
}

export type PlanOutcome = { readonly ok: true; readonly plan: SyncPlan } | { readonly ok: false; readonly problem: string };

export interface PlanOptions {
  readonly now: Date;
  /** The role groups configured: other roles stay as the directory has them. */
  readonly governedRoles: readonly TeamRole[];
  /**
   * A sync that would make more leavers than this share of the people (and more than {@link LEAVER_FLOOR}) is
   * refused: a wrong filter or a half-empty answer must not mark half the Group as gone. Off for the first sync
   * (everyone seeded from the file goes then) and when an administrator confirms.
   */
  readonly leaverGuard: boolean;
}

export const LEAVER_SHARE_LIMIT = 0.2;
export const LEAVER_FLOOR = 10;

/**
 * The directory after a sync, and what changed: joiners, leavers (disabled or gone), manager and role changes.
 * Pure: the directory as stored (leavers included) and what Entra ID said in, the plan out. Accounts Graph gave
 * an unusable record for are left exactly as they are.
 */
export function planDirectorySync(current: readonly DirectoryPerson[], entra: EntraSnapshot, options: PlanOptions): PlanOutcome {
  if (entra.people.filter((person) => person.enabled).length === 0) {
    return { ok: false, problem: 'Microsoft Graph returned nobody with an enabled account: nothing was changed. Check the filter (DIRECTORY_DEPARTMENT, DIRECTORY_GROUP_ID).' };
  }
  const before = new Map(current.map((person) => [person.id, person]));
  const seen = new Set([...entra.people.map((person) => person.id), ...entra.unreadable]);
  const leftAt = options.now.toISOString();
  const result: PlanInProgress = { write: [], joiners: [], leavers: [], managerChanges: [], roleChanges: [], unchanged: 0 };

  for (const person of entra.people) {
    const old = before.get(person.id);
    // A disabled account the directory never had is nobody to it: nothing about them is stored.
    if (!person.enabled && !old) continue;
    const next = person.enabled ? active(person, old, entra, options.governedRoles) : leaver({ ...fromEntra(person), roles: [] }, old, leftAt);
    record(result, old, next, person.enabled ? undefined : 'disabled');
  }
  for (const old of current) {
    if (seen.has(old.id) || old.leftAt) continue;
    record(result, old, leaver({ ...old, roles: [] }, old, leftAt), 'removed');
  }
  const activeBefore = current.filter((person) => !person.leftAt).length;
  if (options.leaverGuard && result.leavers.length > LEAVER_FLOOR && result.leavers.length > activeBefore * LEAVER_SHARE_LIMIT) {
    return { ok: false, problem: `This sync would mark ${result.leavers.length} of ${activeBefore} people as leavers, more than ${LEAVER_SHARE_LIMIT * 100}%: nothing was changed. If that is right, run "npm run directory:sync -- --accept-leavers".` };
  }
  return { ok: true, plan: result };
}

function fromEntra(person: EntraSnapshot['people'][number]): Omit<DirectoryPerson, 'roles'> {
  return { id: person.id, name: person.name, ...(person.managerId ? { managerId: person.managerId } : {}), ...(person.department ? { department: person.department } : {}) };
}

function active(person: EntraSnapshot['people'][number], old: DirectoryPerson | undefined, entra: EntraSnapshot, governed: readonly TeamRole[]): DirectoryPerson {
  const kept = (old?.leftAt ? [] : old?.roles ?? []).filter((role) => !governed.includes(role));
  const given = governed.filter((role) => entra.roleMembers[role]?.has(person.id));
  return { ...fromEntra(person), roles: TEAM_ROLES.filter((role) => kept.includes(role) || given.includes(role)) };
}

/** A leaver keeps their name and manager (their waiting approvals go to that manager) and loses their roles. */
function leaver(person: DirectoryPerson, old: DirectoryPerson | undefined, now: string): DirectoryPerson {
  return { ...person, leftAt: old?.leftAt ?? now };
}

/** The plan while it is worked out: the same fields, open to adding. */
interface PlanInProgress {
  write: DirectoryPerson[];
  joiners: DirectoryPerson[];
  leavers: SyncPlan['leavers'][number][];
  managerChanges: ManagerChange[];
  roleChanges: RoleChange[];
  unchanged: number;
}

function record(result: PlanInProgress, old: DirectoryPerson | undefined, next: DirectoryPerson, leaveReason?: LeaveReason): void {
  if (old && samePerson(old, next)) {
    result.unchanged++;
    return;
  }
  result.write.push(next);
  if (leaveReason) {
    if (old && !old.leftAt) result.leavers.push({ person: { ...old, leftAt: next.leftAt! }, reason: leaveReason });
    return;
  }
  if (!old || old.leftAt) {
    result.joiners.push(next);
    return;
  }
  if ((old.managerId ?? '') !== (next.managerId ?? '')) {
    result.managerChanges.push({ person: next, ...(old.managerId ? { from: old.managerId } : {}), ...(next.managerId ? { to: next.managerId } : {}) });
  }
  const added = next.roles.filter((role) => !old.roles.includes(role));
  const removed = old.roles.filter((role) => !next.roles.includes(role));
  if (added.length > 0 || removed.length > 0) result.roleChanges.push({ person: next, added, removed });
}

function samePerson(a: DirectoryPerson, b: DirectoryPerson): boolean {
  return a.name === b.name && (a.managerId ?? '') === (b.managerId ?? '') && (a.department ?? '') === (b.department ?? '')
    && (a.leftAt ?? '') === (b.leftAt ?? '') && a.roles.join(',') === b.roles.join(',');
}
