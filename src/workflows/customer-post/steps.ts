import { formatLondonDateTime } from '../../domain/london-time';
import { reject, Rejection } from '../../domain/outcome';
import { Actor, hasRole } from '../../domain/people';
import { MODERATION_LABELS } from './labels';
import type { CustomerPost, CustomerPostEvent, PostState } from './model';

/** The Communications Team's steps on a post, by the command each button sends. */
export const POST_STEPS = ['assign', 'respond', 'extend', 'resolve', 'monitor', 'moderate', 'handToComplaints', 'reopen'] as const;
export type PostStep = (typeof POST_STEPS)[number];

/** Nothing more happens to these unless the post is reopened (retention counts from here). */
export const CLOSED_STATES: readonly PostState[] = ['resolved', 'hidden_or_removed', 'handed_to_complaints'];

/** The event each step records: a second press of a step already taken is recognised by it. */
export const POST_STEP_EVENTS: Readonly<Record<PostStep, CustomerPostEvent['type']>> = {
  assign: 'OwnerAssigned', respond: 'FirstResponseRecorded', extend: 'CustomerToldLonger', resolve: 'Resolved',
  monitor: 'MonitoringStarted', moderate: 'Moderated', handToComplaints: 'HandedToComplaints', reopen: 'Reopened',
};

export function isClosed(post: CustomerPost): boolean {
  return CLOSED_STATES.includes(post.state);
}

/**
 * Why a step cannot be taken on this post now (its state and kind), or undefined when it can. The model
 * refuses with it and the card offers only the steps it finds nothing against, so no button is dead.
 */
export function refusalFor(post: CustomerPost, step: PostStep): Rejection | undefined {
  if (step === 'reopen') return isClosed(post) ? undefined : reject('wrong_state', `${post.reference} is still open.`);
  if (isClosed(post)) return reject('already_decided', `${post.reference} is closed (${closedPhrase(post)}): reopen it first.`);
  const { kind } = post.details;
  switch (step) {
    case 'assign':
      return undefined;
    case 'respond':
      if (kind === 'offensive') return reject('wrong_state', 'No response is owed to an offensive post: hide or remove it.');
      return post.firstResponse ? reject('already_decided', `The first response was already recorded on ${formatLondonDateTime(post.firstResponse.at)}.`) : undefined;
    case 'extend':
      if (post.clock?.kind === 'resolution') return undefined;
      return reject('wrong_state', kind === 'problem_or_enquiry'
        ? `${post.reference} has no resolution date running now.` : 'Only a problem or enquiry has a resolution date to move.');
    case 'resolve':
      if (kind === 'offensive') return reject('wrong_state', 'An offensive post is hidden or removed, not resolved.');
      return post.clock?.kind === 'firstResponse' ? reject('wrong_state', 'Record the first response first: complaints are answered within 24 hours.') : undefined;
    case 'monitor':
      return kind === 'offensive' ? reject('wrong_state', 'An offensive post is hidden or removed, not monitored.') : undefined;
    case 'moderate':
      return kind === 'offensive' ? undefined : reject('wrong_state', 'Only an offensive post is hidden or removed under the house rules.');
    case 'handToComplaints':
      return kind === 'complaint' ? undefined : reject('wrong_state', 'Only a complaint is handed to the Group Complaints Policy.');
  }
}

/** The steps `viewer` may take on the post now: none for anyone outside the Communications Team. */
export function availableSteps(post: CustomerPost, viewer: Actor): ReadonlySet<PostStep> {
  return new Set(hasRole(viewer, 'comms') ? POST_STEPS.filter((step) => !refusalFor(post, step)) : []);
}

function closedPhrase(post: CustomerPost): string {
  switch (post.state) {
    case 'hidden_or_removed': return `${MODERATION_LABELS[post.moderation?.action ?? 'hidden'].toLowerCase()} under the house rules`;
    case 'handed_to_complaints': return 'handed to the Group Complaints Policy';
    default: return 'resolved';
  }
}
