import type { Person, TeamRole } from './people';

/** Someone's part in a case, e.g. `{ userId, role: 'approver' }`: their inbox row is keyed by it. */
export interface Participant {
  readonly userId: string;
  readonly role: string;
}

/**
 * Who a notification goes to: a person, or every member of a team (Comms, Incident team) except the
 * people listed, who have a part in the case that rules them out (e.g. a Comms member's own request).
 */
export type Recipient = { readonly person: Person } | { readonly role: TeamRole; readonly except?: readonly string[] };

/**
 * What a transition asks to happen after it is stored. Effects are written to the case's outbox in the
 * same transaction as the transition and carried out at least once afterwards, so none is lost.
 */
export type Effect =
  /** Send the case card to someone, with a line saying why they are getting it. */
  | { readonly kind: 'notify'; readonly to: Recipient; readonly headline: string }
  /** A reminder, escalation or expiry, fired by the scheduler at `dueAt` (ISO instant). */
  | { readonly kind: 'timer'; readonly timer: string; readonly dueAt: string; readonly basis?: string }
  /**
   * Rewrite the inbox rows (my cases, awaiting me) of the case's people, and of those who no longer have a part.
   * `opened`: the transition opened the case (the dashboard's statistics then need not look for a summary of it).
   */
  | { readonly kind: 'inbox'; readonly formerParticipants: readonly Participant[]; readonly opened?: true }
  /**
   * Update every copy of the case card already sent, so each shows the current state; except the copy
   * the actor clicked, which the answer to their click has already replaced.
   */
  | { readonly kind: 'refreshCards'; readonly except?: CardLocation }
  /** Tell an outside register (the Group's AINM system) the case's current state, if one is configured. */
  | { readonly kind: 'webhook' }
  /**
   * Another case takes a step because of this one (a colleague's answer lands on the customer post that asked):
   * a system command on `reference`, carried out at least once, so the command must be harmless to repeat.
   */
  | { readonly kind: 'act'; readonly reference: string; readonly command: { readonly type: string } };

/** Where one message with a card is. */
export interface CardLocation {
  readonly conversationId: string;
  readonly activityId: string;
}
