import type { Person, TeamRole } from '../domain/people';
import type { Logger } from '../logger';
import type { InboxEntry } from '../store/inbox';
import type { TableDirectory } from '../store/directory-table';
import type { DirectoryPerson } from './directory';
import type { EntraSnapshot } from './entra-reader';
import { LeaveReason, planDirectorySync, SyncPlan } from './entra-sync';
import type { LeaverNotice } from './leaver-notice';
import { managementChain, standingIn, ChainStanding } from './management-chain';
import type { NewStarterEnrolment } from './new-starters';

/** An approval waiting for someone's decision. */
export interface WaitingApproval {
  readonly reference: string;
  readonly requesterId: string;
}

/** How the sync moves approvals through the case engine (the access-request workflow implements it). */
export interface ApprovalRerouting {
  waitingOn(approverId: string): Promise<WaitingApproval[]>;
  /** True when the case now waits for `approver`; false when it was refused (it no longer waits, say). */
  passTo(reference: string, approver: Person, standing: ChainStanding, now: Date): Promise<boolean>;
}

/** A leaver, their open cases, and the approvals moved away from them (or that nobody could take). */
export interface LeaverCases {
  readonly person: DirectoryPerson;
  readonly reason: LeaveReason;
  readonly openCases: readonly InboxEntry[];
  readonly moved: readonly { readonly reference: string; readonly to: Person }[];
  readonly stuck: readonly string[];
}

export interface DirectorySyncDeps {
  readonly directory: TableDirectory;
  /** Reads Entra ID whole; throws if any page could not be read (then nothing is changed). */
  readonly read: () => Promise<EntraSnapshot>;
  readonly governedRoles: readonly TeamRole[];
  readonly rerouting: ApprovalRerouting;
  readonly enrolment: NewStarterEnrolment;
  /** A person's open cases (their inbox lines of cases not closed). */
  readonly openCasesOf: (personId: string) => Promise<InboxEntry[]>;
  /** Shows leavers' open cases to the Communications Team and the administrators (src/directory/leaver-notice.ts). */
  readonly leaverNotice: Pick<LeaverNotice, 'record' | 'deliver'>;
  readonly logger: Logger;
}

export interface SyncReport {
  readonly outcome: 'synced' | 'refused' | 'failed' | 'off';
  /** One sentence for whoever ran it (the command line, the log): counts, never names. */
  readonly message: string;
  readonly counts?: Readonly<Record<string, number>>;
}

export const SYNC_OFF_MESSAGE = 'The directory sync from Entra ID is off: set DIRECTORY_SYNC=entra and GRAPH_AUTH (README, "Directory from Entra ID"). Nothing was changed.';

/**
 * One sync from Entra ID into the directory (issue 15). Everything is read and checked before anything is stored;
 * then approvals waiting for a changed line manager or for a leaver are moved, people are written, joiners get the
 * current campaign and leavers' open cases are shown to Comms and the administrators. Every step can run again:
 * a run that stopped part-way is finished by the next (moves of a request no longer waiting do nothing; joiners
 * stay marked until enrolled; the leavers' notice is stored before they are marked, and its timer sends it).
 */
export function createDirectorySync(deps: DirectorySyncDeps) {
  return async (now: Date, options: { acceptLeavers?: boolean } = {}): Promise<SyncReport> => {
    let entra: EntraSnapshot;
    try {
      entra = await deps.read();
    } catch (error) {
      return { outcome: 'failed', message: `Microsoft Graph could not be read (${describe(error)}): nothing was changed.${hintFor(error)}` };
    }
    const current = await deps.directory.allRecords();
    const firstSync = !(await deps.directory.lastSync());
    const planned = planDirectorySync(current, entra, { now, governedRoles: deps.governedRoles, leaverGuard: !firstSync && !options.acceptLeavers });
    if (!planned.ok) return { outcome: 'refused', message: planned.problem };
    const { plan } = planned;
    const after = new Map([...current, ...plan.write].map((person) => [person.id, person]));

    const joinerIds = new Set(plan.joiners.map((person) => person.id));
    // New people first, so a new line manager is known when their first request reaches them.
    await deps.directory.save(plan.write.filter((person) => joinerIds.has(person.id)), firstSync ? new Set() : joinerIds);
    const movedForManagers = await moveForManagerChanges(deps, plan, after, now);
    const leavers = await leaversWithCases(deps, plan, after, now);
    // Stored before they are marked: once marked, no later run sees them leave again.
    const notice = await deps.leaverNotice.record(leavers, now);
    await deps.directory.save(plan.write.filter((person) => !joinerIds.has(person.id)));
    if (notice) await deps.leaverNotice.deliver(notice);
    const enrolled = await enrolWaiting(deps);
    const counts = {
      people: [...after.values()].filter((person) => !person.leftAt).length, joiners: plan.joiners.length, leavers: plan.leavers.length,
      managerChanges: plan.managerChanges.length, roleChanges: plan.roleChanges.length, unchanged: plan.unchanged,
      approvalsMoved: movedForManagers + leavers.reduce((sum, leaver) => sum + leaver.moved.length, 0),
      enrolled, unreadable: entra.unreadable.length + entra.withoutId,
    };
    await deps.directory.recordSync({ at: now.toISOString(), ...pick(counts, ['people', 'joiners', 'leavers', 'managerChanges', 'roleChanges']) });
    deps.logger.info({ job: 'directory-sync', firstSync, ...counts }, 'directory synced from Entra ID');
    return { outcome: 'synced', message: summary(counts, firstSync), counts };
  };
}

export type DirectorySync = ReturnType<typeof createDirectorySync>;

/** A person's new line manager takes the requests waiting for the old one. */
async function moveForManagerChanges(deps: DirectorySyncDeps, plan: SyncPlan, after: Map<string, DirectoryPerson>, now: Date): Promise<number> {
  let moved = 0;
  for (const change of plan.managerChanges) {
    const newManager = change.to ? after.get(change.to) : undefined;
    if (!change.from || !newManager || newManager.leftAt) continue;
    for (const waiting of await deps.rerouting.waitingOn(change.from)) {
      if (waiting.requesterId !== change.person.id) continue;
      if (await deps.rerouting.passTo(waiting.reference, person(newManager), 'line_manager', now)) moved++;
    }
  }
  return moved;
}

/** Approvals waiting for a leaver go to the leaver's own manager (or, failing that, the requester's). */
async function leaversWithCases(deps: DirectorySyncDeps, plan: SyncPlan, after: Map<string, DirectoryPerson>, now: Date): Promise<LeaverCases[]> {
  const result: LeaverCases[] = [];
  for (const { person: leaver, reason } of plan.leavers) {
    // Read before anything moves: a moved request leaves the leaver's lines as soon as its effects run.
    const openCases = await deps.openCasesOf(leaver.id);
    const moved: LeaverCases['moved'][number][] = [];
    const stuck: string[] = [];
    for (const waiting of await deps.rerouting.waitingOn(leaver.id)) {
      const chain = managementChain(after, waiting.requesterId);
      const target = [after.get(leaver.managerId ?? ''), chain[0]].find((candidate) => candidate && !candidate.leftAt && candidate.id !== waiting.requesterId && candidate.id !== leaver.id);
      const passed = target && await deps.rerouting.passTo(waiting.reference, person(target), standingIn(chain, target.id), now);
      if (passed && target) moved.push({ reference: waiting.reference, to: person(target) });
      else stuck.push(waiting.reference);
    }
    result.push({ person: leaver, reason, openCases, moved, stuck });
  }
  return result;
}

async function enrolWaiting(deps: DirectorySyncDeps): Promise<number> {
  const waiting = await deps.directory.waitingForEnrolment();
  if (waiting.length === 0) return 0;
  await deps.enrolment.enrol(waiting);
  await deps.directory.enrolled(waiting);
  return waiting.length;
}

function summary(counts: Record<string, number>, firstSync: boolean): string {
  const changes = `${counts.joiners} joined, ${counts.leavers} left, ${counts.managerChanges} changed manager, ${counts.roleChanges} changed role`;
  const first = firstSync ? ' First sync: nobody was treated as a new starter.' : '';
  const unreadable = counts.unreadable ? ` ${counts.unreadable} account(s) Graph gave no usable record for were left as they were.` : '';
  return `Directory synced from Entra ID: ${counts.people} people (${changes}); ${counts.approvalsMoved} waiting approval(s) moved; ${counts.enrolled} new starter(s) given the current campaign.${first}${unreadable}`;
}

function person(entry: DirectoryPerson): Person {
  return { id: entry.id, name: entry.name };
}

function pick<K extends string>(counts: Record<string, number>, keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, counts[key] ?? 0])) as Record<K, number>;
}

/** What to check when the cause is likely the set-up rather than a passing fault. */
function hintFor(error: unknown): string {
  const { name, status } = error as { name?: string; status?: number };
  if (status === 401 || status === 403) return ' Check that the Graph application permissions were granted (admin consent: README, "Directory from Entra ID").';
  if (name && /Authentication|CredentialUnavailable/.test(name)) return ' Check the GRAPH_AUTH settings: no token for Microsoft Graph could be had.';
  return '';
}

function describe(error: unknown): string {
  const { name, status, code } = error as { name?: string; status?: number; code?: string };
  return [name ?? 'Error', status ? `HTTP ${status}` : '', code ?? ''].filter(Boolean).join(' ');
}
