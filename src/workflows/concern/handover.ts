import { londonTimeOfDay } from '../../domain/london-time';
import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson } from '../../cards/render';
import { messageCard } from '../../cards/message-card';
import { textInput } from '../../cases/card-input';
import type { CaseService } from '../../cases/case-service';
import type { CaseAction, CaseActionHandler, WorkflowTools } from '../../cases/definition';
import { parseReference } from '../../domain/references';
import { logPostFormView } from '../customer-post/form-view';
import { takedownFormView } from '../takedown/form-view';
import { Concern, ConcernCommand, NOTE_MAX, TriageCommand } from './model';

type Tools = Pick<WorkflowTools, 'renderer' | 'directory' | 'workingTime'>;

/**
 * The two decisions whose answer is another workflow's form, filled in from the concern: a takedown notice
 * (the post, its site and, when the concern is about a colleague, them as the recipient) and a customer post (the
 * post and its site, seen now). The concern records the decision first; the form then opens a case of its own
 * when sent. A repeated press shows the form again.
 *
 * The form comes as a message of its own and the concern's card stays the concern's: had the form replaced it,
 * the message would be both the concern's card and, once sent, the new case's, and each would overwrite the other.
 * So the decision is taken with no clicked card to spare: every copy of the concern's card, the clicked one too,
 * is updated in place by the engine.
 */
export function handoverActions(service: CaseService<Concern, ConcernCommand>, tools: Tools): Record<string, CaseActionHandler> {
  return {
    'concern.takedown': decideThen(service, tools, 'referToTakedown', (concern, action) => takedownForm(tools, concern, action)),
    'concern.customerPost': decideThen(service, tools, 'referToCustomerPost', async (concern, action) => customerPostForm(tools, concern, action)),
  };
}

function decideThen(
  service: CaseService<Concern, ConcernCommand>, tools: Tools, type: Extract<TriageCommand['type'], 'referToTakedown' | 'referToCustomerPost'>,
  answer: (concern: Concern, action: CaseAction) => Promise<AdaptiveCardJson>,
): CaseActionHandler {
  const { definition } = service;
  const unavailable = (reference?: string) => messageCard(tools.renderer, { title: 'Not available', message: definition.notFound(reference), style: 'warning' });
  return async (action) => {
    const reference = parseReference(action.data.reference);
    if (!reference) return unavailable();
    const note = textInput(action.data, 'note', NOTE_MAX);
    // Kept before the decision, so the update the decision causes finds the clicked card among the concern's.
    const before = action.origin ? await service.load(reference) : undefined;
    if (before && action.origin && definition.workflow.canSee(before, action.actor)) await service.rememberCard(reference, action.actor.id, action.origin);
    const outcome = await service.act(reference, { type, ...(note ? { note } : {}) }, action.actor, action.now);
    if (outcome.ok) return { newMessage: await answer(outcome.snapshot, action), toast: 'The form is below.' };
    if (outcome.snapshot === undefined || !definition.workflow.canSee(outcome.snapshot, action.actor)) return unavailable(reference);
    return definition.caseCard(outcome.snapshot, action.actor, action.now, { notice: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, values: { note } });
  };
}

/** The takedown form as Comms would fill it in from the concern: they still choose the clauses and explain. */
async function takedownForm(tools: Tools, concern: Concern, action: CaseAction): Promise<AdaptiveCardJson> {
  const { link, platform, platformOther } = concern.details;
  return tools.renderer.render('takedown-form', takedownFormView({
    actor: action.actor, formId: randomUUID(), people: await tools.directory.everyone(),
    input: { link: link ?? '', platform, platformOther: platformOther ?? '', recipient: concern.details.about === 'colleague' ? concern.colleague?.id ?? '' : '' },
  }));
}

/** The log-a-post form with the post and its site: Comms still say what kind of post it is, and sum it up. */
async function customerPostForm(tools: Tools, concern: Concern, action: CaseAction): Promise<AdaptiveCardJson> {
  const { link, platform, platformOther } = concern.details;
  return tools.renderer.render('customer-post-form', logPostFormView({
    formId: randomUUID(), today: tools.workingTime.londonDate(action.now), timeNow: londonTimeOfDay(action.now),
    input: { link: link ?? '', platform, platformOther: platformOther ?? '' },
  }));
}

