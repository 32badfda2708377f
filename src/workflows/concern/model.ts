import type { Platform } from '../../domain/platforms';
import { keepLatestSteps, tooLong, withinSnapshotLimit } from '../../domain/bounds';
import type { CommandContext } from '../../domain/decider';
import { ANSWER_MAX, InformationReceived } from '../../domain/information';
import { LINK_MAX } from '../../domain/links';
import { formatLondonDateTime } from '../../domain/london-time';
import { accept, assertNever, Decision, reject } from '../../domain/outcome';
import { Actor, hasRole, Person, samePerson, SYSTEM } from '../../domain/people';

/**
 * Staff concerns about posts (issue 12, "Staff concerns"). Policy, Appendix 1 section 9: "If you have any
 * concerns regarding the posts on our social media sites talk to your manager or a member of the
 * Communications Team." Anyone raises one; the Communications Team decides what it becomes. The person a
 * concern is about is named to nobody but the Communications Team and the member of staff who named them.
 * Pure: no I/O, no clock.
 */
/** `policy`: a question about the Social Media Policy itself, from a policy campaign's "I have a question" (src/workflows/campaign). */
export const ABOUT = ['colleague', 'customer', 'group_page', 'policy'] as const;
export type ConcernAbout = (typeof ABOUT)[number];

/** Why nothing needs doing, in words the raiser may be told (the Communications Team's own reason stays with them). */
export const NO_ACTION_REASONS = ['within_policy', 'already_removed', 'already_in_hand', 'monitoring', 'not_ours'] as const;
export type NoActionReason = (typeof NO_ACTION_REASONS)[number];

export interface ConcernDetails {
  /** The post, when the raiser has a link: someone who only saw it may not. */
  readonly link?: string;
  readonly platform: Platform;
  readonly platformOther?: string;
  /** What worries the raiser, in their words. */
  readonly worry: string;
  readonly about: ConcernAbout;
}

/** `raised` waits for the Communications Team; every other state is what they made of it, and closes the concern. */
export type ConcernState = 'raised' | 'takedown' | 'customer_post' | 'moderated' | 'abuse_suggested' | 'no_action';
export type ConcernOutcome = Exclude<ConcernState, 'raised'>;
export const OUTCOMES: readonly ConcernOutcome[] = ['takedown', 'customer_post', 'moderated', 'abuse_suggested', 'no_action'];

export interface ConcernStep {
  readonly action: ConcernEvent['type'];
  readonly by: Person;
  readonly at: string;
  /** Who gave the information, on an `InformationReceived` step. */
  readonly from?: Person;
}

/** A colleague's answer to the Communications Team's question, for the Communications Team's eyes only. */
export interface InformationAnswer {
  readonly request: string;
  readonly from: Person;
  readonly answer: string;
  readonly at: string;
}

export interface Concern {
  readonly reference: string;
  readonly state: ConcernState;
  readonly raiser: Person;
  /** The colleague the concern is about, when the raiser named one. */
  readonly colleague?: Person;
  /** The Communications Team member who decided what the concern became. */
  readonly triager?: Person;
  readonly details: ConcernDetails;
  readonly raisedAt: string;
  readonly triagedAt?: string;
  /** The Communications Team's own words: what was done, or why nothing was. Never shown to the raiser. */
  readonly note?: string;
  readonly reason?: NoActionReason;
  /** The latest answers (see ANSWERS_KEPT). */
  readonly answers: readonly InformationAnswer[];
  /** The information requests already answered (the latest REQUESTS_REMEMBERED), so a repeated answer adds nothing. */
  readonly answeredRequests: readonly string[];
  readonly history: readonly ConcernStep[];
  readonly earlierSteps: number;
}

export type ConcernEvent =
  | { type: 'ConcernRaised'; at: string; by: Person; reference: string; details: ConcernDetails; colleague?: Person }
  | { type: 'ReferredToTakedown'; at: string; by: Person; note?: string }
  | { type: 'ReferredToCustomerPost'; at: string; by: Person; note?: string }
  | { type: 'ModerationRecorded'; at: string; by: Person; note: string }
  | { type: 'AbuseReportSuggested'; at: string; by: Person; note?: string }
  | { type: 'ClosedWithoutAction'; at: string; by: Person; reason: NoActionReason; note: string }
  | { type: 'InformationReceived'; at: string; by: Person; request: string; from: Person; answer: string };

export type TriageCommand =
  | { type: 'referToTakedown'; note?: string }
  | { type: 'referToCustomerPost'; note?: string }
  | { type: 'recordModeration'; note: string }
  | { type: 'suggestAbuseReport'; note?: string }
  | { type: 'closeWithoutAction'; reason: string; note: string };

export type ConcernCommand =
  | { type: 'raise'; reference: string; details: ConcernDetails; colleague?: Person }
  | TriageCommand
  | InformationReceived;

export const WORRY_MIN = 20;
export const WORRY_MAX = 2000;
/** Notes as the card's input allows them (`maxLength` in cards/concern.json). */
export const NOTE_MAX = 1000;
/** A moderation action is recorded in a line. */
export const MODERATION_MAX = 300;
const MIN_REASON = 10;
const REQUEST_MAX = 30;
const PERSON_FIELD_MAX = 100;

const OUTCOME_OF: Readonly<Record<TriageCommand['type'], ConcernOutcome>> = {
  referToTakedown: 'takedown', referToCustomerPost: 'customer_post', recordModeration: 'moderated', suggestAbuseReport: 'abuse_suggested', closeWithoutAction: 'no_action',
};

/** Who may see a concern: the member of staff who raised it and the Communications Team. Nobody else, its subject included. */
export function canSeeConcern(concern: Concern, viewer: Actor): boolean {
  return samePerson(concern.raiser, viewer) || hasRole(viewer, 'comms');
}

/** What a command does to a concern: the events it causes, or why it is refused (also when the concern could not hold the result). */
export function decide(concern: Concern | undefined, command: ConcernCommand, context: CommandContext): Decision<ConcernEvent> {
  const long = 'note' in command ? tooLong(command.note?.trim(), NOTE_MAX, 'note') : undefined;
  if (long) return reject('invalid', long, { note: long });
  return withinSnapshotLimit(decideCommand(concern, command, context), concern, evolve,
    'That is more than this concern can hold. Shorten the note and send it again.');
}

function decideCommand(concern: Concern | undefined, command: ConcernCommand, context: CommandContext): Decision<ConcernEvent> {
  if (command.type === 'raise') return decideRaise(concern, command, context);
  if (!concern || (context.actor.id !== SYSTEM.id && !canSeeConcern(concern, context.actor))) {
    return reject('not_found', 'I can\'t find that concern, or you don\'t have a part in it.');
  }
  const at = context.now.toISOString();
  const by: Person = { id: context.actor.id, name: context.actor.name };
  switch (command.type) {
    case 'informationReceived': return decideInformation(concern, command, context.actor, at);
    case 'referToTakedown':
    case 'referToCustomerPost':
    case 'recordModeration':
    case 'suggestAbuseReport':
    case 'closeWithoutAction':
      return decideTriage(concern, command, context.actor, by, at);
    default: return assertNever(command);
  }
}

function decideRaise(concern: Concern | undefined, command: Extract<ConcernCommand, { type: 'raise' }>, { actor, now }: CommandContext): Decision<ConcernEvent> {
  if (concern) return reject('wrong_state', `${concern.reference} has already been raised.`);
  const problem = detailsProblem(command.details, command.colleague, actor);
  if (problem) return problem;
  const by: Person = { id: actor.id, name: actor.name };
  return accept({
    type: 'ConcernRaised', at: now.toISOString(), by, reference: command.reference, details: command.details,
    ...(command.colleague ? { colleague: command.colleague } : {}),
  });
}

/** The form checks all of this first; the model still refuses what it could not hold or must not keep. */
function detailsProblem(details: ConcernDetails, colleague: Person | undefined, raiser: Actor) {
  const worry = details.worry.trim();
  if (worry.length < WORRY_MIN || worry.length > WORRY_MAX) {
    const message = `Say what worries you about the post in ${WORRY_MIN} to ${WORRY_MAX.toLocaleString('en-GB')} characters.`;
    return reject('invalid', message, { worry: message });
  }
  if ((details.link?.length ?? 0) > LINK_MAX) return reject('invalid', 'Please check the highlighted fields.', { link: `Keep the link to ${LINK_MAX} characters.` });
  if (colleague && details.about !== 'colleague') {
    return reject('invalid', 'Name a colleague only when the post is about a colleague.', { colleague: 'Leave this empty, or choose "A colleague" above.' });
  }
  if (colleague && samePerson(colleague, raiser)) return reject('invalid', 'Please check the highlighted fields.', { colleague: 'Choose the colleague the post is by or about, not yourself.' });
  return undefined;
}

function decideTriage(concern: Concern, command: TriageCommand, actor: Actor, by: Person, at: string): Decision<ConcernEvent> {
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team decides what happens to a concern.');
  const outcome = OUTCOME_OF[command.type];
  if (concern.state !== 'raised') return alreadyTriaged(concern, outcome, by);
  const note = command.note?.trim() ?? '';
  const withNote = note ? { note } : {};
  switch (command.type) {
    case 'referToTakedown': return accept({ type: 'ReferredToTakedown', at, by, ...withNote });
    case 'referToCustomerPost': return accept({ type: 'ReferredToCustomerPost', at, by, ...withNote });
    case 'suggestAbuseReport': return accept({ type: 'AbuseReportSuggested', at, by, ...withNote });
    case 'recordModeration': {
      if (note.length < MIN_REASON) return reject('invalid', 'Say what was done, in a line.', { note: 'Say what was done (hidden, removed, reported to the site).' });
      const long = tooLong(note, MODERATION_MAX, 'line');
      return long ? reject('invalid', long, { note: long }) : accept({ type: 'ModerationRecorded', at, by, note });
    }
    case 'closeWithoutAction': {
      const reason = NO_ACTION_REASONS.find((candidate) => candidate === command.reason);
      const errors = {
        ...(reason ? {} : { reason: 'Choose why no action is needed: the member of staff is told this.' }),
        ...(note.length >= MIN_REASON ? {} : { note: 'Say why no action is needed, for the team\'s record.' }),
      };
      if (!reason || note.length < MIN_REASON) return reject('invalid', 'Say why no action is needed.', errors);
      return accept({ type: 'ClosedWithoutAction', at, by, reason, note });
    }
    default: return assertNever(command);
  }
}

/** A double click on the same outcome by the same person changes nothing; anything else is told who decided first. */
function alreadyTriaged(concern: Concern, outcome: ConcernOutcome, by: Person): Decision<ConcernEvent> {
  if (concern.state === outcome && samePerson(concern.triager, by)) return accept();
  const when = concern.triagedAt ? ` on ${formatLondonDateTime(concern.triagedAt)}` : '';
  return reject('already_decided', `${concern.reference} was already dealt with${concern.triager ? ` by ${concern.triager.name}` : ''}${when}: ${OUTCOME_PHRASES[concern.state]}.`);
}

const OUTCOME_PHRASES: Readonly<Record<ConcernState, string>> = {
  raised: 'still open', takedown: 'a takedown notice', customer_post: 'a customer post', moderated: 'moderated',
  abuse_suggested: 'reporting abuse suggested', no_action: 'no action needed',
};

/**
 * A colleague's answer, brought by their information request (src/domain/information.ts): only the system
 * carries it, at least once, so the same request twice adds one step. Kept whatever the concern's state: an
 * answer that arrives after the decision still belongs on the record.
 */
function decideInformation(concern: Concern, command: InformationReceived, actor: Actor, at: string): Decision<ConcernEvent> {
  if (actor.id !== SYSTEM.id) return reject('forbidden', 'Information from colleagues arrives through their answer to the request.');
  const request = typeof command.request === 'string' ? command.request.trim() : '';
  const answer = typeof command.answer === 'string' ? command.answer.trim().slice(0, ANSWER_MAX) : '';
  const from = boundedPerson(command.from);
  if (!request || request.length > REQUEST_MAX || !answer || !from) return reject('invalid', 'That answer is not one this concern can take.');
  if (concern.answeredRequests.includes(request)) return accept();
  return accept({ type: 'InformationReceived', at, by: { id: SYSTEM.id, name: SYSTEM.name }, request, from, answer });
}

function boundedPerson(person: unknown): Person | undefined {
  const candidate = (person ?? {}) as Partial<Person>;
  if (typeof candidate.id !== 'string' || typeof candidate.name !== 'string' || !candidate.id) return undefined;
  return { id: candidate.id.slice(0, PERSON_FIELD_MAX), name: candidate.name.slice(0, PERSON_FIELD_MAX) };
}

export function evolve(concern: Concern | undefined, event: ConcernEvent): Concern {
  if (event.type === 'ConcernRaised') {
    return {
      reference: event.reference, state: 'raised', raiser: event.by, details: event.details, raisedAt: event.at,
      answers: [], answeredRequests: [], history: [step(event)], earlierSteps: 0, ...(event.colleague ? { colleague: event.colleague } : {}),
    };
  }
  if (!concern) throw new Error(`${event.type} cannot start a concern`);
  const next = { ...concern, ...keepLatestSteps({ history: concern.history, earlierSteps: concern.earlierSteps }, step(event), HISTORY_KEPT, HISTORY_MAX_CHARS) };
  const triaged = (state: ConcernOutcome, extra: Partial<Concern> = {}): Concern => ({ ...next, state, triager: event.by, triagedAt: event.at, ...extra });
  const note = 'note' in event && event.note ? { note: event.note } : {};
  switch (event.type) {
    case 'ReferredToTakedown': return triaged('takedown', note);
    case 'ReferredToCustomerPost': return triaged('customer_post', note);
    case 'ModerationRecorded': return triaged('moderated', note);
    case 'AbuseReportSuggested': return triaged('abuse_suggested', note);
    case 'ClosedWithoutAction': return triaged('no_action', { ...note, reason: event.reason });
    case 'InformationReceived': return {
      ...next,
      answers: [...concern.answers, { request: event.request, from: event.from, answer: event.answer, at: event.at }].slice(-ANSWERS_KEPT),
      answeredRequests: [...concern.answeredRequests, event.request].slice(-REQUESTS_REMEMBERED),
    };
    default: return assertNever(event);
  }
}

/**
 * The snapshot keeps the latest steps, answers and answered requests only (every step stays in the audit
 * events). Worst case as JSON (text doubles when it is all quotes or backslashes): the worry 4,002, the link
 * 1,002, the rest of the details about 250, raiser, colleague and triager 1,257 (ids and names of 100
 * characters), the note 2,002, three answers 7,800, thirty answered requests 1,900, the other fields about
 * 400: 18,613. With at most 10,000 of history, 28,613: below SNAPSHOT_MAX_CHARS (30,720).
 */
const HISTORY_KEPT = 20;
const HISTORY_MAX_CHARS = 10_000;
export const ANSWERS_KEPT = 3;
const REQUESTS_REMEMBERED = 30;

function step(event: ConcernEvent): ConcernStep {
  return { action: event.type, by: event.by, at: event.at, ...(event.type === 'InformationReceived' ? { from: event.from } : {}) };
}
