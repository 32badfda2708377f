import { teamInbox } from '../../store/inbox';
import type { CardRenderer } from '../../cards/render';
import type { Participant } from '../../domain/effects';
import type { WorkingTime } from '../../domain/working-time';
import type { CasePresenter } from '../../cases/presenter';
import { AccessRequest } from './model';
import { accessRequestCardView, accessRequestSummary, canSeeAccessRequest, nextStep } from './view';

/** Everyone with a part in a request, keyed as their inbox rows are. */
export function accessRequestParticipants(request: AccessRequest): Participant[] {
  return [
    { userId: request.requester.id, role: 'requester' },
    { userId: request.approver.id, role: 'approver' },
    ...(request.lineManager ? [{ userId: request.lineManager.id, role: 'line_manager' }] : []),
    // The approver named but away sees the request their delegate decides.
    ...(request.actingFor && request.actingFor.id !== request.lineManager?.id ? [{ userId: request.actingFor.id, role: 'delegated_by' }] : []),
    { userId: teamInbox('comms'), role: 'register' },
  ];
}

const AWAITING: Readonly<Record<string, AccessRequest['state']>> = {
  requester: 'info_requested', approver: 'submitted', register: 'awaiting_comms',
};

export function accessRequestPresenter(renderer: CardRenderer, workingTime: WorkingTime): CasePresenter<AccessRequest> {
  return {
    card(request, viewer, now, headline) {
      if (!canSeeAccessRequest(request, viewer)) {
        // A replaced approver's old copy must stop showing the request once it is no longer theirs.
        return renderer.render('message', {
          title: request.reference, message: 'This request has moved to another approver: nothing is needed from you.', style: 'emphasis', hint: '',
        });
      }
      return renderer.render('access-request', accessRequestCardView(request, viewer, now, workingTime, headline ? { headline } : {}));
    },
    inboxEntries(request) {
      const common = { reference: request.reference, state: request.state, summary: accessRequestSummary(request), nextStep: nextStep(request, workingTime) };
      return accessRequestParticipants(request).map(({ userId, role }) => ({ ...common, userId, role, awaitingMe: AWAITING[role] === request.state }));
    },
    undeliverable(request, unreachable) {
      if (unreachable.id !== request.approver.id || request.state !== 'submitted') return undefined;
      return {
        to: request.requester,
        message: `I couldn't reach ${request.approver.name} in Teams (the app may not be installed for them). Let them know, or withdraw and choose another approver.`,
      };
    },
  };
}
