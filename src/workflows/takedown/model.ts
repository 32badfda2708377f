import type { Platform } from '../../domain/platforms';
import { keepLatestSteps, tooLong, withinSnapshotLimit } from '../../domain/bounds';
import type { CommandContext } from '../../domain/decider';
import { ANSWER_MAX, InformationReceived } from '../../domain/information';
import { formatLondonDateTime } from '../../domain/london-time';
import { accept, assertNever, Decision, reject } from '../../domain/outcome';
import { Actor, hasRole, Person, samePerson, SYSTEM } from '../../domain/people';
import { parseReference } from '../../domain/references';

/**
 * Takedown notices (DESIGN.md section 3). Policy, Appendix 1 section 7: "Staff may also be required to
 * remove internet postings which are deemed to constitute a breach of these guidelines or the Social
 * Media Policy. Failure to comply with such a request may in itself result in disciplinary action."
 * Pure: deadlines are computed outside (working time) and come in as instants.
 */
export const CLAUSES = [
  'disparaging_or_defamatory', 'offensive_or_discriminatory', 'confidential_information', 'about_stakeholders',
  'logos_brands_trademarks', 'copyright', 'identifying_people', 'bullying_or_harassment', 'disrepute', 'other',
] as const;
export type Clause = (typeof CLAUSES)[number];


export interface TakedownDetails {
  readonly link: string;
  readonly platform: Platform;
  readonly platformOther?: string;
  readonly clauses: readonly Clause[];
  readonly explanation: string;
}

export type TakedownState =
  | 'issued' | 'acknowledged' | 'removal_confirmed' | 'verified' | 'reopened'
  | 'disputed' | 'upheld' | 'withdrawn' | 'overdue';

export interface TakedownStep {
  readonly action: TakedownEvent['type'];
  readonly by: Person;
  readonly at: string;
  readonly note?: string;
  /** The colleague whose answer arrived (an `InformationReceived` step): the answer itself is for the Communications Team only. */
  readonly from?: Person;
}

/** A colleague's answer to a question the Communications Team asked about the notice (issue 12, "Information from colleagues"). */
export interface TakedownInformation {
  readonly request: string;
  readonly from: Person;
  readonly answer: string;
  readonly at: string;
}

export interface TakedownNotice {
  readonly reference: string;
  readonly state: TakedownState;
  readonly issuer: Person;
  readonly recipient: Person;
  /** The recipient's line manager, told only if the deadline passes. */
  readonly manager?: Person;
  readonly details: TakedownDetails;
  readonly issuedAt: string;
  /** The current deadline (ISO): the first one, or the one set on reopening or upholding. */
  readonly deadline: string;
  /** When the deadline first passed and the manager was told: from then on they may see the notice. */
  readonly escalatedAt?: string;
  /** The latest steps (see HISTORY_KEPT); every step is also an audit event row. */
  readonly history: readonly TakedownStep[];
  /** Steps older than `history`, kept only in the audit events (absent in notices stored before it was counted). */
  readonly earlierSteps?: number;
  /** Colleagues' latest answers, oldest first (see INFORMATION_MAX_CHARS); every one is also an audit event row. */
  readonly information?: readonly TakedownInformation[];
  /** The information requests whose answer arrived (the latest INFORMATION_REQUESTS_KEPT): a repeated delivery adds nothing. */
  readonly informationFrom?: readonly string[];
}

export type TakedownEvent =
  | { type: 'TakedownIssued'; at: string; by: Person; reference: string; recipient: Person; manager?: Person; details: TakedownDetails; deadline: string }
  | { type: 'Acknowledged'; at: string; by: Person }
  | { type: 'RemovalConfirmed'; at: string; by: Person; note?: string }
  | { type: 'Disputed'; at: string; by: Person; note: string }
  | { type: 'HelpRequested'; at: string; by: Person; note?: string }
  | { type: 'RemovalVerified'; at: string; by: Person; note?: string }
  | { type: 'Reopened'; at: string; by: Person; note: string; deadline: string }
  | { type: 'Upheld'; at: string; by: Person; note: string; deadline: string }
  | { type: 'Withdrawn'; at: string; by: Person; note?: string }
  | { type: 'Reminded'; at: string; by: Person }
  | { type: 'WentOverdue'; at: string; by: Person }
  | { type: 'InformationReceived'; at: string; by: Person; request: string; from: Person; answer: string };

export type TakedownCommand =
  | { type: 'issue'; reference: string; recipient: Person; manager?: Person; details: TakedownDetails; deadline: string }
  | { type: 'acknowledge' }
  | { type: 'confirmRemoval'; note?: string }
  | { type: 'dispute'; note: string }
  | { type: 'requestHelp'; note?: string }
  | { type: 'verify'; note?: string }
  | { type: 'reopen'; note: string; deadline: string }
  | { type: 'uphold'; note: string; deadline: string }
  | { type: 'withdraw'; note?: string }
  /** Timers: `basis` is the deadline they were set for; after a new deadline, old timers do nothing. */
  | { type: 'remind'; basis: string }
  | { type: 'markOverdue'; basis: string }
  /** A colleague's answer, sent by the information request that asked (its `act` effect): from the system only. */
  | InformationReceived;

/** States in which the post is still to be removed by the recipient. */
const REMOVAL_OUTSTANDING: readonly TakedownState[] = ['issued', 'acknowledged', 'reopened', 'upheld', 'overdue'];
const CLOSED: readonly TakedownState[] = ['verified', 'withdrawn'];
const MIN_REASON = 10;
/** Notes as the card's input allows them (`maxLength` in cards/takedown.json). */
export const NOTE_MAX = 1000;

/** The Communications Team may ask colleagues about an open notice: their answers are taken until it closes. */
export function mayAskColleague(notice: TakedownNotice, viewer: Actor): boolean {
  return hasRole(viewer, 'comms') && !CLOSED.includes(notice.state);
}

/** Who may see a notice: the recipient, the Communications Team, admins, and the manager once it is escalated. */
export function canSeeNotice(notice: TakedownNotice, viewer: Actor): boolean {
  if (samePerson(notice.recipient, viewer) || hasRole(viewer, 'comms') || hasRole(viewer, 'admin')) return true;
  return samePerson(notice.manager, viewer) && notice.escalatedAt !== undefined;
}

/** What a command does to a notice: the events it causes, or why it is refused (also when the notice could not hold the result). */
export function decide(notice: TakedownNotice | undefined, command: TakedownCommand, context: CommandContext): Decision<TakedownEvent> {
  const long = 'note' in command ? tooLong(command.note?.trim(), NOTE_MAX, 'note') : undefined;
  if (long) return reject('invalid', long, { note: long });
  return withinSnapshotLimit(decideCommand(notice, command, context), notice, evolve,
    'That is more than this notice can hold. Shorten the note and send it again.');
}

function decideCommand(notice: TakedownNotice | undefined, command: TakedownCommand, context: CommandContext): Decision<TakedownEvent> {
  if (command.type === 'issue') return decideIssue(notice, command, context);
  if (!notice || (context.actor.id !== SYSTEM.id && !canSeeNotice(notice, context.actor))) {
    return reject('not_found', 'I can\'t find that takedown notice, or you don\'t have a part in it.');
  }
  const at = context.now.toISOString();
  const by: Person = { id: context.actor.id, name: context.actor.name };
  switch (command.type) {
    case 'acknowledge':
      return samePerson(notice.recipient, by) && notice.state === 'issued' ? accept({ type: 'Acknowledged', at, by }) : accept();
    case 'confirmRemoval':
    case 'dispute':
    case 'requestHelp':
      return decideRecipient(notice, command, by, at);
    case 'verify':
    case 'reopen':
    case 'uphold':
    case 'withdraw':
      return decideComms(notice, command, context.actor, at);
    case 'remind':
    case 'markOverdue':
      return decideTimer(notice, command, context);
    case 'informationReceived':
      return decideInformation(notice, command, context);
    default:
      return assertNever(command);
  }
}

function decideIssue(notice: TakedownNotice | undefined, command: Extract<TakedownCommand, { type: 'issue' }>, { actor, now }: CommandContext): Decision<TakedownEvent> {
  if (notice) return reject('wrong_state', `${notice.reference} has already been issued.`);
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team can issue takedown notices.');
  if (samePerson(command.recipient, actor)) return reject('invalid', 'You can\'t send a takedown notice to yourself.', { recipient: 'Choose the member of staff who made the post.' });
  if (command.deadline <= now.toISOString()) return reject('invalid', 'The deadline must be in the future.', { deadline: 'Choose a deadline in the future.' });
  const { type: _type, ...issued } = command;
  return accept({ type: 'TakedownIssued', at: now.toISOString(), by: { id: actor.id, name: actor.name }, ...issued });
}

function decideRecipient(
  notice: TakedownNotice, command: Extract<TakedownCommand, { type: 'confirmRemoval' | 'dispute' | 'requestHelp' }>, by: Person, at: string,
): Decision<TakedownEvent> {
  if (!samePerson(notice.recipient, by)) return reject('forbidden', `Only ${notice.recipient.name}, who received this notice, can answer it.`);
  const opening: TakedownEvent[] = notice.state === 'issued' ? [{ type: 'Acknowledged', at, by }] : [];
  const note = command.note?.trim() ?? '';
  switch (command.type) {
    case 'confirmRemoval':
      if (notice.state === 'removal_confirmed') return accept();
      if (!REMOVAL_OUTSTANDING.includes(notice.state)) return stateRefusal(notice, 'confirm removal');
      return accept(...opening, { type: 'RemovalConfirmed', at, by, ...(note ? { note } : {}) });
    case 'dispute':
      if (notice.state === 'disputed') return accept();
      if (notice.state !== 'issued' && notice.state !== 'acknowledged') return stateRefusal(notice, 'dispute it');
      if (note.length < MIN_REASON) return reject('invalid', 'Say why you think the post does not breach the policy.', { note: 'Say why you dispute the notice.' });
      return accept(...opening, { type: 'Disputed', at, by, note });
    case 'requestHelp':
      if (CLOSED.includes(notice.state)) return stateRefusal(notice, 'ask for help on it');
      if (isRepeatedHelpRequest(notice, by, note)) return accept();
      return accept(...opening, { type: 'HelpRequested', at, by, ...(note ? { note } : {}) });
  }
}

function decideComms(
  notice: TakedownNotice, command: Extract<TakedownCommand, { type: 'verify' | 'reopen' | 'uphold' | 'withdraw' }>, actor: Actor, at: string,
): Decision<TakedownEvent> {
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team can do that.');
  const by: Person = { id: actor.id, name: actor.name };
  const note = command.note?.trim() ?? '';
  if (CLOSED.includes(notice.state)) return alreadyClosed(notice, command.type, by);
  switch (command.type) {
    case 'verify':
      if (notice.state !== 'removal_confirmed') return stateRefusal(notice, 'verify the removal');
      return accept({ type: 'RemovalVerified', at, by, ...(note ? { note } : {}) });
    case 'reopen':
      if (notice.state !== 'removal_confirmed') return stateRefusal(notice, 'reopen it');
      if (note.length < MIN_REASON) return reject('invalid', 'Say what is still visible.', { note: 'Say what is still visible.' });
      return newDeadline(command.deadline, at) ?? accept({ type: 'Reopened', at, by, note, deadline: command.deadline });
    case 'uphold':
      if (notice.state !== 'disputed') return stateRefusal(notice, 'uphold it');
      if (note.length < MIN_REASON) return reject('invalid', 'Explain why the notice stands.', { note: 'Explain why the notice stands.' });
      return newDeadline(command.deadline, at) ?? accept({ type: 'Upheld', at, by, note, deadline: command.deadline });
    case 'withdraw':
      return accept({ type: 'Withdrawn', at, by, ...(note ? { note } : {}) });
  }
}

/** Half-way reminder and deadline: only for the deadline they were set for, once, while removal is outstanding. */
function decideTimer(notice: TakedownNotice, command: Extract<TakedownCommand, { type: 'remind' | 'markOverdue' }>, { actor, now }: CommandContext): Decision<TakedownEvent> {
  const outstanding = REMOVAL_OUTSTANDING.includes(notice.state) && notice.state !== 'overdue';
  if (actor.id !== SYSTEM.id || !outstanding || notice.deadline !== command.basis) return accept();
  const at = now.toISOString();
  const by: Person = { id: actor.id, name: actor.name };
  if (command.type === 'markOverdue') return now.toISOString() >= notice.deadline ? accept({ type: 'WentOverdue', at, by }) : accept();
  // A half-way reminder that comes late (the scheduler catching up) would only repeat the overdue message.
  if (at >= notice.deadline) return accept();
  const since = lastDeadlineSetAt(notice);
  return notice.history.some((step) => step.action === 'Reminded' && step.at >= since) ? accept() : accept({ type: 'Reminded', at, by });
}

/** A colleague's answer lands once a request (the `act` effect is carried out at least once), while the notice is open. */
function decideInformation(notice: TakedownNotice, command: InformationReceived, { actor, now }: CommandContext): Decision<TakedownEvent> {
  if (actor.id !== SYSTEM.id) return reject('forbidden', 'Only the desk records a colleague\'s answer on a notice.');
  const request = parseReference(command.request);
  if (!request) return reject('invalid', 'That is not a reference to a question.');
  if (notice.informationFrom?.includes(request)) return accept();
  if (CLOSED.includes(notice.state)) return stateRefusal(notice, 'add a colleague\'s answer to it');
  const answer = command.answer.trim();
  const problem = answer ? tooLong(answer, ANSWER_MAX, 'answer') : 'The answer is empty.';
  if (problem) return reject('invalid', problem);
  return accept({ type: 'InformationReceived', at: now.toISOString(), by: { id: actor.id, name: actor.name }, request, from: { id: command.from.id, name: command.from.name }, answer });
}

/** A double click or a retried delivery of "I need help" (same person, same note, nothing in between) changes nothing twice. */
function isRepeatedHelpRequest(notice: TakedownNotice, by: Person, note: string): boolean {
  const last = notice.history[notice.history.length - 1];
  return last?.action === 'HelpRequested' && samePerson(last.by, by) && (last.note ?? '') === note;
}

function newDeadline(deadline: string, at: string) {
  return deadline > at ? undefined : reject('invalid', 'The new deadline must be in the future.', { deadline: 'Choose a deadline in the future.' });
}

function lastDeadlineSetAt(notice: TakedownNotice): string {
  return [...notice.history].reverse().find((step) => step.action === 'TakedownIssued' || step.action === 'Reopened' || step.action === 'Upheld')?.at ?? notice.issuedAt;
}

function alreadyClosed(notice: TakedownNotice, attempted: string, by: Person) {
  const last = notice.history[notice.history.length - 1];
  const repeat = last && samePerson(last.by, by) && ((attempted === 'verify' && last.action === 'RemovalVerified') || (attempted === 'withdraw' && last.action === 'Withdrawn'));
  if (repeat) return accept<TakedownEvent>();
  return reject('already_decided', `${notice.reference} was already ${notice.state === 'verified' ? 'closed as removed' : 'withdrawn'}${last ? ` by ${last.by.name} on ${formatLondonDateTime(last.at)}` : ''}.`);
}

function stateRefusal(notice: TakedownNotice, attempted: string) {
  return reject('wrong_state', `${notice.reference} is ${STATE_PHRASES[notice.state]}, so you can't ${attempted} now.`);
}

const STATE_PHRASES: Readonly<Record<TakedownState, string>> = {
  issued: 'waiting for the recipient', acknowledged: 'waiting for the post to be removed', removal_confirmed: 'waiting for the Communications Team to verify the removal',
  verified: 'closed: the removal was verified', reopened: 'reopened: the post is still visible', disputed: 'disputed, waiting for the Communications Team',
  upheld: 'upheld: the post must still be removed', withdrawn: 'withdrawn', overdue: 'overdue',
};

export function evolve(notice: TakedownNotice | undefined, event: TakedownEvent): TakedownNotice {
  if (event.type === 'TakedownIssued') {
    return {
      reference: event.reference, state: 'issued', issuer: event.by, recipient: event.recipient, details: event.details,
      issuedAt: event.at, deadline: event.deadline, history: [step(event)], earlierSteps: 0, ...(event.manager ? { manager: event.manager } : {}),
    };
  }
  if (!notice) throw new Error(`${event.type} cannot start a takedown notice`);
  const next = { ...notice, ...keepLatestSteps({ history: notice.history, earlierSteps: notice.earlierSteps ?? 0 }, step(event), HISTORY_KEPT, HISTORY_MAX_CHARS) };
  switch (event.type) {
    case 'Acknowledged': return { ...next, state: 'acknowledged' };
    case 'RemovalConfirmed': return { ...next, state: 'removal_confirmed' };
    case 'Disputed': return { ...next, state: 'disputed' };
    case 'HelpRequested': return next;
    case 'RemovalVerified': return { ...next, state: 'verified' };
    case 'Reopened': return { ...next, state: 'reopened', deadline: event.deadline };
    case 'Upheld': return { ...next, state: 'upheld', deadline: event.deadline };
    case 'Withdrawn': return { ...next, state: 'withdrawn' };
    case 'Reminded': return next;
    case 'WentOverdue': return { ...next, state: 'overdue', escalatedAt: notice.escalatedAt ?? event.at };
    case 'InformationReceived': return { ...next, ...withInformation(notice, event) };
    default: return assertNever(event);
  }
}

/**
 * The snapshot keeps the latest steps only (every step stays in the audit events): at most 20, and at most
 * 20,000 characters of them. Worst case of the rest, as JSON (text doubles when it is all quotes or
 * backslashes): the explanation 4,002, the link 502, the other details about 500, issuer, recipient and
 * manager 1,257 (ids and names of 100 characters), the other fields about 400: 6,661. With the history,
 * 26,661. Colleagues' answers: the latest that fit in 2,600 characters (the newest always stays, and one at
 * its worst takes about 2,500: the answer 2,002, the colleague 419, the rest 80), and the references of the
 * latest 20 requests answered, about 400: 29,661 in all, below SNAPSHOT_MAX_CHARS (30,720), itself below the
 * 32,768 a table property holds.
 */
const HISTORY_KEPT = 20;
const HISTORY_MAX_CHARS = 20_000;
const INFORMATION_KEPT = 3;
const INFORMATION_MAX_CHARS = 2_600;
/** A repeated delivery comes within hours of the first, long before 20 more questions about the same notice are answered. */
const INFORMATION_REQUESTS_KEPT = 20;

function withInformation(notice: TakedownNotice, event: Extract<TakedownEvent, { type: 'InformationReceived' }>): Pick<TakedownNotice, 'information' | 'informationFrom'> {
  const latest: TakedownInformation = { request: event.request, from: event.from, answer: event.answer, at: event.at };
  const { history: information } = keepLatestSteps({ history: notice.information ?? [], earlierSteps: 0 }, latest, INFORMATION_KEPT, INFORMATION_MAX_CHARS);
  return { information, informationFrom: [...(notice.informationFrom ?? []), event.request].slice(-INFORMATION_REQUESTS_KEPT) };
}

function step(event: TakedownEvent): TakedownStep {
  const note = 'note' in event ? event.note : undefined;
  return { action: event.type, by: event.by, at: event.at, ...(note ? { note } : {}), ...(event.type === 'InformationReceived' ? { from: event.from } : {}) };
}
