import type { Moderation, PostKind, PostState } from './model';

/** The kinds of post the policy names: "customers' complaints, compliments or problems", offensive posts and misinformation. */
export const KIND_LABELS: Readonly<Record<PostKind, string>> = {
  complaint: 'Complaint',
  problem_or_enquiry: 'Problem or enquiry',
  compliment: 'Compliment',
  offensive: 'Offensive',
  misinformation: 'Misinformation',
};

/** The kind inside a sentence ("a complaint on Facebook"). */
export const KIND_PHRASES: Readonly<Record<PostKind, string>> = {
  complaint: 'a complaint',
  problem_or_enquiry: 'a problem or enquiry',
  compliment: 'a compliment',
  offensive: 'an offensive post',
  misinformation: 'misinformation',
};

export const MODERATION_LABELS: Readonly<Record<Moderation, string>> = { hidden: 'Hidden', removed: 'Removed' };

type Colour = 'accent' | 'good' | 'warning' | 'attention' | 'default';

export const POST_STATE_LABELS: Readonly<Record<PostState, { label: string; color: Colour }>> = {
  open: { label: 'Open', color: 'warning' },
  responded: { label: 'Responded: still to resolve', color: 'accent' },
  monitoring: { label: 'Not commenting: monitoring', color: 'accent' },
  resolved: { label: 'Closed: resolved', color: 'good' },
  hidden_or_removed: { label: 'Closed: hidden or removed', color: 'good' },
  handed_to_complaints: { label: 'Closed: handed to the Group Complaints Policy', color: 'default' },
};
