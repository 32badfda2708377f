import { caseListCard } from '../../cards/case-list';
import { messageCard } from '../../cards/message-card';
import type { AdaptiveCardJson } from '../../cards/render';
import type { CaseService } from '../../cases/case-service';
import type { StepMessage, CaseAction, CaseActionHandler, WorkflowTools } from '../../cases/definition';
import type { TransitionOutcome } from '../../cases/transition';
import { findChosenPerson } from '../../directory/person-lookup';
import { managerChoices } from '../../directory/people-choices';
import { addDays } from '../../domain/calendar-date';
import { reject, Rejection } from '../../domain/outcome';
import type { Actor } from '../../domain/people';
import { parseReference } from '../../domain/references';
import { logRefusal } from '../../logger';
import type { AccessRequestFormInput } from './form';
import { accessRequestForm } from './form-card';
import { AccessRequest, AccessRequestCommand, decide } from './model';
import { approverChangeFor, Submission, submissionFrom } from './submission';

/** "My requests": every request the person made, open or closed. */
export function myRequests(tools: WorkflowTools, actor: Actor) {
  return tools.inbox.list(actor.id, { role: 'requester' });
}

type Service = CaseService<AccessRequest, AccessRequestCommand>;

/** The access-request verbs that show rather than decide, or that need more than a card's inputs (the form, the directory). */
export function accessRequestActions(tools: WorkflowTools, service: Service): Record<string, CaseActionHandler> {
  const { renderer, directory, workingTime } = tools;
  const form = accessRequestForm(tools);
  const caseCard = (request: AccessRequest, action: CaseAction, notice?: StepMessage) => service.definition.caseCard(request, action.actor, action.now, notice);
  const unavailable = (reference?: string) => messageCard(renderer, { title: 'Not available', message: service.definition.notFound(reference), style: 'warning' });
  /** Logs a refusal decided here rather than by the case service (which logs its own). */
  const refused = (action: CaseAction, reference: string, code: 'forbidden' | 'wrong_state') =>
    logRefusal(tools.logger, { reference, verb: action.verb, actorId: action.actor.id, code });

  /** The request, if the clicking person is its requester; to anyone else it is hidden. */
  async function requesterRequest(action: CaseAction): Promise<AccessRequest | undefined> {
    const reference = parseReference(action.data.reference);
    const request = reference ? await service.loadFor(reference, action.actor, action.verb) : undefined;
    if (!request || request.requester.id === action.actor.id) return request;
    refused(action, request.reference, 'forbidden');
    return undefined;
  }

  /** The request, if the clicking person may choose another approver for it (the model says when: `changeApprover`). */
  async function requestToReassign(action: CaseAction): Promise<AccessRequest | undefined> {
    const reference = parseReference(action.data.reference);
    const request = reference ? await service.loadFor(reference, action.actor, action.verb) : undefined;
    if (!request || request.requester.id === action.actor.id || request.approver.id === action.actor.id) return request;
    refused(action, request.reference, 'forbidden');
    return undefined;
  }

  async function reassignCard(action: CaseAction, request: AccessRequest, error = ''): Promise<AdaptiveCardJson> {
    const passing = request.approver.id === action.actor.id;
    const people = (await directory.everyone()).filter((person) => person.id !== request.approver.id && (!passing || person.id !== request.requester.id));
    return renderer.render('access-request-reassign', {
      reference: request.reference,
      intro: passing
        ? `${request.reference} is waiting for your decision. Choose who should decide instead; they will get the request and ${request.requester.name} will be told.`
        : `${request.reference} is waiting for ${request.approver.name}. Choose who should decide instead; they will get the request and ${request.approver.name} will be told.`,
      approverChoices: managerChoices(people, action.actor), approverValue: '', error,
    });
  }

  /** The edited form, checked as a new request would be before it goes to the case. */
  async function checkedSubmission(reference: string, action: CaseAction): Promise<Submission | Rejection> {
    const submission = await submissionFrom(action.data as AccessRequestFormInput, action.actor, action.now, tools);
    if (!('type' in submission)) return submission;
    const dryRun = decide(undefined, { ...submission, reference }, { actor: action.actor, now: action.now });
    return dryRun.ok ? submission : dryRun;
  }

  /** Edits a request sent back for more information, and sends it to the (possibly new) approver. */
  async function resubmit(reference: string, action: CaseAction): Promise<TransitionOutcome<AccessRequest>> {
    const checked = await checkedSubmission(reference, action);
    if (!('type' in checked)) {
      const current = await service.loadFor(reference, action.actor, 'accessRequest.resubmit');
      return current ? { ...checked, snapshot: current } : checked;
    }
    const { type: _submit, reference: _reference, ...resubmission } = checked;
    return service.act(reference, { ...resubmission, type: 'resubmit' }, action.actor, action.now, action.origin);
  }

  /** The requester hands a request that waits too long to another approver (DESIGN.md: after escalation), chosen as on the form. */
  async function changeApprover(reference: string, action: CaseAction): Promise<TransitionOutcome<AccessRequest>> {
    const chosen = await findChosenPerson(directory, action.data.approverSearch, action.data.approver);
    if (!chosen) {
      const current = await service.loadFor(reference, action.actor, 'accessRequest.changeApprover');
      const refusal = reject('invalid', 'Choose the new approver from the list.', { approver: 'Choose the new approver from the list.' });
      return current ? { ...refusal, snapshot: current } : refusal;
    }
    // Where the new approver stands is always to the requester, whoever chooses them.
    const requester = (await service.load(reference))?.requester;
    const change = await approverChangeFor(tools, requester ? { ...requester, roles: [] } : action.actor, { id: chosen.id, name: chosen.name }, action.now);
    return service.act(reference, { type: 'changeApprover', ...change }, action.actor, action.now, action.origin);
  }

  return {
    'menu.requestAccess': (action) => form(action),
    'menu.myRequests': async (action) => caseListCard(
      renderer, 'My access requests', await myRequests(tools, action.actor), service.definition.rules.stateLabel,
      'You have not asked for access yet. Type "request access" to start.', 'case.show', 'myRequests',
    ),
    'accessRequest.resubmit': async (action) => {
      const reference = parseReference(action.data.reference);
      if (!reference) return unavailable();
      const outcome = await resubmit(reference, action);
      if (outcome.ok) return caseCard(outcome.snapshot, action, { headline: `Sent again to ${outcome.snapshot.approver.name}.` });
      if (!outcome.snapshot || !service.definition.workflow.canSee(outcome.snapshot, action.actor)) return unavailable(reference);
      // The form is checked before the person: someone else's failed form is a refusal, not their form to fix.
      if (outcome.fieldErrors && outcome.snapshot.requester.id !== action.actor.id) {
        refused(action, reference, 'forbidden');
        return caseCard(outcome.snapshot, action, { notice: `Only ${outcome.snapshot.requester.name} can edit ${reference}.` });
      }
      if (outcome.fieldErrors) return form(action, { input: action.data as AccessRequestFormInput, errors: outcome.fieldErrors, editing: outcome.snapshot });
      return caseCard(outcome.snapshot, action, { notice: outcome.message });
    },
    'accessRequest.edit': async (action) => {
      const reference = parseReference(action.data.reference);
      const request = reference ? await service.loadFor(reference, action.actor, action.verb) : undefined;
      if (!request || !reference) return unavailable(reference);
      if (request.requester.id !== action.actor.id || request.state !== 'info_requested') {
        refused(action, reference, request.requester.id !== action.actor.id ? 'forbidden' : 'wrong_state');
        return caseCard(request, action, { notice: 'Only the requester can edit a request, and only when more information was asked for.' });
      }
      return form(action, { editing: request });
    },
    'accessRequest.reassign': async (action) => {
      const request = await requestToReassign(action);
      return request ? reassignCard(action, request) : unavailable();
    },
    'accessRequest.changeApprover': async (action) => {
      const reference = parseReference(action.data.reference);
      if (!reference) return unavailable();
      const outcome = await changeApprover(reference, action);
      if (outcome.ok) return caseCard(outcome.snapshot, action, outcome.changed ? { headline: `Sent to ${outcome.snapshot.approver.name} instead.` } : {});
      if (!outcome.snapshot || !service.definition.workflow.canSee(outcome.snapshot, action.actor)) return unavailable(reference);
      if (outcome.fieldErrors && outcome.snapshot.requester.id !== action.actor.id && outcome.snapshot.approver.id !== action.actor.id) {
        refused(action, reference, 'forbidden');
        return caseCard(outcome.snapshot, action, { notice: `Only ${outcome.snapshot.approver.name}, or ${outcome.snapshot.requester.name} once it has been escalated, can change the approver of ${reference}.` });
      }
      if (outcome.fieldErrors) return reassignCard(action, outcome.snapshot, outcome.fieldErrors.approver ?? outcome.message);
      return caseCard(outcome.snapshot, action, { notice: outcome.message });
    },
    'accessRequest.renew': async (action) => {
      const request = await requesterRequest(action);
      if (!request) return unavailable();
      const today = workingTime.londonDate(action.now);
      const dayAfterEnd = addDays(request.details.endDate, 1);
      return form(action, {
        input: {
          sites: request.details.sites.join(','), otherSite: request.details.otherSite ?? '', kind: request.details.kind,
          businessCase: request.details.businessCase, startDate: dayAfterEnd > today ? dayAfterEnd : today, approver: request.approver.id,
        },
      });
    },
    'form.cancel': async (action) => {
      const reference = parseReference(action.data.reference);
      if (!reference) return messageCard(renderer, { title: 'Request cancelled', message: 'Nothing was sent. Type "request access" to start again.' });
      const request = await service.show(action, reference, true);
      return request ? caseCard(request, action) : unavailable(reference);
    },
  };
}
