import type { Clause, TakedownState } from './model';

/** Appendix 1 of the policy, "Guidelines for Staff": what a post can breach. */
export const CLAUSE_LABELS: Readonly<Record<Clause, string>> = {
  disparaging_or_defamatory: 'Disparaging or defamatory statements (Appendix 1, section 1)',
  offensive_or_discriminatory: 'Offensive or discriminatory content (section 1)',
  confidential_information: 'Confidential information (section 2)',
  about_stakeholders: 'Information about tenants, customers, partners or stakeholders (section 1)',
  logos_brands_trademarks: 'Use of the Group\'s logos, brands or trademarks (section 3)',
  copyright: 'Copyright',
  identifying_people: 'Identifying people without their approval',
  bullying_or_harassment: 'Bullying or harassment (section 1)',
  disrepute: 'Bringing the Group into disrepute (section 7)',
  other: 'Other breach of the policy',
};

export const TAKEDOWN_STATE_LABELS: Readonly<Record<TakedownState, { label: string; color: 'accent' | 'good' | 'warning' | 'attention' | 'default' }>> = {
  issued: { label: 'Issued: waiting for the recipient', color: 'warning' },
  acknowledged: { label: 'Seen: waiting for the post to be removed', color: 'warning' },
  removal_confirmed: { label: 'Removal confirmed: waiting for verification', color: 'accent' },
  verified: { label: 'Closed: removal verified', color: 'good' },
  reopened: { label: 'Reopened: the post is still visible', color: 'attention' },
  disputed: { label: 'Disputed: waiting for the Communications Team', color: 'accent' },
  upheld: { label: 'Upheld: the post must be removed', color: 'attention' },
  withdrawn: { label: 'Withdrawn', color: 'default' },
  overdue: { label: 'Overdue: escalated to the line manager', color: 'attention' },
};
