import type { CardRenderer } from '../cards/render';
import { prefixOf } from '../domain/references';
import type { Inbox } from '../store/inbox';
import { TeamQueue, waitingFor } from '../cases/waiting-for';
import { caseListCard, StateLabel } from '../cards/case-list';
import { ActionHandler, replyWithAnswer, WorkflowRoutes } from './turn';

/** Moved to the case engine, where the dashboard's count reads it too. */
export { TeamQueue, waitingFor };

export interface MyActionsDeps {
  readonly inbox: Inbox;
  readonly renderer: CardRenderer;
  readonly workflows: readonly WorkflowRoutes[];
  readonly teamQueues: readonly TeamQueue[];
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
