import type { ConcernAbout, ConcernEvent, ConcernOutcome, ConcernState, NoActionReason } from './model';

type Color = 'accent' | 'good' | 'warning' | 'attention' | 'default';

export const CONCERN_STATE_LABELS: Readonly<Record<ConcernState, { label: string; color: Color }>> = {
  raised: { label: 'Raised: waiting for the Communications Team', color: 'warning' },
  takedown: { label: 'Closed: a takedown notice', color: 'good' },
  customer_post: { label: 'Closed: on the customer posts desk', color: 'good' },
  moderated: { label: 'Closed: moderated', color: 'good' },
  abuse_suggested: { label: 'Closed: reporting abuse suggested', color: 'accent' },
  no_action: { label: 'Closed: no action needed', color: 'default' },
};

export const ABOUT_LABELS: Readonly<Record<ConcernAbout, string>> = {
  colleague: 'A colleague',
  customer: 'A customer or member of the public',
  group_page: 'The Group\'s own page',
  policy: 'A question about the Social Media Policy',
};

/** Reasons in general terms: the member of staff who raised the concern is told the one chosen. */
export const NO_ACTION_LABELS: Readonly<Record<NoActionReason, string>> = {
  within_policy: 'the post does not breach the Social Media Policy',
  already_removed: 'the post has already been removed',
  already_in_hand: 'the Communications Team was already dealing with it',
  // "The Communications Team continues to monitor the social media reaction. They then intervene if and when it is right to do so."
  monitoring: 'the Communications Team is watching the reaction and will step in if it is right to',
  not_ours: 'it is not something the Group can act on',
};

/** What the raiser is told: the outcome in general terms, never who the post was by or about, never the team's own words. */
export function outcomeForRaiser(outcome: ConcernOutcome, reason?: NoActionReason): string {
  switch (outcome) {
    case 'takedown': return 'The Communications Team has asked for the post you raised to be removed.';
    case 'customer_post': return 'The Communications Team has dealt with the post you raised: it is on their desk to respond to.';
    case 'moderated': return 'The Communications Team has dealt with the post you raised.';
    case 'abuse_suggested': return 'The Communications Team suggests you report the post as abuse aimed at you: press "Report abuse". It is confidential, and support is offered.';
    case 'no_action': return `The Communications Team has looked at the post you raised: no action was needed: ${reason ? NO_ACTION_LABELS[reason] : 'it needs nothing more'}.`;
  }
}

/** The outcome as the Communications Team reads it on the card and in lists. */
export const OUTCOME_FOR_COMMS: Readonly<Record<ConcernOutcome, string>> = {
  takedown: 'Closed: to be followed as a takedown notice.',
  customer_post: 'Closed: to be logged and answered as a customer post.',
  moderated: 'Closed: the post was moderated.',
  abuse_suggested: 'Closed: the member of staff was asked to report it as abuse.',
  no_action: 'Closed: no action needed.',
};

export const STEP_WORDS: Readonly<Record<ConcernEvent['type'], string>> = {
  ConcernRaised: 'Raised',
  ReferredToTakedown: 'Referred for a takedown notice',
  ReferredToCustomerPost: 'Taken onto the customer posts desk',
  ModerationRecorded: 'Moderated',
  AbuseReportSuggested: 'Suggested reporting it as abuse',
  ClosedWithoutAction: 'Closed with no action',
  InformationReceived: 'Information',
};
