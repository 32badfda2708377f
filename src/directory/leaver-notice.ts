import { caseListCard, CaseListEntry, StateLabel } from '../cards/case-list';
import type { CardRenderer } from '../cards/render';
import type { Notifier } from '../cases/delivery';
import { holdOutboxLease, OUTBOX_LEASE_MS, OutboxLease, OutboxLeaseLost } from '../cases/outbox-lease';
import type { Actor } from '../domain/people';
import type { Logger } from '../logger';
import type { RowKeepingHandler } from '../scheduler/scheduler';
import type { TableDirectory } from '../store/directory-table';
import type { InboxEntry } from '../store/inbox';
import type { LeaverNoticeStore, NoticedCase } from '../store/leaver-notices';
import type { ClaimedTimer, TimerStore } from '../store/timers';
import type { DirectoryPerson } from './directory';
import type { LeaverCases } from './directory-sync';

/** The name of a leaver notice's retry timer in the `timers` table. */
export const LEAVER_NOTICE_TIMER = 'leaverNotice';
const NOTICE_PREFIX = 'leavers-';
/** A failed notice waits 30 s, then about as long again as it has waited so far, at most an hour: never dropped. */
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 3_600_000;

export interface LeaverNoticeDeps {
  readonly directory: TableDirectory;
  readonly notices: LeaverNoticeStore;
  readonly timers: TimerStore;
  readonly notifier: Notifier;
  readonly renderer: CardRenderer;
  readonly stateLabel: StateLabel;
  /** A case's lines as its lists show them now; none when `viewer` may not see it (an AINM record is for the Incident team and admins only). */
  readonly linesOf: (reference: string, viewer: Actor, now: Date) => Promise<readonly Omit<InboxEntry, 'updatedAt'>[]>;
  /** Names this instance in the claim on the notice's retry timer. */
  readonly owner: string;
  readonly now: () => Date;
  readonly logger: Logger;
}

/**
 * Issue 15: a leaver's open cases are shown to the Communications Team and the administrators, as one list card
 * in each one's chat (each line opens the case, "Back to the list" not offered: it is a one-off). Each sees only
 * the cases they may open anyway: a Comms member never learns of an AINM record through it.
 *
 * Once the leavers are marked no later sync sees them leave again, so the notice is stored first (ids and
 * references: the card is made when it is sent) with a retry timer, claimed by this instance as a transition's
 * outbox timer is (src/cases/outbox-lease.ts). After a crash or a failed send the scheduler of any instance sends
 * it to those it has not reached; a recipient is marked as soon as the connector took their card, so the worst case
 * (a crash between a send and its mark) is one person's second copy. A 403 (not installed, blocked) is final, as
 * for every notification (DESIGN.md): that recipient is marked and logged, not retried.
 */
export function createLeaverNotice(deps: LeaverNoticeDeps) {
  /** True when everyone who has something to see in it was reached (or cannot be: a 403 is final). */
  async function sendToEveryone(notice: string, lease: OutboxLease): Promise<boolean> {
    const { cases, reached } = await deps.notices.load(notice);
    const leavers = await stillMarked(deps.directory, cases);
    const lines = cases.filter((line) => leavers.has(line.personId));
    if (lines.length === 0) return true;
    const now = deps.now();
    const recipients = new Map([...await deps.directory.membersOf('comms'), ...await deps.directory.membersOf('admin')].map((person) => [person.id, person]));
    let everyone = true;
    for (const recipient of recipients.values()) {
      if (reached.has(recipient.id)) continue;
      const entries = await entriesFor(deps, lines, leavers, { id: recipient.id, name: recipient.name, roles: recipient.roles }, now);
      if (entries.length === 0) continue;
      await lease.keep();
      const card = caseListCard(deps.renderer, 'People who left: their open cases', entries, deps.stateLabel, '', 'case.show');
      const delivery = await deps.notifier.sendCard(recipient.id, card);
      if (delivery.status !== 'sent') deps.logger.warn({ job: 'directory-sync', notice, recipientId: recipient.id, status: delivery.status }, 'leavers\' cases not delivered');
      if (delivery.status === 'failed') everyone = false;
      else await deps.notices.reached(notice, recipient.id, delivery.status);
    }
    return everyone;
  }

  /** Sends the notice under the claim on its retry timer; deletes both when done, or lets the timer go at the next attempt. */
  async function deliver(claim: ClaimedTimer): Promise<void> {
    const notice = claim.reference;
    const lease = holdOutboxLease(claim, { timers: deps.timers, owner: deps.owner, now: deps.now, leaseMs: OUTBOX_LEASE_MS });
    let retryAt: Date | undefined;
    try {
      if (await sendToEveryone(notice, lease)) await deps.notices.remove(notice);
      else retryAt = nextAttempt(notice, deps.now());
    } catch (error) {
      if (error instanceof OutboxLeaseLost) return;
      retryAt = nextAttempt(notice, deps.now());
      deps.logger.warn({ job: 'directory-sync', notice, failure: String((error as Error).message).slice(0, 200) }, 'leavers\' notice not finished; its timer retries it');
    } finally {
      await lease.release(retryAt).catch(() => undefined);
    }
  }

  return {
    /** Stores the notice about these leavers' open cases, claimed by this instance; undefined when there is nothing to tell. */
    async record(leavers: readonly LeaverCases[], now: Date): Promise<ClaimedTimer | undefined> {
      const lines = leavers.flatMap(noticedCases);
      if (lines.length === 0) return undefined;
      const notice = `${NOTICE_PREFIX}${now.toISOString()}`;
      // The timer first: rows without one would never be sent nor deleted.
      const claim = await deps.timers.createClaimed({ reference: notice, timer: LEAVER_NOTICE_TIMER, id: 'notice' }, deps.owner, new Date(now.getTime() + OUTBOX_LEASE_MS));
      await deps.notices.record(notice, lines);
      return claim;
    },
    deliver,
    timerHandlers(): Record<string, RowKeepingHandler> {
      return { [LEAVER_NOTICE_TIMER]: { keepsItsRow: true, fire: (_timer, _now, claim) => deliver(claim) } };
    },
  };
}

export type LeaverNotice = ReturnType<typeof createLeaverNotice>;

function noticedCases(leaver: LeaverCases): NoticedCase[] {
  return leaver.openCases.map((entry) => {
    const movedTo = leaver.moved.find((move) => move.reference === entry.reference)?.to.id;
    return {
      personId: leaver.person.id, leftAt: leaver.person.leftAt ?? '', reference: entry.reference, role: entry.role,
      ...(movedTo ? { movedTo } : {}), ...(leaver.stuck.includes(entry.reference) ? { stuck: true } : {}),
    };
  });
}

/**
 * The leavers still marked as this notice's sync marked them, as stored now (not cached: another instance may have
 * just marked them). A sync that stopped before marking them left them to the next sync, which sends its own notice.
 */
async function stillMarked(directory: TableDirectory, lines: readonly NoticedCase[]): Promise<Map<string, DirectoryPerson>> {
  const leavers = new Map<string, DirectoryPerson>();
  for (const line of lines) {
    if (leavers.has(line.personId)) continue;
    const person = await directory.findStored(line.personId);
    if (person?.leftAt && person.leftAt === line.leftAt) leavers.set(line.personId, person);
  }
  return leavers;
}

async function entriesFor(deps: LeaverNoticeDeps, lines: readonly NoticedCase[], leavers: ReadonlyMap<string, DirectoryPerson>, viewer: Actor, now: Date): Promise<CaseListEntry[]> {
  const entries: CaseListEntry[] = [];
  for (const line of lines) {
    const shown = await deps.linesOf(line.reference, viewer, now);
    // A moved approval is no longer on the leaver's list: any line of the case says what it is and where it stands.
    const entry = shown.find((candidate) => candidate.userId === line.personId && candidate.role === line.role) ?? shown[0];
    if (!entry) continue;
    const leaver = leavers.get(line.personId)!.name;
    const movedTo = line.movedTo && (await deps.directory.find(line.movedTo))?.name;
    entries.push({
      ...entry, updatedAt: now.toISOString(),
      summary: `${leaver} (left): ${entry.summary}`,
      nextStep: line.movedTo ? `Now waits for ${movedTo ? `${movedTo}, ` : ''}${leaver}'s manager`
        : line.stuck ? `Waited for ${leaver}; nobody in the directory could take it over` : entry.nextStep,
      mark: `Their part: ${line.role.replace(/_/g, ' ')}`,
    });
  }
  return entries;
}

/** About as long again as the notice has waited so far (so the waits double), between 30 s and an hour. */
function nextAttempt(notice: string, now: Date): Date {
  const waited = now.getTime() - (Date.parse(notice.slice(NOTICE_PREFIX.length)) || now.getTime());
  return new Date(now.getTime() + Math.min(Math.max(waited, FIRST_RETRY_MS), LONGEST_RETRY_MS));
}
