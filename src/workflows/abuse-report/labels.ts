import type { AbuseReportState, Category, Outcome, Source } from './model';

/** How categories, sources, outcomes and states read on cards and in the register export. */
export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  threat: 'Threat', abuse: 'Abuse', harassment: 'Harassment',
  safeguarding: 'Safeguarding concern about another site user', social_engineering: 'Social engineering attempt', other: 'Other',
};

export const SOURCE_LABELS: Readonly<Record<Source, string>> = {
  tenant_or_customer: 'A tenant or customer', colleague: 'A colleague', member_of_public: 'A member of the public', unknown: 'Unknown',
};

export const OUTCOME_LABELS: Readonly<Record<Outcome, string>> = {
  unacceptable_actions_policy: 'Unacceptable Actions Policy applied', dignity_at_work: 'Dignity at Work policy applied (a colleague)',
  hr_referral: 'Referred to HR (a colleague)', police_referral: 'Referred to the police',
  no_further_action: 'No further action', other: 'Other',
};

export const ABUSE_REPORT_STATE_LABELS: Readonly<Record<AbuseReportState, { label: string; color: 'accent' | 'good' | 'warning' | 'attention' | 'default' }>> = {
  reported: { label: 'Reported: waiting for the line manager', color: 'warning' },
  acknowledged: { label: 'Acknowledged by the line manager', color: 'accent' },
  investigating: { label: 'Being investigated by the Incident team', color: 'accent' },
  closed: { label: 'Closed', color: 'good' },
};

/** Shown before anything else when the reporter is in immediate danger. */
export const EMERGENCY_ADVICE = 'If you are in immediate danger, call 999 now. Your report is recorded and marked urgent, but it is not an emergency service.';
