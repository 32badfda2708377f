import type { AdaptiveCardJson } from '../cards/render';
import type { Actor, Person } from '../domain/people';
import type { InboxEntry } from '../store/inbox';

/**
 * How one workflow shows its cases, for the work done after a transition: the card each person sees,
 * their inbox lines, and who to tell when a notification cannot be delivered.
 */
export interface CasePresenter<S = unknown> {
  card(snapshot: S, viewer: Actor, now: Date, headline?: string): AdaptiveCardJson;
  inboxEntries(snapshot: S, now: Date): Omit<InboxEntry, 'updatedAt'>[];
  /** Someone waiting on `unreachable`, and what to tell them; undefined if nobody needs to know. */
  undeliverable(snapshot: S, unreachable: Person): { to: Person; message: string } | undefined;
  /** The line sent to an outside register by a `webhook` effect (AINM records). */
  registerRow?(snapshot: S): object;
}
