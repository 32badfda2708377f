import { messageCard } from '../../cards/message-card';
import type { AdaptiveCardJson } from '../../cards/render';
import type { CaseService } from '../../cases/case-service';
import type { CaseAction, CaseActionHandler, WorkflowTools } from '../../cases/definition';
import { MAX_CHOICES, personChoice } from '../../directory/people-choices';
import { hasRole } from '../../domain/people';
import { parseReference } from '../../domain/references';
import { deskCard, DESK_LISTS, DeskList, ownerDeskCard } from './desk';
import { describe } from './effects';
import { POST_STATE_LABELS } from './labels';
import type { CustomerPost, CustomerPostCommand } from './model';
import { refusalFor } from './steps';

type Service = CaseService<CustomerPost, CustomerPostCommand>;

/** The verbs that show rather than decide: the form, the owner's choice, the desk's lists. */
export function customerPostActions(
  tools: WorkflowTools, service: Service, cards: { commsOnly(): AdaptiveCardJson; form(action: CaseAction): AdaptiveCardJson },
): Record<string, CaseActionHandler> {
  const { renderer, directory } = tools;
  const stateLabel = (state: string) => POST_STATE_LABELS[state as CustomerPost['state']] ?? { label: state, color: 'default' };
  const desk = (list: DeskList): CaseActionHandler => async (action) => (await deskCard(tools, list, action.actor, action.now, stateLabel)) ?? cards.commsOnly();

  /** Teams gives the case card no directory: choosing the owner is a card of its own, of the Communications Team's members. */
  async function chooseOwner(action: CaseAction): Promise<AdaptiveCardJson> {
    const reference = parseReference(action.data.reference);
    const post = reference ? await service.loadFor(reference, action.actor, action.verb) : undefined;
    if (!post) return messageCard(renderer, { title: 'Not available', message: service.definition.notFound(reference), style: 'warning' });
    const refused = refusalFor(post, 'assign');
    if (refused) return service.definition.caseCard(post, action.actor, action.now, { notice: refused.message });
    const members = await directory.membersOf('comms');
    return renderer.render('customer-post-owner', {
      reference: post.reference,
      intro: `${post.reference}, ${describe(post)}: ${post.owner ? `owned by ${post.owner.name}` : 'nobody owns it yet'}. The owner is told of its reminders and deadlines.`,
      ownerChoices: members.slice(0, MAX_CHOICES).map(personChoice),
      ownerValue: action.actor.id,
      errors: { owner: '' },
    });
  }

  return {
    'menu.logPost': async (action) => (hasRole(action.actor, 'comms') ? cards.form(action) : cards.commsOnly()),
    'customerPost.cancel': async () => messageCard(renderer, { title: 'Post not logged', message: 'Nothing was recorded.' }),
    'customerPost.chooseOwner': chooseOwner,
    ...Object.fromEntries((Object.keys(DESK_LISTS) as DeskList[]).map((list) => [DESK_LISTS[list].verb, desk(list)])),
    'menu.deskOwner': async (action) => (await ownerDeskCard(tools, typeof action.data.owner === 'string' ? action.data.owner.slice(0, 100) : '', action.actor, action.now, stateLabel)) ?? cards.commsOnly(),
  };
}
