import { teamInbox } from '../../store/inbox';
import { platformName } from '../../domain/platforms';
import type { CardRenderer } from '../../cards/render';
import type { Participant } from '../../domain/effects';
import type { WorkingTime } from '../../domain/working-time';
import type { CasePresenter } from '../../cases/presenter';
import { canSeeNotice, TakedownNotice } from './model';
import { nextStep, takedownCardView } from './view';

export function takedownParticipants(notice: TakedownNotice): Participant[] {
  return [
    { userId: notice.recipient.id, role: 'recipient' },
    { userId: teamInbox('comms'), role: 'takedown' },
    ...(notice.manager && notice.state === 'overdue' ? [{ userId: notice.manager.id, role: 'manager' }] : []),
  ];
}

const OPEN_FOR_RECIPIENT: readonly TakedownNotice['state'][] = ['issued', 'acknowledged', 'reopened', 'upheld', 'overdue'];

export function takedownPresenter(renderer: CardRenderer, workingTime: WorkingTime): CasePresenter<TakedownNotice> {
  return {
    card(notice, viewer, now, headline) {
      if (!canSeeNotice(notice, viewer)) {
        return renderer.render('message', { title: 'Not available', message: 'This takedown notice is not yours to see.', style: 'emphasis', hint: '' });
      }
      return renderer.render('takedown', takedownCardView(notice, viewer, now, workingTime, headline ? { headline } : {}));
    },
    inboxEntries(notice, now) {
      const platform = platformName(notice.details.platform, notice.details.platformOther);
      const common = {
        reference: notice.reference, state: notice.state, summary: `Takedown: a post on ${platform}`,
        nextStep: nextStep(notice, now, workingTime), dueAt: notice.deadline,
      };
      return takedownParticipants(notice).map(({ userId, role }) => ({
        ...common, userId, role,
        awaitingMe: role === 'recipient' ? OPEN_FOR_RECIPIENT.includes(notice.state) : role === 'takedown' && !['verified', 'withdrawn'].includes(notice.state),
      }));
    },
    undeliverable(notice, unreachable) {
      if (unreachable.id !== notice.recipient.id) return undefined;
      return {
        to: notice.issuer,
        message: `I couldn't reach ${notice.recipient.name} in Teams (the app may not be installed for them). Please contact them directly about ${notice.reference}.`,
      };
    },
  };
}
