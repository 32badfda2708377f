import type { CommandContext } from '../../domain/decider';
import { accept, assertNever, Decision, reject } from '../../domain/outcome';
import { Actor, hasRole, Person, SYSTEM } from '../../domain/people';

/**
 * Policy acknowledgement campaigns (DESIGN.md 7, issue 15). The policy: "you consent to such monitoring by your
 * acknowledgement of this policy"; staff are made aware "at induction" and through a "mandatory read/check"; the
 * policy "will be reviewed every six months". The Communications Team or an administrator sends a policy version to
 * an audience; each person's card and acknowledgement live in the recipients table (src/store/campaign-recipients.ts),
 * not in this snapshot: ten thousand people acknowledging at once must not queue on one case. This case holds what
 * was sent, to whom, by when, and whether it is still the current one. Pure: no I/O, no clock.
 */
export const AUDIENCES = ['everyone', 'department', 'newStarters'] as const;
export type AudienceKind = (typeof AUDIENCES)[number];
export interface Audience {
  readonly kind: AudienceKind;
  /** For `department`: as Entra ID names it (the directory sync). */
  readonly department?: string;
}

export interface CampaignDetails {
  readonly policyVersion: string;
  readonly title: string;
  readonly summary: string;
  readonly link: string;
  readonly dueWorkingDays: number;
  readonly audience: Audience;
}

export type CampaignState = 'open' | 'closed';

export interface CampaignStep {
  readonly action: CampaignEvent['type'];
  readonly by: Person;
  readonly at: string;
}

export interface Campaign {
  readonly reference: string;
  readonly state: CampaignState;
  readonly details: CampaignDetails;
  readonly startedBy: Person;
  readonly startedAt: string;
  /** When the reminder goes to those who have not acknowledged (half the working days to the due date, at least one). */
  readonly reminderAt: string;
  /** The due date: the final reminder, which also tells each one's line manager; after it, not acknowledged is overdue. */
  readonly dueAt: string;
  readonly closedAt?: string;
  /** The campaign of a newer policy version that replaced this one. */
  readonly supersededBy?: string;
  readonly history: readonly CampaignStep[];
}

export type CampaignEvent =
  | { type: 'CampaignStarted'; at: string; by: Person; reference: string; details: CampaignDetails; reminderAt: string; dueAt: string; supersedes?: readonly string[] }
  | { type: 'CampaignClosed'; at: string; by: Person }
  | { type: 'CampaignSuperseded'; at: string; by: Person; supersededBy: string };

export type CampaignCommand =
  /** `supersedes`: the open campaigns of another policy version that this one replaces (a new version starts a new campaign). */
  | { type: 'start'; reference: string; details: CampaignDetails; reminderAt: string; dueAt: string; supersedes?: readonly string[] }
  | { type: 'close' }
  /** A newer version's campaign started (an `act` effect of that campaign, so repeated at least once: harmless). */
  | { type: 'supersede'; by: string };

export const VERSION_MAX = 20;
export const TITLE_MAX = 120;
export const SUMMARY_MIN = 20;
export const SUMMARY_MAX = 1000;
export const DUE_DAYS_MIN = 1;
export const DUE_DAYS_MAX = 30;
const HISTORY_KEPT = 20;

/** Who runs campaigns: the Communications Team and administrators. */
export function mayRunCampaigns(actor: Actor): boolean {
  return hasRole(actor, 'comms') || hasRole(actor, 'admin');
}

/**
 * A campaign is an announcement to all staff: anyone may open it (recipients see the policy card). Its progress and
 * the names of who has not acknowledged are for those who run campaigns (actions.ts `campaign.progress`).
 */
export function canSeeCampaign(_campaign: Campaign, _viewer: Actor): boolean {
  return true;
}

export function decide(campaign: Campaign | undefined, command: CampaignCommand, { actor, now }: CommandContext): Decision<CampaignEvent> {
  const at = now.toISOString();
  const by: Person = { id: actor.id, name: actor.name };
  if (command.type === 'start') {
    if (campaign) return reject('wrong_state', `${campaign.reference} has already been started.`);
    if (!mayRunCampaigns(actor)) return reject('forbidden', 'Only the Communications Team or an administrator starts a policy campaign.');
    const supersedes = (command.supersedes ?? []).slice(0, 20);
    return accept({
      type: 'CampaignStarted', at, by, reference: command.reference, details: command.details, reminderAt: command.reminderAt, dueAt: command.dueAt,
      ...(supersedes.length > 0 ? { supersedes } : {}),
    });
  }
  if (!campaign) return reject('not_found', 'I can\'t find that campaign.');
  switch (command.type) {
    case 'close':
      if (!mayRunCampaigns(actor)) return reject('forbidden', 'Only the Communications Team or an administrator closes a campaign.');
      return campaign.state === 'closed' ? accept() : accept({ type: 'CampaignClosed', at, by });
    case 'supersede':
      if (actor.id !== SYSTEM.id) return reject('forbidden', 'A campaign is replaced by starting one for a newer version.');
      return campaign.state === 'closed' ? accept() : accept({ type: 'CampaignSuperseded', at, by, supersededBy: command.by });
    default: return assertNever(command);
  }
}

export function evolve(campaign: Campaign | undefined, event: CampaignEvent): Campaign {
  const step = { action: event.type, by: event.by, at: event.at };
  if (event.type === 'CampaignStarted') {
    return {
      reference: event.reference, state: 'open', details: event.details, startedBy: event.by, startedAt: event.at,
      reminderAt: event.reminderAt, dueAt: event.dueAt, history: [step],
    };
  }
  if (!campaign) throw new Error(`${event.type} cannot start a campaign`);
  const history = [...campaign.history, step].slice(-HISTORY_KEPT);
  switch (event.type) {
    case 'CampaignClosed': return { ...campaign, state: 'closed', closedAt: event.at, history };
    case 'CampaignSuperseded': return { ...campaign, state: 'closed', closedAt: event.at, supersededBy: event.supersededBy, history };
    default: return assertNever(event);
  }
}

/** Whether a campaign is the one new starters get: open, and to everyone or to new starters (a department's is its own). */
export function isForNewStarters(campaign: Campaign): boolean {
  return campaign.state === 'open' && campaign.details.audience.kind !== 'department';
}
