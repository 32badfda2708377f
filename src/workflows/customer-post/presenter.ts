import type { CardRenderer } from '../../cards/render';
import type { CasePresenter } from '../../cases/presenter';
import type { Participant } from '../../domain/effects';
import { platformName } from '../../domain/platforms';
import type { WorkingTime } from '../../domain/working-time';
import { teamInbox } from '../../store/inbox';
import { KIND_LABELS } from './labels';
import { canSeePost, CustomerPost, PostKind } from './model';
import { isClosed } from './steps';
import { customerPostCardView, nextStep } from './view';

/** The inbox roles of a post: the Communications Team's desk, and its owner's own line. */
export const DESK_ROLE = 'customerPost';
export const OWNER_ROLE = 'postOwner';

export function customerPostParticipants(post: CustomerPost): Participant[] {
  return [{ userId: teamInbox('comms'), role: DESK_ROLE }, ...(post.owner ? [{ userId: post.owner.id, role: OWNER_ROLE }] : [])];
}

/** A desk line's summary: the kind first, so the desk can be filtered by kind without reading every post. */
export function deskSummary(kind: PostKind, site: string): string {
  return `${KIND_LABELS[kind]} on ${site}`;
}

export function isOfKind(summary: string, kind: PostKind): boolean {
  return summary.startsWith(`${KIND_LABELS[kind]} on `);
}

export function customerPostPresenter(renderer: CardRenderer, workingTime: WorkingTime): CasePresenter<CustomerPost> {
  return {
    card(post, viewer, now, headline) {
      if (!canSeePost(post, viewer)) {
        return renderer.render('message', { title: 'Not available', message: 'This customer post is not yours to see.', style: 'emphasis', hint: '' });
      }
      return renderer.render('customer-post', customerPostCardView(post, viewer, now, workingTime, headline ? { headline } : {}));
    },
    inboxEntries(post, now) {
      const common = {
        reference: post.reference, state: post.state, summary: deskSummary(post.details.kind, platformName(post.details.platform, post.details.platformOther)),
        nextStep: nextStep(post, now, workingTime), awaitingMe: !isClosed(post), ...(post.clock ? { dueAt: post.clock.dueAt } : {}),
      };
      return customerPostParticipants(post).map(({ userId, role }) => ({ ...common, userId, role }));
    },
    undeliverable(post, unreachable) {
      if (!post.owner || unreachable.id !== post.owner.id || post.loggedBy.id === post.owner.id) return undefined;
      return { to: post.loggedBy, message: `I couldn't reach ${post.owner.name} in Teams about ${post.reference}. Please tell them, or give the post another owner.` };
    },
  };
}
