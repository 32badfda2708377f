import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import type { Directory } from '../../directory/directory';
import { addDays } from '../../domain/calendar-date';
import { managerChoices } from '../../directory/people-choices';
import { parseReference } from '../../domain/references';
import type { WorkingTime } from '../../domain/working-time';
import { ActionHandler, ActionTurn, clickedCard, Command, formToken, noticeCard, replyWithCard, textInput, Turn } from '../../bot/turn';
import type { AccessRequestFormInput } from './form';
import { accessRequestFormView } from './form-view';
import { AccessRequest, AccessRequestCommand } from './model';
import type { AccessRequestService } from './service';
import { accessRequestCardView, canSeeAccessRequest as canSee, CardExtras } from './view';
import { caseListCard } from '../../cards/case-list';
import { Logger, logRefusal } from '../../logger';
import { STATE_LABELS } from './labels';

export interface AccessRequestRouteDeps {
  readonly service: AccessRequestService;
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  readonly workingTime: WorkingTime;
  readonly logger: Logger;
}

/** What the actor is told after their own action succeeds. */
const DONE: Readonly<Record<string, string>> = {
  approve: 'You approved this request. The requester has been told.',
  reject: 'You rejected this request. The requester has been told.',
  requestInfo: 'You asked for more information. The requester has been told and can edit the request.',
  commsSignOff: 'You signed off this request: access is now active. The requester has been told.',
  commsReject: 'You rejected this request. The requester and their manager have been told.',
  withdraw: 'You withdrew this request. The approver has been told.',
  revoke: 'You revoked this access. The requester has been told.',
};

/** Teams activity -> command -> service -> card, for access requests. Each handler stays small. */
export function accessRequestRoutes(deps: AccessRequestRouteDeps) {
  const { service, renderer, workingTime } = deps;
  const caseCard = (request: AccessRequest, turn: Pick<Turn, 'actor' | 'now'>, extras?: CardExtras) =>
    renderer.render('access-request', accessRequestCardView(request, turn.actor, turn.now, workingTime, extras));
  const unavailable = (reference: string) => noticeCard(renderer, {
    title: 'Not available', message: `I can't find ${reference}, or you don't have a part in it.`, style: 'warning',
  });

  async function formCard(turn: Turn, options: { input?: AccessRequestFormInput; errors?: Record<string, string>; editing?: AccessRequest; formId?: string } = {}) {
    // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
    const view = accessRequestFormView({
      ...options, actor: turn.actor, today: workingTime.londonDate(turn.now), formId: options.formId ?? randomUUID(),
      people: await deps.directory.everyone(),
    });
    return renderer.render('access-request-form', view);
  }

  /** Runs a decision from a card button and shows the result, or the refusal, on the same card. */
  function decision(toCommand: (turn: ActionTurn) => AccessRequestCommand): ActionHandler {
    return async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (!reference) return unavailable('that request');
      const command = toCommand(turn);
      const outcome = await service.act(reference, command, turn.actor, turn.now, clickedCard(turn));
      if (outcome.ok) {
        return caseCard(outcome.snapshot, turn, outcome.changed ? { notice: DONE[command.type] ?? '', noticeStyle: 'good' } : {});
      }
      if (!outcome.snapshot || !canSee(outcome.snapshot, turn.actor)) return unavailable(reference);
      return caseCard(outcome.snapshot, turn, {
        notice: outcome.message, commentError: outcome.fieldErrors?.comment ?? '', commentValue: textInput(turn.data, 'comment', 500),
      });
    };
  }

  /** Logs a refusal decided here rather than by the service (which logs its own). */
  const refused = (turn: Turn, reference: string, code: 'forbidden' | 'wrong_state') =>
    logRefusal(deps.logger, { reference, verb: turn.verb, actorId: turn.actor.id, code });

  /** The request, if the clicking person is its requester; to anyone else it is hidden. */
  async function requesterRequest(turn: ActionTurn): Promise<AccessRequest | undefined> {
    const reference = parseReference(turn.data.reference);
    const request = reference ? await service.loadFor(reference, turn.actor, turn.verb) : undefined;
    if (!request || request.requester.id === turn.actor.id) return request;
    refused(turn, request.reference, 'forbidden');
    return undefined;
  }

  async function reassignCard(turn: Turn, request: AccessRequest, error = ''): Promise<AdaptiveCardJson> {
    const people = (await deps.directory.everyone()).filter((person) => person.id !== request.approver.id);
    return renderer.render('access-request-reassign', {
      reference: request.reference,
      intro: `${request.reference} is waiting for ${request.approver.name}. Choose who should decide instead; they will get the request and ${request.approver.name} will be told.`,
      approverChoices: managerChoices(people, turn.actor), approverValue: '', error,
    });
  }

  /** Shows a case; when it replaces a clicked card, that message is remembered so later changes update it. */
  async function showCase(turn: ActionTurn | Turn, reference: string | undefined, remember = false): Promise<AdaptiveCardJson> {
    const request = reference ? await service.loadFor(reference, turn.actor, turn.verb) : undefined;
    if (!request || !reference) return unavailable(reference ?? 'that request');
    const location = remember && 'data' in turn ? clickedCard(turn) : undefined;
    if (location) await service.rememberCard(reference, turn.actor.id, location);
    return caseCard(request, turn);
  }

  const comment = (turn: ActionTurn) => textInput(turn.data, 'comment', 500);
  const actions: Readonly<Record<string, ActionHandler>> = {
    'menu.requestAccess': (turn) => formCard(turn),
    'menu.myRequests': async (turn) => caseListCard(renderer, 'My access requests', await service.myRequests(turn.actor), labelFor, 'You have not asked for access yet. Type "request access" to start.', 'case.show', 'myRequests'),
    'accessRequest.submit': async (turn) => {
      const input = turn.data as AccessRequestFormInput;
      const outcome = await service.submit(turn.actor, turn.now, turn.data.formId, input, clickedCard(turn));
      if (outcome.kind === 'invalid') return formCard(turn, { input, errors: outcome.rejection.fieldErrors ?? {}, formId: formToken(turn.data) });
      if (outcome.kind === 'duplicate') {
        return outcome.request ? caseCard(outcome.request, turn, { notice: 'This request was already sent.', noticeStyle: 'emphasis' })
          : noticeCard(renderer, { title: 'Already being sent', message: 'This request is already on its way. Type "my requests" in a moment to see it.' });
      }
      return caseCard(outcome.request, turn, { headline: `Sent to ${outcome.request.approver.name} for approval.`, notice: '' });
    },
    'accessRequest.resubmit': async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (!reference) return unavailable('that request');
      const input = turn.data as AccessRequestFormInput;
      const outcome = await service.resubmit(reference, turn.actor, turn.now, input, clickedCard(turn));
      if (outcome.ok) return caseCard(outcome.snapshot, turn, { headline: `Sent again to ${outcome.snapshot.approver.name}.` });
      if (!outcome.snapshot || !canSee(outcome.snapshot, turn.actor)) return unavailable(reference);
      // The form is checked before the person: someone else's failed form is a refusal, not their form to fix.
      if (outcome.fieldErrors && outcome.snapshot.requester.id !== turn.actor.id) {
        refused(turn, reference, 'forbidden');
        return caseCard(outcome.snapshot, turn, { notice: `Only ${outcome.snapshot.requester.name} can edit ${reference}.` });
      }
      if (outcome.fieldErrors) return formCard(turn, { input, errors: outcome.fieldErrors, editing: outcome.snapshot });
      return caseCard(outcome.snapshot, turn, { notice: outcome.message });
    },
    'accessRequest.edit': async (turn) => {
      const reference = parseReference(turn.data.reference);
      const request = reference ? await service.loadFor(reference, turn.actor, turn.verb) : undefined;
      if (!request || !reference) return unavailable(reference ?? 'that request');
      if (request.requester.id !== turn.actor.id || request.state !== 'info_requested') {
        refused(turn, reference, request.requester.id !== turn.actor.id ? 'forbidden' : 'wrong_state');
        return caseCard(request, turn, { notice: 'Only the requester can edit a request, and only when more information was asked for.' });
      }
      return formCard(turn, { editing: request });
    },
    'accessRequest.reassign': async (turn) => {
      const request = await requesterRequest(turn);
      if (!request) return unavailable('that request');
      return reassignCard(turn, request);
    },
    'accessRequest.changeApprover': async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (!reference) return unavailable('that request');
      const chosen = { picked: turn.data.approverSearch, listed: turn.data.approver };
      const outcome = await service.changeApprover(reference, turn.actor, turn.now, chosen, clickedCard(turn));
      if (outcome.ok) {
        return caseCard(outcome.snapshot, turn, outcome.changed ? { headline: `Sent to ${outcome.snapshot.approver.name} instead.` } : {});
      }
      if (!outcome.snapshot || !canSee(outcome.snapshot, turn.actor)) return unavailable(reference);
      if (outcome.fieldErrors && outcome.snapshot.requester.id !== turn.actor.id) {
        refused(turn, reference, 'forbidden');
        return caseCard(outcome.snapshot, turn, { notice: `Only ${outcome.snapshot.requester.name} can change the approver of ${reference}.` });
      }
      if (outcome.fieldErrors) return reassignCard(turn, outcome.snapshot, outcome.fieldErrors.approver ?? outcome.message);
      return caseCard(outcome.snapshot, turn, { notice: outcome.message });
    },
    'accessRequest.renew': async (turn) => {
      const request = await requesterRequest(turn);
      if (!request) return unavailable('that request');
      const today = workingTime.londonDate(turn.now);
      const dayAfterEnd = addDays(request.details.endDate, 1);
      return formCard(turn, {
        input: {
          sites: request.details.sites.join(','), otherSite: request.details.otherSite ?? '', kind: request.details.kind,
          businessCase: request.details.businessCase, startDate: dayAfterEnd > today ? dayAfterEnd : today, approver: request.approver.id,
        },
      });
    },
    'accessRequest.approve': decision((turn) => ({ type: 'approve', comment: comment(turn) })),
    'accessRequest.reject': decision((turn) => ({ type: 'reject', comment: comment(turn) })),
    'accessRequest.requestInfo': decision((turn) => ({ type: 'requestInfo', comment: comment(turn) })),
    'accessRequest.commsSignOff': decision((turn) => ({ type: 'commsSignOff', comment: comment(turn) })),
    'accessRequest.commsReject': decision((turn) => ({ type: 'commsReject', comment: comment(turn) })),
    'accessRequest.withdraw': decision(() => ({ type: 'withdraw' })),
    'accessRequest.revoke': decision((turn) => ({ type: 'revoke', comment: comment(turn) })),
    'accessRequest.refresh': (turn) => showCase(turn, parseReference(turn.data.reference)),
    'form.cancel': async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (reference) return showCase(turn, reference, true);
      return noticeCard(renderer, { title: 'Request cancelled', message: 'Nothing was sent. Type "request access" to start again.' });
    },
  };

  const commands: readonly Command[] = [
    { pattern: /^(request( social media)? access|new (access )?request|access request|ask for access)$/, handle: async (turn) => replyWithCard(turn.context, await formCard(turn)) },
    { pattern: /^(my requests|my access requests|status)$/, handle: async (turn) => replyWithCard(turn.context, await actions['menu.myRequests']!({ ...turn, data: {} })) },
  ];

  return { actions, commands, viewer: { prefix: 'AR' as const, show: showCase, stateLabel: labelFor } };
}

function labelFor(state: string) {
  return STATE_LABELS[state as AccessRequest['state']] ?? { label: state, color: 'default' };
}
