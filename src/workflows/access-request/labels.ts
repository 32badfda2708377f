import { PLATFORM_LABELS } from '../../domain/platforms';
import { formatLocalDate } from '../../domain/london-time';
import type { AccessKind, AccessRequestDetails, AccessRequestState } from './model';

/** How sites, kinds and states read on cards and in messages. */
export const KIND_LABELS: Readonly<Record<AccessKind, string>> = {
  view: 'View during working hours',
  post: 'Post on the Group\'s behalf',
};

export const STATE_LABELS: Readonly<Record<AccessRequestState, { label: string; color: 'accent' | 'good' | 'warning' | 'attention' | 'default' }>> = {
  submitted: { label: 'Waiting for approval', color: 'accent' },
  info_requested: { label: 'More information needed', color: 'warning' },
  awaiting_comms: { label: 'Waiting for Communications Team sign-off', color: 'accent' },
  active: { label: 'Active', color: 'good' },
  rejected: { label: 'Rejected', color: 'attention' },
  withdrawn: { label: 'Withdrawn', color: 'default' },
  revoked: { label: 'Revoked', color: 'attention' },
  expired: { label: 'Expired', color: 'default' },
};

export function sitesLabel(details: Pick<AccessRequestDetails, 'sites' | 'otherSite'>): string {
  return details.sites.map((site) => (site === 'other' && details.otherSite ? details.otherSite : PLATFORM_LABELS[site])).join(', ');
}

/** "view access to Facebook, LinkedIn": a summary without free text beyond the site names. */
export function accessSummary(details: AccessRequestDetails): string {
  return `${details.kind === 'post' ? 'posting' : 'view'} access to ${sitesLabel(details)}`;
}

export function periodLabel(details: Pick<AccessRequestDetails, 'startDate' | 'endDate'>): string {
  return `${formatLocalDate(details.startDate)} to ${formatLocalDate(details.endDate)}`;
}
