import type { InformationRequestState } from './model';

export const INFO_REQUEST_STATE_LABELS: Readonly<Record<InformationRequestState, { label: string; color: 'accent' | 'good' | 'warning' | 'attention' | 'default' }>> = {
  asked: { label: 'Asked: waiting for an answer', color: 'warning' },
  overdue: { label: 'Overdue: the line manager was told', color: 'attention' },
  answered: { label: 'Answered', color: 'good' },
  withdrawn: { label: 'Withdrawn', color: 'default' },
};
