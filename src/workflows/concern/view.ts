import { CaseCardBase, clipText, historyLines, messageLines } from '../../cards/case-card';
import type { StepMessage } from '../../cases/definition';
import { formatLondonDateTime } from '../../domain/london-time';
import { Actor, hasRole, samePerson, SYSTEM } from '../../domain/people';
import { platformName } from '../../domain/platforms';
import { ABOUT_LABELS, CONCERN_STATE_LABELS, NO_ACTION_LABELS, OUTCOME_FOR_COMMS, outcomeForRaiser, STEP_WORDS } from './labels';
import { Concern, ConcernStep, decide, NO_ACTION_REASONS, NOTE_MAX, TriageCommand } from './model';

type Capability = TriageCommand['type'];

/** The data bound to `cards/concern.json`. */
export interface ConcernCardView extends CaseCardBase {
  readonly link: string;
  readonly worry: string;
  /** The Communications Team's own note: on their card only. */
  readonly teamNote: string;
  /** Colleagues' answers: on the Communications Team's card only. */
  readonly answers: readonly { who: string; answer: string }[];
  readonly can: Readonly<Record<Capability | 'triage' | 'askColleague' | 'reportAbuse', boolean>>;
  readonly reasonChoices: readonly { title: string; value: string }[];
  readonly noteValue: string;
  readonly noteError: string;
  readonly reasonError: string;
}

/**
 * The concern as `viewer` may see it. The Communications Team sees everything; the member of staff who raised it
 * sees what they wrote (the colleague they named included) and the outcome in general terms, but no team member's
 * name, note, or anyone the team brought in later. Nobody else is shown a card at all (canSeeConcern).
 */
export function concernCardView(concern: Concern, viewer: Actor, now: Date, extras: StepMessage = {}): ConcernCardView {
  const comms = hasRole(viewer, 'comms');
  const can = permittedActions(concern, viewer, now);
  const triage = Object.values(can).some(Boolean);
  return {
    reference: concern.reference,
    ...messageLines(extras),
    stateLabel: CONCERN_STATE_LABELS[concern.state].label,
    stateColor: CONCERN_STATE_LABELS[concern.state].color,
    nextStep: nextStep(concern, comms),
    facts: comms ? teamFacts(concern) : raiserFacts(concern, viewer),
    link: concern.details.link ?? '',
    worry: concern.details.worry,
    teamNote: comms ? concern.note ?? '' : '',
    answers: comms ? concern.answers.map((answer) => ({ who: `${answer.from.name}, ${formatLondonDateTime(answer.at)}`, answer: answer.answer })).reverse() : [],
    ...historyLines(visibleSteps(concern, comms), concern.earlierSteps, (step) => ({ when: formatLondonDateTime(step.at), what: stepWords(step, concern, comms), comment: '' })),
    can: { ...can, triage, askColleague: triage, reportAbuse: concern.state === 'abuse_suggested' && samePerson(concern.raiser, viewer) },
    reasonChoices: NO_ACTION_REASONS.map((value) => ({ title: capitalise(NO_ACTION_LABELS[value]), value })),
    noteValue: clipText(extras.values?.note ?? '', NOTE_MAX),
    noteError: extras.fieldErrors?.note ?? '',
    reasonError: extras.fieldErrors?.reason ?? '',
    refreshUserIds: [viewer.id],
  };
}

/** Asks the model which buttons it would accept from this viewer, so there is never a dead button. */
export function permittedActions(concern: Concern, viewer: Actor, now: Date): Record<Capability, boolean> {
  const reason = 'a reason given on the card';
  const accepts = (command: TriageCommand) => {
    const decision = decide(concern, command, { actor: viewer, now });
    return decision.ok && decision.events.length > 0;
  };
  return {
    referToTakedown: accepts({ type: 'referToTakedown' }),
    referToCustomerPost: accepts({ type: 'referToCustomerPost' }),
    recordModeration: accepts({ type: 'recordModeration', note: reason }),
    suggestAbuseReport: accepts({ type: 'suggestAbuseReport' }),
    closeWithoutAction: accepts({ type: 'closeWithoutAction', reason: NO_ACTION_REASONS[0], note: reason }),
  };
}

/** What happens next, or what happened: in general terms for the raiser. */
export function nextStep(concern: Concern, forTeam: boolean): string {
  if (concern.state === 'raised') return 'The Communications Team to look at the post and decide what to do.';
  return forTeam ? OUTCOME_FOR_COMMS[concern.state] : outcomeForRaiser(concern.state, concern.reason);
}

function teamFacts(concern: Concern) {
  return [
    { title: 'Raised by', value: `${concern.raiser.name}, ${formatLondonDateTime(concern.raisedAt)}` },
    ...sharedFacts(concern),
    ...(concern.triager ? [{ title: 'Dealt with', value: `${concern.triager.name}${concern.triagedAt ? `, ${formatLondonDateTime(concern.triagedAt)}` : ''}` }] : []),
    ...(concern.reason ? [{ title: 'Told them', value: capitalise(NO_ACTION_LABELS[concern.reason]) }] : []),
  ];
}

function raiserFacts(concern: Concern, viewer: Actor) {
  return [{ title: 'Raised', value: formatLondonDateTime(concern.raisedAt) }, ...sharedFacts(concern, samePerson(concern.raiser, viewer))];
}

/** The colleague is named to the team and to the raiser who named them; `namesColleague` false for anyone else. */
function sharedFacts(concern: Concern, namesColleague = true) {
  const colleague = namesColleague && concern.colleague ? `: ${concern.colleague.name}` : '';
  return [
    { title: 'Where', value: platformName(concern.details.platform, concern.details.platformOther) },
    { title: 'About', value: `${ABOUT_LABELS[concern.details.about]}${colleague}` },
  ];
}

/** The raiser's card leaves out the answers colleagues gave the team: who was asked is the team's business. */
function visibleSteps(concern: Concern, forTeam: boolean): readonly ConcernStep[] {
  return forTeam ? concern.history : concern.history.filter((step) => step.action !== 'InformationReceived');
}

function stepWords(step: ConcernStep, concern: Concern, forTeam: boolean): string {
  if (step.action === 'InformationReceived') return `Information from ${step.from?.name ?? 'a colleague'}`;
  const words = STEP_WORDS[step.action];
  if (step.by.id === SYSTEM.id) return words;
  if (forTeam || samePerson(step.by, concern.raiser)) return `${words} by ${step.by.name}`;
  return `${words} by the Communications Team`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
