import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import type { StepMessage } from '../../cases/definition';
import type { CasePresenter } from '../../cases/presenter';
import type { Participant } from '../../domain/effects';
import { Actor, samePerson } from '../../domain/people';
import type { WorkingTime } from '../../domain/working-time';
import { canSeeRequest, InformationRequest, isOpen, NOT_FOUND } from './model';
import { infoRequestCardView, nextStep } from './view';

/** The colleague asked now, the asker, and the colleague's line manager while the answer is overdue. */
export function infoRequestParticipants(request: InformationRequest): Participant[] {
  return [
    { userId: request.colleague.id, role: 'colleague' },
    { userId: request.asker.id, role: 'asker' },
    ...(request.manager && request.state === 'overdue' ? [{ userId: request.manager.id, role: 'manager' }] : []),
  ];
}

/**
 * The question's card for `viewer`. Someone who passed it on no longer sees it: their copy says so, without the
 * question; anyone else without a part is told it does not exist.
 */
export function infoRequestCard(renderer: CardRenderer, workingTime: WorkingTime) {
  return (request: InformationRequest, viewer: Actor, now: Date, notice: StepMessage = {}): AdaptiveCardJson => {
    if (canSeeRequest(request, viewer)) return renderer.render('info-request', infoRequestCardView(request, viewer, now, workingTime, notice));
    const passedOn = request.history.some((step) => step.action === 'PassedOn' && samePerson(step.by, viewer));
    return renderer.render('message', passedOn
      ? { title: 'Passed on', message: 'You passed this question on to a colleague: nothing more is needed from you. Thank you.', style: 'good', hint: '' }
      : { title: 'Not available', message: NOT_FOUND, style: 'emphasis', hint: '' });
  };
}

export function infoRequestPresenter(renderer: CardRenderer, workingTime: WorkingTime): CasePresenter<InformationRequest> {
  const card = infoRequestCard(renderer, workingTime);
  return {
    card: (request, viewer, now, headline) => card(request, viewer, now, headline ? { headline } : {}),
    inboxEntries(request, now) {
      const common = { reference: request.reference, state: request.state, nextStep: nextStep(request, now, workingTime), ...(isOpen(request) ? { dueAt: request.dueAt } : {}) };
      return infoRequestParticipants(request).map(({ userId, role }) => ({
        ...common, userId, role,
        summary: role === 'colleague' ? `Question from ${request.asker.name}` : `Question to ${request.colleague.name}`,
        awaitingMe: role === 'colleague' && isOpen(request),
      }));
    },
    undeliverable(request, unreachable) {
      if (unreachable.id !== request.colleague.id) return undefined;
      return {
        to: request.asker,
        message: `I couldn't reach ${request.colleague.name} in Teams (the app may not be installed for them). Please contact them directly about ${request.reference}.`,
      };
    },
  };
}
