import { CaseCardBase, clipText, historyLines, messageLines } from '../../cards/case-card';
import type { StepMessage } from '../../cases/definition';
import { hoursLeftText } from '../../cases/time-left';
import { formatDeadline, formatLondonDateTime } from '../../domain/london-time';
import { Actor, hasRole, samePerson, SYSTEM } from '../../domain/people';
import { platformName } from '../../domain/platforms';
import type { WorkingTime } from '../../domain/working-time';
import { KIND_LABELS, MODERATION_LABELS, POST_STATE_LABELS } from './labels';
import { CustomerPost, LINE_MAX, MODERATIONS, PostHistoryStep } from './model';
import { availableSteps, isClosed, POST_STEPS, PostStep } from './steps';

/** The inputs of the steps, as the card names them: what a refused step puts back, and where its problem is shown. */
export const STEP_INPUTS = [
  'response', 'newDate', 'longerReason', 'outcome', 'monitorReason', 'lookAgainOn', 'moderation', 'moderationNote', 'complaintsReference', 'reopenReason',
] as const;
type StepInput = (typeof STEP_INPUTS)[number];

/** The data bound to `cards/customer-post.json`. */
export interface CustomerPostCardView extends CaseCardBase {
  readonly summary: string;
  readonly link: string;
  readonly information: readonly { readonly who: string; readonly answer: string }[];
  readonly can: Readonly<Record<PostStep | 'assignToMe' | 'askColleague' | 'anything', boolean>>;
  readonly moderationChoices: readonly { title: string; value: string }[];
  readonly today: string;
  readonly values: Readonly<Record<StepInput, string>>;
  readonly errors: Readonly<Record<StepInput | 'owner', string>>;
}

const STEP_WORDS: Readonly<Record<PostHistoryStep['action'], string>> = {
  PostLogged: 'Logged', OwnerAssigned: 'Owner set', FirstResponseRecorded: 'First response', CustomerToldLonger: 'Customer told it will take longer',
  Resolved: 'Resolved', MonitoringStarted: 'Not commenting: monitoring', Moderated: 'Moderated', HandedToComplaints: 'Handed to the Group Complaints Policy',
  Reopened: 'Reopened', InformationReceived: 'Information', Reminded: 'Reminder sent', WentOverdue: 'Deadline passed', LookAgainDue: 'Time to look again',
};

export function customerPostCardView(post: CustomerPost, viewer: Actor, now: Date, workingTime: WorkingTime, extras: StepMessage = {}): CustomerPostCardView {
  const steps = availableSteps(post, viewer);
  const can = Object.fromEntries(POST_STEPS.map((step) => [step, steps.has(step)])) as Record<PostStep, boolean>;
  const label = stateLabel(post, now);
  return {
    reference: post.reference,
    ...messageLines(extras),
    stateLabel: label.label,
    stateColor: label.color,
    nextStep: nextStep(post, now, workingTime),
    facts: facts(post),
    summary: post.details.summary,
    link: post.details.link,
    information: hasRole(viewer, 'comms') ? [...post.information].reverse().map((answer) => ({ who: `${answer.from.name}, ${formatLondonDateTime(answer.at)} (${answer.request})`, answer: answer.answer })) : [],
    ...historyLines(post.history, post.earlierSteps, (step) => ({
      when: formatLondonDateTime(step.at), what: step.by.id === SYSTEM.id ? stepWords(step) : `${stepWords(step)} by ${step.by.name}`, comment: step.note ?? '',
    })),
    can: {
      ...can,
      assignToMe: can.assign && !samePerson(post.owner, viewer),
      askColleague: hasRole(viewer, 'comms') && !isClosed(post),
      anything: steps.size > 0,
    },
    moderationChoices: MODERATIONS.map((value) => ({ title: MODERATION_LABELS[value], value })),
    today: workingTime.londonDate(now),
    values: Object.fromEntries(STEP_INPUTS.map((name) => [name, clipText(extras.values?.[name] ?? '', LINE_MAX)])) as Record<StepInput, string>,
    errors: Object.fromEntries([...STEP_INPUTS, 'owner'].map((name) => [name, extras.fieldErrors?.[name] ?? ''])) as Record<StepInput | 'owner', string>,
    refreshUserIds: [viewer.id],
  };
}

function facts(post: CustomerPost): { title: string; value: string }[] {
  const { details } = post;
  return [
    { title: 'Kind', value: KIND_LABELS[details.kind] },
    { title: 'Where', value: platformName(details.platform, details.platformOther) },
    { title: 'Posted', value: formatLondonDateTime(details.postedAt) },
    ...(details.handle ? [{ title: 'Handle', value: details.handle }] : []),
    { title: 'Owner', value: post.owner?.name ?? 'Nobody yet' },
    { title: 'Logged by', value: `${post.loggedBy.name}, ${formatLondonDateTime(post.loggedAt)}` },
    ...(post.firstResponse ? [{ title: 'First response', value: `${formatLondonDateTime(post.firstResponse.at)}: ${post.firstResponse.text}` }] : []),
    ...(post.monitoring ? [{ title: 'Not commenting', value: `${post.monitoring.reason} (look again ${formatDeadline(post.monitoring.lookAgainAt)})` }] : []),
    ...(post.resolution ? [{ title: 'Outcome', value: post.resolution.outcome }] : []),
    ...(post.moderation ? [{ title: 'Moderated', value: `${MODERATION_LABELS[post.moderation.action]} on ${formatLondonDateTime(post.moderation.at)}` }] : []),
    ...(post.complaintsReference ? [{ title: 'Complaint', value: post.complaintsReference }] : []),
  ];
}

function stepWords(step: PostHistoryStep): string {
  if (step.action === 'OwnerAssigned' && step.owner) return `${step.owner.name} set as owner`;
  if (step.action === 'InformationReceived' && step.from) return `Information from ${step.from.name}`;
  if (step.action === 'Moderated' && step.moderation) return MODERATION_LABELS[step.moderation];
  if (step.action === 'CustomerToldLonger' && step.dueAt) return `Customer told it will take longer, to ${formatDeadline(step.dueAt)},`;
  if (step.action === 'MonitoringStarted' && step.dueAt) return `Not commenting, to look again ${formatDeadline(step.dueAt)},`;
  return STEP_WORDS[step.action];
}

/** The state as the card shows it: a clock past its deadline says so, whatever the state. */
function stateLabel(post: CustomerPost, now: Date): { label: string; color: string } {
  if (post.clock && (post.clock.overdueAt || now.toISOString() >= post.clock.dueAt)) {
    return { label: post.clock.kind === 'firstResponse' ? 'Overdue: first response' : 'Overdue: resolution', color: 'attention' };
  }
  return POST_STATE_LABELS[post.state];
}

/** What is owed next and by when: "First response due Mon 7 Dec, 13:20 (5.0 working hours left)". */
export function nextStep(post: CustomerPost, now: Date, workingTime: WorkingTime): string {
  const { clock } = post;
  if (clock) {
    const what = clock.kind === 'firstResponse' ? 'First response' : 'Resolution';
    if (clock.overdueAt || now.toISOString() >= clock.dueAt) return `${what} overdue: it was due ${formatDeadline(clock.dueAt)}.`;
    return `${what} due ${formatDeadline(clock.dueAt)} (${hoursLeftText(now, new Date(clock.dueAt), workingTime)}).`;
  }
  switch (post.state) {
    case 'resolved': return 'Closed: resolved.';
    case 'hidden_or_removed': return 'Closed: hidden or removed under the house rules. No response is owed.';
    case 'handed_to_complaints': return `Closed here: handed to the Group Complaints Policy (${post.complaintsReference ?? ''}).`;
    case 'monitoring': return post.monitoring?.toldAt ? 'Not commenting: time to look again.' : `Not commenting: look again ${formatDeadline(post.monitoring?.lookAgainAt ?? now)}.`;
    case 'open':
    case 'responded':
      if (post.details.kind === 'offensive') return 'Hide or remove it: no response is owed.';
      return post.state === 'responded' ? 'First response given: no response clock. Resolve it when it is done.' : 'No response clock.';
  }
}
