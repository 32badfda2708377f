import type { CardRenderer } from '../cards/render';
import type { Actor } from '../domain/people';
import { prefixOf } from '../domain/references';
import type { Inbox, InboxEntry } from '../store/inbox';
import { CaseListEntry, caseListCard, StateLabel } from '../cards/case-list';
import { ActionHandler, replyWithAnswer, WorkflowRoutes } from './turn';

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

export interface MyActionsDeps {
  readonly inbox: Inbox;
  readonly renderer: CardRenderer;
  readonly workflows: readonly WorkflowRoutes[];
  readonly teamQueues: readonly TeamQueue[];
}

/**
 * Everything waiting for this person across workflows: their own lines marked "awaiting me" (approvals,
 * acknowledgements, takedown replies, edits asked of them) and the team queues their roles make theirs.
 * Soonest due first: by deadline where a case has one, else by when it last changed (the longest waiting).
 */
export async function waitingFor(actor: Actor, inbox: Inbox, teamQueues: readonly TeamQueue[]): Promise<CaseListEntry[]> {
  const own: CaseListEntry[] = (await inbox.list(actor.id, { awaitingOnly: true })).map((entry) => ({ ...entry, mark: 'Your turn' }));
  const seen = new Set(own.map((entry) => entry.reference));
  const team: CaseListEntry[] = [];
  for (const queue of teamQueues) {
    for (const entry of (await queue.waiting(actor)) ?? []) {
      // A case already on the person's own lines (their approval, read through a team queue too) shows once.
      if (seen.has(entry.reference)) continue;
      seen.add(entry.reference);
      team.push({ ...entry, mark: `Your turn: ${queue.team}` });
    }
  }
  const due = (entry: InboxEntry) => entry.dueAt ?? entry.updatedAt;
  return [...own, ...team].sort((a, b) => due(a).localeCompare(due(b)) || a.reference.localeCompare(b.reference));
}

/** "my actions" (and "approvals", which became part of it): the needs-my-action list, rebuilt for whoever asks. */
export function myActionsRoutes(deps: MyActionsDeps): WorkflowRoutes {
  const labels = new Map(deps.workflows.flatMap((route) => (route.viewer?.stateLabel ? [[route.viewer.prefix, route.viewer.stateLabel] as const] : [])));
  const stateLabel: StateLabel = (state, reference) => labels.get(prefixOf(reference ?? '') ?? 'AR')?.(state) ?? { label: state, color: 'default' };
  const list: ActionHandler = async (turn) => caseListCard(
    deps.renderer, 'Waiting for you', await waitingFor(turn.actor, deps.inbox, deps.teamQueues), stateLabel,
    'Nothing is waiting for you. Type "my cases" to see everything you have a part in.', 'case.show', 'myActions',
  );
  return {
    // `menu.approvals`: the button on welcome cards sent before "my actions" existed.
    actions: { 'menu.myActions': list, 'menu.approvals': list },
    commands: [{
      pattern: /^(my actions|actions|my stuff|what'?s waiting( for me)?|waiting( for me)?|my to-?do( list)?|to-?do|approvals|awaiting( me| my approval)?|to approve|pending)$/,
      handle: async (turn) => replyWithAnswer(turn.context, await list({ ...turn, data: {} })),
    }],
  };
}
