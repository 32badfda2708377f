import type { AdaptiveCardJson, CardRenderer } from '../cards/render';
import { messageCard } from '../cards/message-card';
import type { CaseService } from '../cases/case-service';
import { StepMessage, CaseAction, DecisionVerb, isNewMessage } from '../cases/definition';
import { formToken, textInput } from '../cases/card-input';
import { parseReference } from '../domain/references';
import type { Logger } from '../logger';
import { chatFilesHandler } from './chat-files';
import { fileExportRoutes } from './file-exports';
import { ActionHandler, ActionTurn, clickedCard, Command, replyWithAnswer, replyWithCard, Turn, WorkflowRoutes } from './turn';

/**
 * Mounts one workflow definition in the bot: its decision buttons through one decision route, its form's
 * submit, its other verbs and typed commands, and how its cases open by reference. The same code for
 * every workflow: its files sent in the chat and file exports too. `extras`: a test's own additions.
 */
export function workflowRoutes(
  service: CaseService<unknown, { readonly type: string }>, renderer: CardRenderer, logger: Logger, extras: Partial<WorkflowRoutes> = {},
): WorkflowRoutes {
  const definition = service.definition;
  const { rules } = definition;
  const unavailable = (reference?: string) => messageCard(renderer, { title: 'Not available', message: definition.notFound(reference), style: 'warning' });
  const caseCard = (snapshot: unknown, turn: Pick<Turn, 'actor' | 'now'>, notice?: StepMessage) => definition.caseCard(snapshot, turn.actor, turn.now, notice);

  /** Runs a step from a card button and shows the result, or the refusal, on the same card. */
  function decision(verb: DecisionVerb<{ readonly type: string }>): ActionHandler {
    return async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (!reference) return unavailable();
      const action = caseAction(turn);
      const outcome = await service.act(reference, await verb.command(action), turn.actor, turn.now, action.origin);
      if (outcome.ok) return caseCard(outcome.snapshot, turn, outcome.changed ? { notice: verb.done, noticeStyle: 'good' } : {});
      if (outcome.snapshot === undefined || !definition.workflow.canSee(outcome.snapshot, turn.actor)) return unavailable(reference);
      const values = Object.fromEntries(Object.entries(verb.keeps ?? {}).map(([name, max]) => [name, textInput(turn.data, name, max)]));
      return caseCard(outcome.snapshot, turn, { notice: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, values });
    };
  }

  async function show(turn: Turn | ActionTurn, reference: string, remember: boolean): Promise<AdaptiveCardJson> {
    const snapshot = await service.show({ ...turn, ...('data' in turn ? { origin: clickedCard(turn) } : {}) }, reference, remember);
    return snapshot === undefined ? unavailable(reference) : caseCard(snapshot, turn);
  }

  const actions: Record<string, ActionHandler> = {};
  for (const [name, verb] of Object.entries(definition.decisions)) actions[`${rules.name}.${name}`] = decision(verb);
  actions[`${rules.name}.refresh`] = async (turn) => {
    const reference = parseReference(turn.data.reference);
    return reference ? show(turn, reference, false) : unavailable();
  };
  const opening = definition.opening;
  if (opening) {
    actions[opening.verb] = async (turn) => {
      if (opening.allowed && !opening.allowed(turn.actor)) return opening.refusal?.() ?? unavailable();
      const action = caseAction(turn);
      const command = await opening.command(action);
      const outcome = 'type' in command ? await service.open(action, command) : { kind: 'invalid' as const, rejection: command };
      if (outcome.kind === 'invalid') return opening.formAgain({ ...action, data: { ...action.data, formId: formToken(turn.data) } }, outcome.rejection.fieldErrors ?? {});
      if (outcome.kind === 'duplicate') {
        return outcome.snapshot === undefined ? messageCard(renderer, opening.stillOpening) : caseCard(outcome.snapshot, turn, { notice: opening.repeated, noticeStyle: 'emphasis' });
      }
      return caseCard(outcome.snapshot, turn, { headline: opening.opened(outcome.snapshot) });
    };
  }
  for (const [verb, handler] of Object.entries(definition.actions?.(service) ?? {})) {
    actions[verb] = async (turn) => {
      const answer = await handler(caseAction(turn));
      if (!isNewMessage(answer)) return answer;
      // A form opened from a case card comes as a message of its own: the case card stays, and is still the case's.
      await replyWithCard(turn.context, answer.newMessage);
      return { keepClickedCard: true, toast: answer.toast };
    };
  }
  Object.assign(actions, extras.actions);
  const exports = fileExportRoutes(definition.exports?.(service) ?? [], renderer, logger);

  const commands: Command[] = (definition.commands ?? []).map(({ pattern, verb, sharedSpaces, data }) => ({
    pattern, ...(sharedSpaces ? { sharedSpaces } : {}),
    handle: async (turn: Turn, match: RegExpExecArray) => replyWithAnswer(turn.context, await actions[verb]!({ ...turn, data: data?.(match) ?? {} })),
  }));

  return {
    ...(definition.fileIntake ? { onFiles: chatFilesHandler(definition.fileIntake, renderer, rules.stateLabel) } : {}),
    ...(definition.exports ? { onFileConsent: exports.onFileConsent } : {}),
    ...extras,
    actions,
    commands: [...commands, ...exports.commands, ...(extras.commands ?? [])],
    viewer: { prefix: rules.prefix, show, stateLabel: (state) => rules.stateLabel(state) },
  };
}

/** A Teams card action as the workflows see it: the clicked card's place comes from the activity, never from card data. */
export function caseAction(turn: ActionTurn): CaseAction {
  const origin = clickedCard(turn);
  return { actor: turn.actor, now: turn.now, verb: turn.verb, data: turn.data, ...(origin ? { origin } : {}) };
}
