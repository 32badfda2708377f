import { caseListCard } from '../../cards/case-list';
import { messageCard } from '../../cards/message-card';
import type { Directory } from '../../directory/directory';
import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import { withTimeLeft } from '../../cases/time-left';
import { Actor, hasRole } from '../../domain/people';
import type { WorkingTime } from '../../domain/working-time';
import { Inbox, InboxEntry, teamInbox } from '../../store/inbox';
import type { PostKind } from './model';
import { DESK_ROLE, isOfKind, OWNER_ROLE } from './presenter';

/** The desk's views: every open post, one kind, or the asker's own. Each is a list a post can be opened from. */
export const DESK_LISTS = {
  desk: { verb: 'menu.desk', title: 'The desk: open customer posts', empty: 'No open customer posts.' },
  deskComplaints: { verb: 'menu.deskComplaints', title: 'The desk: open complaints', empty: 'No open complaints.', kind: 'complaint' },
  deskEnquiries: { verb: 'menu.deskEnquiries', title: 'The desk: open problems and enquiries', empty: 'No open problems or enquiries.', kind: 'problem_or_enquiry' },
  deskMine: { verb: 'menu.deskMine', title: 'The desk: your open posts', empty: 'You own no open customer posts.', mine: true },
} as const satisfies Record<string, { verb: string; title: string; empty: string; kind?: PostKind; mine?: boolean }>;
export type DeskList = keyof typeof DESK_LISTS;

/** Whether the desk is this person's: the Communications Team's. */
export function worksTheDesk(actor: Actor): boolean {
  return hasRole(actor, 'comms');
}

/** The open posts waiting for the Communications Team; undefined for anyone else. */
export async function openPosts(inbox: Inbox, actor: Actor): Promise<InboxEntry[] | undefined> {
  return worksTheDesk(actor) ? inbox.list(teamInbox('comms'), { role: DESK_ROLE, awaitingOnly: true }) : undefined;
}

/**
 * One of the desk's lists, soonest due first (posts with no clock after, oldest reference first), each line with
 * the working time left, and overdue ones marked. Undefined for anyone outside the Communications Team.
 */
export async function deskCard(
  tools: { renderer: CardRenderer; inbox: Inbox; workingTime: WorkingTime }, list: DeskList, actor: Actor, now: Date, stateLabel: (state: string) => { label: string; color: string },
): Promise<AdaptiveCardJson | undefined> {
  const view: { title: string; empty: string; kind?: PostKind; mine?: boolean } = DESK_LISTS[list];
  const open = view.mine
    ? (hasRole(actor, 'comms') ? await tools.inbox.list(actor.id, { role: OWNER_ROLE, awaitingOnly: true }) : undefined)
    : await openPosts(tools.inbox, actor);
  if (!open) return undefined;
  const lines = open
    .filter((entry) => !view.kind || isOfKind(entry.summary, view.kind))
    .sort(soonestDueFirst)
    .map((entry) => ({ ...withTimeLeft(entry, now, tools.workingTime), ...(entry.dueAt && entry.dueAt <= now.toISOString() ? { mark: 'Overdue' } : {}) }));
  return caseListCard(tools.renderer, view.title, lines, stateLabel, view.empty, 'case.show', list);
}

/**
 * "desk owner patti": the open posts of one member of the Communications Team, found by their name (or its
 * start, any case); a name that fits nobody, or several, is said so. Undefined for anyone outside the team.
 */
export async function ownerDeskCard(
  tools: { renderer: CardRenderer; inbox: Inbox; workingTime: WorkingTime; directory: Directory }, named: string, actor: Actor, now: Date,
  stateLabel: (state: string) => { label: string; color: string },
): Promise<AdaptiveCardJson | undefined> {
  if (!hasRole(actor, 'comms')) return undefined;
  const wanted = named.trim().toLowerCase();
  const team = await tools.directory.membersOf('comms');
  const fitting = wanted ? team.filter((person) => person.name.toLowerCase().startsWith(wanted) || person.name.toLowerCase().split(' ').some((part) => part.startsWith(wanted))) : [];
  if (fitting.length !== 1) {
    const names = team.map((person) => person.name).join(', ');
    const problem = fitting.length === 0 ? `No one in the Communications Team is called "${named.slice(0, 40)}".` : `"${named.slice(0, 40)}" fits ${fitting.length} people.`;
    return messageCard(tools.renderer, { title: 'The desk', message: `${problem} Type "desk owner" and one of: ${names}.` });
  }
  const owner = fitting[0]!;
  const lines = (await tools.inbox.list(owner.id, { role: OWNER_ROLE, awaitingOnly: true }))
    .sort(soonestDueFirst)
    .map((entry) => ({ ...withTimeLeft(entry, now, tools.workingTime), ...(entry.dueAt && entry.dueAt <= now.toISOString() ? { mark: 'Overdue' } : {}) }));
  return caseListCard(tools.renderer, `The desk: ${owner.name}'s open posts`, lines, stateLabel, `${owner.name} owns no open customer posts.`, 'case.show');
}

function soonestDueFirst(a: InboxEntry, b: InboxEntry): number {
  if (a.dueAt && b.dueAt) return a.dueAt.localeCompare(b.dueAt) || byReference(a, b);
  if (a.dueAt || b.dueAt) return a.dueAt ? -1 : 1;
  return byReference(a, b);
}

function byReference(a: InboxEntry, b: InboxEntry): number {
  return a.reference.localeCompare(b.reference, 'en', { numeric: true });
}
