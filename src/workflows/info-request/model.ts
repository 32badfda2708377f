import { keepLatestSteps, tooLong, withinSnapshotLimit } from '../../domain/bounds';
import type { CommandContext } from '../../domain/decider';
import { ANSWER_MAX } from '../../domain/information';
import { formatLondonDateTime } from '../../domain/london-time';
import { accept, assertNever, Decision, reject } from '../../domain/outcome';
import { Actor, hasRole, Person, samePerson, SYSTEM } from '../../domain/people';
import { parseReference, prefixOf } from '../../domain/references';

/**
 * Information requests (issue 12, "Information from colleagues"; DESIGN.md section 5). Policy: "The
 * Communications Team also currently co-ordinates and handles responses to customers' posts on social media
 * with the help and support of frontline and Group colleagues. All employees ... have a responsibility to
 * provide information timeously and accurately." Comms asks a colleague a question from a case; the colleague
 * answers it, or says who to ask instead. Pure: the due time is worked out outside (working time).
 */

/** The cases a question is asked from: customer posts, takedown notices and staff concerns. */
export const PARENT_PREFIXES: readonly string[] = ['CP', 'TD', 'SC'];
export const QUESTION_MIN = 10;
export const QUESTION_MAX = 1000;
export const REASON_MIN = 5;
/** The "why them" line when passing a question on (`maxLength` in cards/info-request.json). */
export const REASON_MAX = 300;
export const NOT_FOUND = 'I can\'t find that question, or you don\'t have a part in it.';

export type InformationRequestState = 'asked' | 'overdue' | 'answered' | 'withdrawn';

export interface InformationRequestDetails {
  readonly question: string;
  /** The post the case is about, if it has one: besides the question, all the colleague sees of the case. */
  readonly link?: string;
}

export interface InformationRequestStep {
  readonly action: InformationRequestEvent['type'];
  readonly by: Person;
  readonly at: string;
  readonly note?: string;
  /** Who the question went to at this step (asked, passed on). */
  readonly to?: Person;
}

export interface InformationRequest {
  readonly reference: string;
  readonly state: InformationRequestState;
  /** The case the question was asked from: the answer lands there. */
  readonly about: string;
  readonly asker: Person;
  /** Who is asked now: passing the question on replaces them. */
  readonly colleague: Person;
  /** The colleague's line manager, told only if the answer is overdue. */
  readonly manager?: Person;
  readonly details: InformationRequestDetails;
  readonly askedAt: string;
  readonly dueAt: string;
  /** The due time whose half-way reminder was sent: one reminder a due time. */
  readonly remindedFor?: string;
  /** When the current colleague's answer went overdue and their manager was told: from then on the manager may see it. */
  readonly escalatedAt?: string;
  readonly answer?: { readonly text: string; readonly by: Person; readonly at: string };
  /** The latest steps (see HISTORY_KEPT); every step is also an audit event row. */
  readonly history: readonly InformationRequestStep[];
  readonly earlierSteps: number;
}

export type InformationRequestEvent =
  | { type: 'InformationRequested'; at: string; by: Person; reference: string; about: string; colleague: Person; manager?: Person; details: InformationRequestDetails; dueAt: string }
  | { type: 'PassedOn'; at: string; by: Person; colleague: Person; manager?: Person; reason: string; dueAt: string }
  | { type: 'Answered'; at: string; by: Person; answer: string }
  | { type: 'Withdrawn'; at: string; by: Person }
  | { type: 'Reminded'; at: string; by: Person }
  | { type: 'WentOverdue'; at: string; by: Person };

export type InformationRequestCommand =
  | { type: 'ask'; reference: string; about: string; colleague: Person; manager?: Person; details: InformationRequestDetails; dueAt: string }
  | { type: 'answer'; answer: string }
  /**
   * `colleague`: undefined when the directory does not know the person chosen. The due time stays the asker's;
   * `dueIfPast` is the new one when it has already passed, so the new colleague is not overdue from the start.
   */
  | { type: 'passOn'; colleague?: Person; manager?: Person; reason: string; dueIfPast: string }
  | { type: 'withdraw' }
  /** Timers: `basis` is the due time they were set for; after a new due time, old timers do nothing. */
  | { type: 'remind'; basis: string }
  | { type: 'markOverdue'; basis: string };

const OPEN: readonly InformationRequestState[] = ['asked', 'overdue'];

/** A reference to a case a question may be asked from, or undefined (another kind of case, or no reference). */
export function parentReference(raw: unknown): string | undefined {
  const reference = parseReference(raw);
  return reference && PARENT_PREFIXES.includes(prefixOf(reference) ?? '') ? reference : undefined;
}

/** Who may see a question: the asker, the colleague asked now, the Communications Team, admins, and the colleague's manager once it is overdue. */
export function canSeeRequest(request: InformationRequest, viewer: Actor): boolean {
  if (samePerson(request.asker, viewer) || samePerson(request.colleague, viewer) || hasRole(viewer, 'comms') || hasRole(viewer, 'admin')) return true;
  return samePerson(request.manager, viewer) && request.escalatedAt !== undefined;
}

export function isOpen(request: InformationRequest): boolean {
  return OPEN.includes(request.state);
}

/** What a command does to a question: the events it causes, or why it is refused (also when the question could not hold the result). */
export function decide(request: InformationRequest | undefined, command: InformationRequestCommand, context: CommandContext): Decision<InformationRequestEvent> {
  const long = tooLongInput(command);
  if (long) return long;
  return withinSnapshotLimit(decideCommand(request, command, context), request, evolve,
    'That is more than this question can hold. Shorten the text and send it again.');
}

/** A text longer than its input allows, refused next to that input. */
function tooLongInput(command: InformationRequestCommand) {
  const text = command.type === 'ask' ? { field: 'question', value: command.details.question, max: QUESTION_MAX }
    : command.type === 'answer' ? { field: 'answer', value: command.answer, max: ANSWER_MAX }
      : command.type === 'passOn' ? { field: 'reason', value: command.reason, max: REASON_MAX } : undefined;
  const long = text && tooLong(text.value.trim(), text.max, text.field);
  return text && long ? reject('invalid', long, { [text.field]: long }) : undefined;
}

function decideCommand(request: InformationRequest | undefined, command: InformationRequestCommand, context: CommandContext): Decision<InformationRequestEvent> {
  if (command.type === 'ask') return decideAsk(request, command, context);
  if (!request || (context.actor.id !== SYSTEM.id && !canSeeRequest(request, context.actor))) return reject('not_found', NOT_FOUND);
  const at = context.now.toISOString();
  const by: Person = { id: context.actor.id, name: context.actor.name };
  switch (command.type) {
    case 'answer': return decideAnswer(request, command, by, at);
    case 'passOn': return decidePassOn(request, command, by, at);
    case 'withdraw': return decideWithdraw(request, context.actor, at);
    case 'remind':
    case 'markOverdue':
      return decideTimer(request, command, context);
    default: return assertNever(command);
  }
}

function decideAsk(request: InformationRequest | undefined, command: Extract<InformationRequestCommand, { type: 'ask' }>, { actor, now }: CommandContext): Decision<InformationRequestEvent> {
  if (request) return reject('wrong_state', `${request.reference} has already been asked.`);
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team asks colleagues for information.');
  if (!parentReference(command.about)) return reject('invalid', 'Questions are asked from a customer post, a takedown notice or a concern.');
  if (samePerson(command.colleague, actor)) return reject('invalid', 'You can\'t ask yourself.', { colleague: 'Choose the colleague who can answer.' });
  const question = command.details.question.trim();
  if (question.length < QUESTION_MIN) return reject('invalid', 'Please check the highlighted fields.', { question: `Ask the question in a sentence (at least ${QUESTION_MIN} characters).` });
  if (command.dueAt <= now.toISOString()) return reject('invalid', 'The due time must be in the future.', { due: 'Choose a due time in the future.' });
  const { type: _type, details, ...asked } = command;
  return accept({ type: 'InformationRequested', at: now.toISOString(), by: { id: actor.id, name: actor.name }, ...asked, details: { ...details, question } });
}

function decideAnswer(request: InformationRequest, command: Extract<InformationRequestCommand, { type: 'answer' }>, by: Person, at: string): Decision<InformationRequestEvent> {
  const answer = command.answer.trim();
  if (request.state === 'answered' && samePerson(request.answer?.by, by) && request.answer?.text === answer) return accept();
  if (!samePerson(request.colleague, by)) return reject('forbidden', `Only ${request.colleague.name}, who was asked, can answer it.`);
  if (!isOpen(request)) return closedRefusal(request);
  if (!answer) return reject('invalid', 'Write your answer before sending it.', { answer: 'Write your answer.' });
  return accept({ type: 'Answered', at, by, answer });
}

function decidePassOn(request: InformationRequest, command: Extract<InformationRequestCommand, { type: 'passOn' }>, by: Person, at: string): Decision<InformationRequestEvent> {
  if (!samePerson(request.colleague, by)) return reject('forbidden', `Only ${request.colleague.name}, who was asked, can pass it on.`);
  if (!isOpen(request)) return closedRefusal(request);
  const { colleague, manager } = command;
  const problem = colleague ? passOnProblem(request, colleague, command.reason, by) : { newColleague: 'Choose who to ask instead from the staff directory.' };
  if (!colleague || problem) return reject('invalid', 'Please check who to ask instead, and why.', problem);
  const dueAt = request.dueAt > at ? request.dueAt : command.dueIfPast;
  if (dueAt <= at) return reject('invalid', 'The due time must be in the future.');
  return accept({ type: 'PassedOn', at, by, colleague, ...(manager ? { manager } : {}), reason: command.reason.trim(), dueAt });
}

function passOnProblem(request: InformationRequest, colleague: Person, reason: string, by: Person): Record<string, string> | undefined {
  if (samePerson(colleague, by)) return { newColleague: 'Choose someone other than yourself.' };
  if (samePerson(colleague, request.asker)) return { newColleague: `${request.asker.name} asked the question: choose someone else.` };
  if (reason.trim().length < REASON_MIN) return { reason: 'Say why they can answer it.' };
  return undefined;
}

function decideWithdraw(request: InformationRequest, actor: Actor, at: string): Decision<InformationRequestEvent> {
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team can withdraw a question.');
  const last = request.history[request.history.length - 1];
  if (request.state === 'withdrawn' && last?.action === 'Withdrawn' && samePerson(last.by, actor)) return accept();
  if (!isOpen(request)) return closedRefusal(request);
  return accept({ type: 'Withdrawn', at, by: { id: actor.id, name: actor.name } });
}

/** Half-way reminder and due time: only for the due time they were set for, once, while the answer is awaited. */
function decideTimer(request: InformationRequest, command: Extract<InformationRequestCommand, { type: 'remind' | 'markOverdue' }>, { actor, now }: CommandContext): Decision<InformationRequestEvent> {
  if (actor.id !== SYSTEM.id || request.state !== 'asked' || request.dueAt !== command.basis) return accept();
  const at = now.toISOString();
  const by: Person = { id: actor.id, name: actor.name };
  if (command.type === 'markOverdue') return at >= request.dueAt ? accept({ type: 'WentOverdue', at, by }) : accept();
  // A half-way reminder that comes late (the scheduler catching up) would only repeat the overdue message.
  return at < request.dueAt && request.remindedFor !== request.dueAt ? accept({ type: 'Reminded', at, by }) : accept();
}

function closedRefusal(request: InformationRequest) {
  if (request.state === 'answered' && request.answer) {
    return reject('already_decided', `${request.reference} was already answered by ${request.answer.by.name} on ${formatLondonDateTime(request.answer.at)}.`);
  }
  const last = request.history[request.history.length - 1];
  return reject('already_decided', `${request.reference} was withdrawn${last?.action === 'Withdrawn' ? ` by ${last.by.name} on ${formatLondonDateTime(last.at)}` : ''}: nothing more is needed.`);
}

export function evolve(request: InformationRequest | undefined, event: InformationRequestEvent): InformationRequest {
  if (event.type === 'InformationRequested') {
    return {
      reference: event.reference, state: 'asked', about: event.about, asker: event.by, colleague: event.colleague, details: event.details,
      askedAt: event.at, dueAt: event.dueAt, history: [step(event)], earlierSteps: 0, ...(event.manager ? { manager: event.manager } : {}),
    };
  }
  if (!request) throw new Error(`${event.type} cannot start an information request`);
  const next = { ...request, ...keepLatestSteps({ history: request.history, earlierSteps: request.earlierSteps }, step(event), HISTORY_KEPT, HISTORY_MAX_CHARS) };
  switch (event.type) {
    case 'PassedOn': {
      const { manager: _manager, escalatedAt: _escalatedAt, ...rest } = next;
      return { ...rest, state: 'asked', colleague: event.colleague, dueAt: event.dueAt, ...(event.manager ? { manager: event.manager } : {}) };
    }
    case 'Answered': return { ...next, state: 'answered', answer: { text: event.answer, by: event.by, at: event.at } };
    case 'Withdrawn': return { ...next, state: 'withdrawn' };
    case 'Reminded': return { ...next, remindedFor: request.dueAt };
    case 'WentOverdue': return { ...next, state: 'overdue', escalatedAt: event.at };
    default: return assertNever(event);
  }
}

/**
 * The snapshot keeps the latest steps only (every step stays in the audit events): at most 20, and at most
 * 20,000 characters of them (a step passing the question on, at its worst, about 1,500). Worst case of the rest,
 * as JSON (text doubles when it is all quotes or backslashes): the question 2,002, the answer 2,002, the link
 * 502, asker, colleague, manager and the answer's author 1,676 (ids and names of 100 characters), the other
 * fields about 500: 6,682. With the history, 26,682: below SNAPSHOT_MAX_CHARS (30,720).
 */
const HISTORY_KEPT = 20;
const HISTORY_MAX_CHARS = 20_000;

/** The answer is kept once, in `answer`, not in the history as well. */
function step(event: InformationRequestEvent): InformationRequestStep {
  const base = { action: event.type, by: event.by, at: event.at };
  if (event.type === 'InformationRequested') return { ...base, to: event.colleague };
  if (event.type === 'PassedOn') return { ...base, to: event.colleague, note: event.reason };
  return base;
}
