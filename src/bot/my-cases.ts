import type { CardRenderer } from '../cards/render';
import { prefixOf } from '../domain/references';
import type { Inbox } from '../store/inbox';
import { caseListCard } from '../cards/case-list';
import { replyWithCard, WorkflowRoutes } from './turn';

/**
 * "my cases": everything a person has a part in, across workflows (their requests, reports, takedown
 * notices, and what waits for them), newest first. One inbox query.
 */
export function myCasesRoutes(inbox: Inbox, renderer: CardRenderer, workflows: readonly WorkflowRoutes[]): WorkflowRoutes {
  const labels = new Map(workflows.flatMap((route) => (route.viewer?.stateLabel ? [[route.viewer.prefix, route.viewer.stateLabel] as const] : [])));
  const card = async (userId: string) => {
    const entries = await inbox.list(userId);
    const stateLabel = (state: string, reference?: string) =>
      labels.get(prefixOf(reference ?? '') ?? 'AR')?.(state) ?? { label: state, color: 'default' };
    return caseListCard(renderer, 'My cases', entries, stateLabel, 'You have no cases yet. Type "help" to see what I can do.', 'case.show', 'myCases');
  };
  return {
    actions: { 'menu.myCases': (turn) => card(turn.actor.id) },
    commands: [{ pattern: /^(my cases|cases|my notices|my takedowns)$/, handle: async (turn) => replyWithCard(turn.context, await card(turn.actor.id)) }],
  };
}
