import type { CardRenderer } from '../../cards/render';
import type { CasePresenter } from '../../cases/presenter';
import type { Participant } from '../../domain/effects';
import { platformName } from '../../domain/platforms';
import { teamInbox } from '../../store/inbox';
import { canSeeConcern, Concern } from './model';
import { concernCardView, nextStep } from './view';

/** The raiser, and the Communications Team's queue (role `concern`, so its lists can ask for concerns alone). */
export function concernParticipants(concern: Concern): Participant[] {
  return [
    { userId: concern.raiser.id, role: 'raiser' },
    { userId: teamInbox('comms'), role: 'concern' },
  ];
}

export function concernPresenter(renderer: CardRenderer): CasePresenter<Concern> {
  return {
    card(concern, viewer, now, headline) {
      if (!canSeeConcern(concern, viewer)) {
        return renderer.render('message', { title: 'Not available', message: 'This concern is not yours to see.', style: 'emphasis', hint: '' });
      }
      return renderer.render('concern', concernCardView(concern, viewer, now, headline ? { headline } : {}));
    },
    inboxEntries(concern) {
      // No free text and no names: the site, and where the concern stands in words each side may read.
      const summary = `Concern: a post on ${platformName(concern.details.platform, concern.details.platformOther)}`;
      return concernParticipants(concern).map(({ userId, role }) => ({
        userId, role, reference: concern.reference, state: concern.state, summary,
        nextStep: nextStep(concern, role === 'concern'),
        awaitingMe: role === 'concern' && concern.state === 'raised',
      }));
    },
    // Nobody waits on the raiser; the team is told as a team.
    undeliverable: () => undefined,
  };
}
