import { platformName } from '../../domain/platforms';
import { formatDeadline, formatLondonDateTime } from '../../domain/london-time';
import { Actor, hasRole, SYSTEM } from '../../domain/people';
import { CaseCardBase, clipText, historyLines, messageLines } from '../../cards/case-card';
import type { StepMessage } from '../../cases/definition';
import { hoursLeftText } from '../../cases/time-left';
import type { WorkingTime } from '../../domain/working-time';
import { CLAUSE_LABELS, TAKEDOWN_STATE_LABELS } from './labels';
import { DEFAULT_DUE, DUE_CHOICE_SET } from '../../domain/due-choices';
import { decide, mayAskColleague, NOTE_MAX, TakedownCommand, TakedownEvent, TakedownNotice, TakedownStep } from './model';

type Capability = 'confirmRemoval' | 'dispute' | 'requestHelp' | 'verify' | 'reopen' | 'uphold' | 'withdraw';

/** The data bound to `cards/takedown.json`. */
export interface TakedownCardView extends CaseCardBase {
  readonly link: string;
  readonly clauses: readonly { text: string }[];
  readonly explanation: string;
  readonly can: Readonly<Record<Capability | 'anything' | 'newDeadline' | 'askColleague' | 'seeAccess', boolean>>;
  /** For "Their business access" (the Communications Team's: the recipient's access, to revoke if need be). */
  readonly recipientId: string;
  /** Colleagues' latest answers, newest first: for the Communications Team only (empty for anyone else). */
  readonly information: readonly { readonly from: string; readonly answer: string }[];
  readonly hasInformation: boolean;
  readonly deadlineChoices: readonly { title: string; value: string }[];
  readonly deadlineValue: string;
  readonly noteValue: string;
  readonly noteError: string;
}


const STEP_WORDS: Readonly<Record<TakedownEvent['type'], string>> = {
  TakedownIssued: 'Issued', Acknowledged: 'Seen', RemovalConfirmed: 'Removal confirmed', Disputed: 'Disputed', HelpRequested: 'Help asked for',
  RemovalVerified: 'Removal verified', Reopened: 'Reopened', Upheld: 'Upheld', Withdrawn: 'Withdrawn', Reminded: 'Reminder sent', WentOverdue: 'Deadline passed',
  InformationReceived: 'Information received',
};

export function takedownCardView(
  notice: TakedownNotice, viewer: Actor, now: Date, workingTime: WorkingTime, extras: StepMessage = {},
): TakedownCardView {
  const can = permittedActions(notice, viewer, now);
  const comms = hasRole(viewer, 'comms');
  const information = comms ? [...(notice.information ?? [])].reverse().map((answer) => ({
    from: `${answer.from.name}, ${formatLondonDateTime(answer.at)} (${answer.request})`, answer: answer.answer,
  })) : [];
  // Who the Communications Team consulted is theirs to know: the recipient and an escalated manager do not see it.
  const steps = comms ? notice.history : notice.history.filter((step) => step.action !== 'InformationReceived');
  return {
    reference: notice.reference,
    ...messageLines(extras),
    stateLabel: TAKEDOWN_STATE_LABELS[notice.state].label,
    stateColor: TAKEDOWN_STATE_LABELS[notice.state].color,
    nextStep: nextStep(notice, now, workingTime),
    facts: [
      { title: 'To', value: notice.recipient.name },
      { title: 'From', value: `${notice.issuer.name}, Communications Team` },
      { title: 'Where', value: platformName(notice.details.platform, notice.details.platformOther) },
      { title: 'Deadline', value: formatDeadline(notice.deadline) },
    ],
    link: notice.details.link,
    clauses: notice.details.clauses.map((clause) => ({ text: CLAUSE_LABELS[clause] })),
    explanation: notice.details.explanation,
    ...historyLines(steps, notice.earlierSteps ?? 0, (step) => ({ when: formatLondonDateTime(step.at), what: stepWords(step), comment: step.note ?? '' })),
    can: {
      ...can, anything: Object.values(can).some(Boolean), newDeadline: can.reopen || can.uphold,
      askColleague: mayAskColleague(notice, viewer), seeAccess: hasRole(viewer, 'comms'),
    },
    recipientId: hasRole(viewer, 'comms') ? notice.recipient.id : '',
    information,
    hasInformation: information.length > 0,
    deadlineChoices: DUE_CHOICE_SET,
    deadlineValue: DEFAULT_DUE,
    noteValue: clipText(extras.values?.note ?? '', NOTE_MAX),
    noteError: extras.fieldErrors?.note ?? extras.fieldErrors?.deadline ?? '',
    refreshUserIds: [viewer.id],
  };
}

function stepWords(step: TakedownStep): string {
  if (step.action === 'InformationReceived' && step.from) return `Information from ${step.from.name}`;
  return step.by.id === SYSTEM.id ? STEP_WORDS[step.action] : `${STEP_WORDS[step.action]} by ${step.by.name}`;
}

/** Asks the model which buttons it would accept from this viewer, so there is never a dead button. */
export function permittedActions(notice: TakedownNotice, viewer: Actor, now: Date): Record<Capability, boolean> {
  const later = new Date(now.getTime() + 86_400_000).toISOString();
  const reason = 'a reason given on the card';
  const accepts = (command: TakedownCommand) => {
    const decision = decide(notice, command, { actor: viewer, now });
    return decision.ok && decision.events.length > 0;
  };
  return {
    confirmRemoval: accepts({ type: 'confirmRemoval' }),
    dispute: accepts({ type: 'dispute', note: reason }),
    requestHelp: accepts({ type: 'requestHelp' }),
    verify: accepts({ type: 'verify' }),
    reopen: accepts({ type: 'reopen', note: reason, deadline: later }),
    uphold: accepts({ type: 'uphold', note: reason, deadline: later }),
    withdraw: accepts({ type: 'withdraw' }),
  };
}

/** Who acts next, and by when, with the working time left. */
export function nextStep(notice: TakedownNotice, now: Date, workingTime: WorkingTime): string {
  const remaining = `${formatDeadline(notice.deadline)}, ${hoursLeftText(now, new Date(notice.deadline), workingTime)}`;
  switch (notice.state) {
    case 'issued':
    case 'acknowledged':
    case 'reopened':
    case 'upheld':
      return `${notice.recipient.name} to remove the post by ${remaining}.`;
    case 'overdue': return `${notice.recipient.name} to remove the post now: the deadline has passed and their line manager was told.`;
    case 'removal_confirmed': return 'The Communications Team to check the post is gone and verify.';
    case 'disputed': return 'The Communications Team to uphold or withdraw the notice.';
    case 'verified': return 'Closed: the post was removed.';
    case 'withdrawn': return 'Closed: the notice was withdrawn.';
  }
}
