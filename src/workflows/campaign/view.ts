import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import type { DirectoryPerson } from '../../directory/directory';
import { formatLondonDateTime } from '../../domain/london-time';
import type { Actor } from '../../domain/people';
import type { StoredRecipient } from '../../store/campaign-recipients';
import type { CampaignCards } from './fan-out';
import { Campaign, CampaignDetails, mayRunCampaigns } from './model';
import { CampaignProgress, isOverdue, RECIPIENT_STATE_WORDS } from './progress';

export const AUDIENCE_WORDS = { everyone: 'Everyone', department: 'One department', newStarters: 'New starters (as they join)' } as const;

export function audienceLine(details: CampaignDetails): string {
  return details.audience.kind === 'department' ? `The ${details.audience.department} department` : AUDIENCE_WORDS[details.audience.kind];
}

/** "By acknowledging...": the policy's own words on consent to monitoring. */
export function consentLine(version: string): string {
  return `By acknowledging you confirm that you have read version ${version} of the Social Media Policy and, as the policy says, "you consent to such monitoring by your acknowledgement of this policy".`;
}

const HEADINGS = ['Please read and acknowledge the Social Media Policy', 'Reminder: please acknowledge the Social Media Policy', 'Final reminder: the Social Media Policy is due today'] as const;

/** The card each person gets (the same for everyone: no names, nothing personal), or their own after acknowledging. */
export function acknowledgementView(campaign: Campaign, options: { round?: 0 | 1 | 2; row?: StoredRecipient; notice?: string; noticeStyle?: string } = {}) {
  const acknowledged = options.row?.state === 'acknowledged';
  const open = campaign.state === 'open';
  return {
    reference: campaign.reference,
    heading: acknowledged ? 'Social Media Policy acknowledged' : HEADINGS[options.round ?? 0],
    title: campaign.details.title,
    summary: campaign.details.summary,
    link: campaign.details.link,
    facts: [
      { title: 'Version', value: campaign.details.policyVersion },
      { title: 'Please acknowledge by', value: formatLondonDateTime(campaign.dueAt) },
      { title: 'Reference', value: campaign.reference },
    ],
    consent: consentLine(campaign.details.policyVersion),
    acknowledged: acknowledged ? `You acknowledged version ${options.row?.acknowledgedVersion ?? campaign.details.policyVersion} on ${formatLondonDateTime(options.row?.acknowledgedAt ?? '')}.` : '',
    can: { acknowledge: !acknowledged && open, question: open },
    notice: options.notice ?? '',
    noticeStyle: options.noticeStyle ?? 'good',
  };
}

/** The Communications Team's campaign card, with its progress when it has been counted. */
export function campaignView(campaign: Campaign, viewer: Actor, now: Date, progress?: CampaignProgress, names?: ReadonlyMap<string, string>, notice = '') {
  const superseded = campaign.supersededBy ? `Closed: replaced by ${campaign.supersededBy}` : 'Closed';
  const counts = progress?.counts;
  return {
    reference: campaign.reference,
    title: campaign.details.title,
    stateLabel: campaign.state === 'open' ? 'Open' : superseded,
    stateColor: campaign.state === 'open' ? 'good' : 'default',
    facts: [
      { title: 'Version', value: campaign.details.policyVersion },
      { title: 'Audience', value: audienceLine(campaign.details) },
      { title: 'Started', value: `${campaign.startedBy.name}, ${formatLondonDateTime(campaign.startedAt)}` },
      { title: 'Reminder', value: formatLondonDateTime(campaign.reminderAt) },
      { title: 'Due', value: `${formatLondonDateTime(campaign.dueAt)} (${campaign.details.dueWorkingDays} working days; line managers told then)` },
    ],
    progress: counts && progress ? [
      { title: 'People', value: String(progress.total) },
      { title: 'Queued', value: String(counts.queued + counts.sending) },
      { title: 'Sent', value: String(counts.sent) },
      { title: 'Acknowledged', value: `${counts.acknowledged}${progress.total ? ` (${Math.round((100 * counts.acknowledged) / progress.total)}%)` : ''}` },
      { title: 'Not installed', value: String(counts.notInstalled) },
      { title: 'Failed', value: progress.interrupted ? `${counts.failed} (${progress.interrupted} interrupted: their card goes with the reminder)` : String(counts.failed) },
      { title: 'Overdue', value: String(progress.overdue) },
    ] : [],
    progressNote: progress ? `Counted ${formatLondonDateTime(now)}. Type "campaign ${campaign.reference} csv" for the list as a file.` : 'Press Refresh to count.',
    notReached: progress ? notReachedLine(progress, names) : '',
    can: { close: campaign.state === 'open' && mayRunCampaigns(viewer) },
    notice,
    noticeStyle: 'good',
    refreshUserIds: [viewer.id],
  };
}

const NAMES_SHOWN = 20;

function notReachedLine(progress: CampaignProgress, names?: ReadonlyMap<string, string>): string {
  if (progress.notReached.length === 0) return '';
  const shown = progress.notReached.slice(0, NAMES_SHOWN).map((row) => `${names?.get(row.personId) ?? row.personId} (${RECIPIENT_STATE_WORDS[row.state]})`);
  const more = progress.notReached.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? `, and ${more} more: see the CSV` : ''}.`;
}

/** A line manager's view of one campaign: each of their team once. */
export function teamLines(campaign: Campaign, rows: readonly StoredRecipient[], names: ReadonlyMap<string, string>, now: Date) {
  return {
    title: `${campaign.details.title} (version ${campaign.details.policyVersion}, due ${formatLondonDateTime(campaign.dueAt)})`,
    people: rows.map((row) => ({
      name: names.get(row.personId) ?? 'Someone who has left',
      status: row.state === 'acknowledged'
        ? `acknowledged ${formatLondonDateTime(row.acknowledgedAt ?? '')}`
        : `${RECIPIENT_STATE_WORDS[row.state]}${isOverdue(campaign, row, now) ? ': overdue' : ''}`,
    })),
  };
}

/** The cards the fan-out sends. */
export function campaignCards(renderer: CardRenderer): CampaignCards {
  return {
    forPerson: (campaign, round) => renderer.render('campaign-acknowledgement', acknowledgementView(campaign, { round })),
    forManager(campaign, team): AdaptiveCardJson {
      const outstanding = team as readonly DirectoryPerson[];
      return renderer.render('campaign-team', {
        heading: 'Your team and the Social Media Policy',
        intro: `The due date of ${campaign.reference} has come. These members of your team have not acknowledged it yet: please remind them. Type "team policy" to see your team's status at any time.`,
        campaigns: [{ title: `${campaign.details.title} (version ${campaign.details.policyVersion})`, people: outstanding.map((person) => ({ name: person.name, status: 'not acknowledged' })) }],
      });
    },
  };
}
