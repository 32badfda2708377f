import type { CaseListEntry } from '../cards/case-list';
import type { Actor } from '../domain/people';
import type { Inbox, InboxEntry } from '../store/inbox';

/**
 * A team's queue as a workflow service answers it for one person: undefined (or nothing) when their roles
 * do not make it theirs. The services keep the rules (a Comms member never signs off a request they made or
 * approved), so this list only gathers.
 */
export interface TeamQueue {
  /** Shown beside each line: "Your turn: Communications Team". */
  readonly team: string;
  readonly waiting: (actor: Actor) => Promise<readonly InboxEntry[] | undefined>;
}

/**
 * Everything waiting for this person across workflows: their own lines marked "awaiting me" (approvals,
 * acknowledgements, takedown replies, edits asked of them) and the team queues their roles make theirs.
 * Soonest due first: by deadline where a case has one, else by when it last changed (the longest waiting).
 * The bot's "my actions" and the dashboard's count both read it, so they never disagree.
 */
export async function waitingFor(actor: Actor, inbox: Inbox, teamQueues: readonly TeamQueue[]): Promise<CaseListEntry[]> {
  // The queries are independent: asked at once, the list costs the slowest of them, not their sum.
  const [mine, ...queues] = await Promise.all([inbox.list(actor.id, { awaitingOnly: true }), ...teamQueues.map((queue) => queue.waiting(actor))]);
  const own: CaseListEntry[] = (mine ?? []).map((entry) => ({ ...entry, mark: 'Your turn' }));
  const seen = new Set(own.map((entry) => entry.reference));
  const team: CaseListEntry[] = [];
  for (const [index, queue] of teamQueues.entries()) {
    for (const entry of queues[index] ?? []) {
      // A case already on the person's own lines (their approval, read through a team queue too) shows once.
      if (seen.has(entry.reference)) continue;
      seen.add(entry.reference);
      team.push({ ...entry, mark: `Your turn: ${queue.team}` });
    }
  }
  const due = (entry: InboxEntry) => entry.dueAt ?? entry.updatedAt;
  return [...own, ...team].sort((a, b) => due(a).localeCompare(due(b)) || a.reference.localeCompare(b.reference));
}
