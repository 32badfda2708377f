import { keepLatestSteps, tooLong, withinSnapshotLimit } from '../../domain/bounds';
import { isCalendarDate } from '../../domain/calendar-date';
import type { CommandContext } from '../../domain/decider';
import { ANSWER_MAX, InformationReceived } from '../../domain/information';
import { formatLocalDate, formatLondonDateTime } from '../../domain/london-time';
import { accept, assertNever, Decision, reject, Rejection } from '../../domain/outcome';
import { Actor, hasRole, Person, samePerson, SYSTEM } from '../../domain/people';
import type { Platform } from '../../domain/platforms';
import { parseReference } from '../../domain/references';
import { POST_STEP_EVENTS, PostStep, refusalFor } from './steps';

/**
 * Customer posts on the Communications Team's desk (DESIGN.md section 4; issue 12). Policy: "All customer
 * complaints are responded to as quickly as possible and always within 24 hours Monday to Friday. Comments
 * posted at the weekend are responded to on the first working day after the post is made." Appendix 1
 * section 4: "Aim to resolve the majority of enquiries within 5 working days but let the customer know if this
 * is not going to be possible." "We do not respond to posts on social media which contain offensive language
 * ... These posts are removed or hidden." Pure: deadlines are computed outside (working time) and come in as
 * instants; the model picks the one the post's kind owes.
 */
export const POST_KINDS = ['complaint', 'problem_or_enquiry', 'compliment', 'offensive', 'misinformation'] as const;
export type PostKind = (typeof POST_KINDS)[number];
export const MODERATIONS = ['hidden', 'removed'] as const;
export type Moderation = (typeof MODERATIONS)[number];

export const SUMMARY_MAX = 500;
export const HANDLE_MAX = 100;
/** A line on the card (what was said, why, the outcome): as the card's inputs allow it. */
export const LINE_MAX = 500;
export const COMPLAINTS_REFERENCE_MAX = 40;
/** A post may be logged a few minutes "ahead": the phone it was read on and the server may disagree on the time. */
export const FUTURE_LEEWAY_MS = 5 * 60_000;
/** A date to look again is at most a year away. */
const LOOK_AGAIN_MAX_MS = 366 * 86_400_000;

/** What was seen, and no more: no customer name; a handle only if one is needed. */
export interface PostDetails {
  readonly platform: Platform;
  readonly platformOther?: string;
  readonly link: string;
  /** When the customer posted it (ISO): the clocks count from here, even when it is logged later. */
  readonly postedAt: string;
  readonly kind: PostKind;
  readonly summary: string;
  readonly handle?: string;
}

/** The clock a post is on: the complaint's first response, or the enquiry's resolution. */
export type ClockKind = 'firstResponse' | 'resolution';

export interface PostClock {
  readonly kind: ClockKind;
  readonly dueAt: string;
  /** When this clock started (the post, a new date, a reopening): its reminder falls at three quarters from here. */
  readonly startedAt: string;
  readonly remindedAt?: string;
  readonly overdueAt?: string;
}

/** When each clock would end if it started at one moment: computed outside with the working-time calendar. */
export interface Deadlines {
  readonly firstResponse: string;
  readonly resolution: string;
}

/** `resolved`, `hidden_or_removed` and `handed_to_complaints` are closed (steps.ts, CLOSED_STATES). */
export type PostState = 'open' | 'responded' | 'monitoring' | 'resolved' | 'hidden_or_removed' | 'handed_to_complaints';

export interface InformationAnswer {
  readonly request: string;
  readonly from: Person;
  readonly answer: string;
  readonly at: string;
}

export interface PostHistoryStep {
  readonly action: CustomerPostEvent['type'];
  readonly by: Person;
  readonly at: string;
  /** What was said, why, the outcome, the complaints reference: as typed. */
  readonly note?: string;
  /** A new resolution date or the date to look again. */
  readonly dueAt?: string;
  readonly owner?: Person;
  readonly from?: Person;
  readonly request?: string;
  readonly moderation?: Moderation;
}

export interface CustomerPost {
  readonly reference: string;
  readonly state: PostState;
  readonly loggedBy: Person;
  readonly loggedAt: string;
  readonly owner?: Person;
  readonly details: PostDetails;
  readonly clock?: PostClock;
  readonly firstResponse?: { readonly at: string; readonly text: string };
  readonly resolution?: { readonly at: string; readonly outcome: string };
  readonly monitoring?: { readonly reason: string; readonly lookAgainAt: string; readonly toldAt?: string };
  readonly moderation?: { readonly action: Moderation; readonly at: string };
  readonly complaintsReference?: string;
  /** The latest answers from colleagues (see INFORMATION_KEPT), shown on the card. */
  readonly information: readonly InformationAnswer[];
  /** The information requests already answered here, so a repeated answer adds nothing (see REQUESTS_REMEMBERED). */
  readonly answeredRequests: readonly string[];
  /** The latest steps (see HISTORY_KEPT); every step is also an audit event row. */
  readonly history: readonly PostHistoryStep[];
  readonly earlierSteps: number;
}

type At = { at: string; by: Person };
export type CustomerPostEvent =
  | At & { type: 'PostLogged'; reference: string; details: PostDetails; clock?: PostClock }
  | At & { type: 'OwnerAssigned'; owner: Person }
  | At & { type: 'FirstResponseRecorded'; response: string }
  | At & { type: 'CustomerToldLonger'; dueAt: string; reason: string }
  | At & { type: 'Resolved'; outcome: string }
  | At & { type: 'MonitoringStarted'; reason: string; lookAgainAt: string }
  | At & { type: 'Moderated'; action: Moderation; platform: Platform; platformOther?: string; note?: string }
  | At & { type: 'HandedToComplaints'; complaintsReference: string }
  | At & { type: 'Reopened'; reason: string; clock?: PostClock }
  | At & { type: 'InformationReceived'; request: string; from: Person; answer: string }
  | At & { type: 'Reminded' }
  | At & { type: 'WentOverdue' }
  | At & { type: 'LookAgainDue' };

export type CustomerPostCommand =
  | { type: 'log'; reference: string; details: PostDetails; deadlines: Deadlines }
  /** `owner` as the directory has them (with their roles); undefined: the directory does not know who was chosen. */
  | { type: 'assign'; owner?: Actor }
  | { type: 'respond'; response: string }
  /** `newDate` as typed; `dueAt` the end of that working day, undefined when it is not a working day. */
  | { type: 'extend'; newDate: string; dueAt?: string; reason: string }
  | { type: 'resolve'; outcome: string }
  /** `lookAgainOn` as typed; `lookAgainAt` the start of that working day (or of the next one). */
  | { type: 'monitor'; reason: string; lookAgainOn: string; lookAgainAt?: string }
  | { type: 'moderate'; action?: Moderation; note: string }
  | { type: 'handToComplaints'; complaintsReference: string }
  /** `deadlines`: the clocks as they would run from the reopening. */
  | { type: 'reopen'; reason: string; deadlines: Deadlines }
  | InformationReceived
  /** Timers: `basis` is the deadline or date they were set for; after a new one, old timers do nothing. */
  | { type: 'remind'; basis: string }
  | { type: 'markOverdue'; basis: string }
  | { type: 'lookAgain'; basis: string };

const NOT_FOUND = 'I can\'t find that customer post, or you don\'t have a part in it.';

/** Customer posts are the Communications Team's: nobody else sees them (the customer is not a member of staff). */
export function canSeePost(_post: CustomerPost, viewer: Actor): boolean {
  return hasRole(viewer, 'comms');
}

/** The clock a kind of post owes from the moment `deadlines` count from: none for compliments, offensive posts and misinformation. */
export function clockOwed(kind: PostKind, alreadyAnswered: boolean, startedAt: string, deadlines: Deadlines): PostClock | undefined {
  if (kind === 'complaint' && !alreadyAnswered) return { kind: 'firstResponse', dueAt: deadlines.firstResponse, startedAt };
  if (kind === 'problem_or_enquiry') return { kind: 'resolution', dueAt: deadlines.resolution, startedAt };
  return undefined;
}

/** What a command does to a post: the events it causes, or why it is refused (also when the post could not hold the result). */
export function decide(post: CustomerPost | undefined, command: CustomerPostCommand, context: CommandContext): Decision<CustomerPostEvent> {
  return withinSnapshotLimit(decideCommand(post, command, context), post, evolve,
    'That is more than this post\'s record can hold. Shorten the text and send it again.');
}

function decideCommand(post: CustomerPost | undefined, command: CustomerPostCommand, context: CommandContext): Decision<CustomerPostEvent> {
  if (command.type === 'log') return decideLog(post, command, context);
  if (!post || (context.actor.id !== SYSTEM.id && !canSeePost(post, context.actor))) return reject('not_found', NOT_FOUND);
  switch (command.type) {
    case 'informationReceived': return decideInformation(post, command, context);
    case 'remind':
    case 'markOverdue':
    case 'lookAgain':
      return decideTimer(post, command, context);
    case 'assign':
    case 'respond':
    case 'extend':
    case 'resolve':
    case 'monitor':
    case 'moderate':
    case 'handToComplaints':
    case 'reopen':
      return decideStep(post, command, context);
    default: return assertNever(command);
  }
}

function decideLog(post: CustomerPost | undefined, command: Extract<CustomerPostCommand, { type: 'log' }>, { actor, now }: CommandContext): Decision<CustomerPostEvent> {
  if (post) return reject('wrong_state', `${post.reference} has already been logged.`);
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team logs customer posts.');
  const { details } = command;
  const errors: Record<string, string> = {};
  if (Date.parse(details.postedAt) > now.getTime() + FUTURE_LEEWAY_MS) errors.postedOn = 'The post can\'t be in the future: check the date and time.';
  const long = tooLong(details.summary, SUMMARY_MAX, 'summary') ?? (details.summary.trim() === '' ? 'Say briefly what the post says.' : undefined);
  if (long) errors.summary = long;
  const handle = tooLong(details.handle, HANDLE_MAX, 'handle');
  if (handle) errors.handle = handle;
  if (Object.keys(errors).length > 0) return reject('invalid', 'Please check the highlighted fields.', errors);
  const clock = clockOwed(details.kind, false, details.postedAt, command.deadlines);
  return accept({ type: 'PostLogged', at: now.toISOString(), by: person(actor), reference: command.reference, details, ...(clock ? { clock } : {}) });
}

type StepCommand = Extract<CustomerPostCommand, { type: PostStep }>;

/** The Communications Team's steps: each allowed only where `refusalFor` finds nothing against it. */
function decideStep(post: CustomerPost, command: StepCommand, { actor, now }: CommandContext): Decision<CustomerPostEvent> {
  if (!hasRole(actor, 'comms')) return reject('forbidden', 'Only the Communications Team can do that.');
  const by = person(actor);
  const at = now.toISOString();
  const refused = refusalFor(post, command.type);
  if (refused) return isRepeat(post, command.type, by) ? accept() : refused;
  switch (command.type) {
    case 'assign': {
      if (!command.owner || !hasRole(command.owner, 'comms')) return invalid({ owner: 'Choose a member of the Communications Team.' });
      return samePerson(post.owner, command.owner) ? accept() : accept({ type: 'OwnerAssigned', at, by, owner: person(command.owner) });
    }
    case 'respond':
      return checked({ response: required(command.response, LINE_MAX, 'Say what was said to the customer, in a line.') })
        ?? accept({ type: 'FirstResponseRecorded', at, by, response: command.response.trim() });
    case 'extend':
      return decideExtend(post, command, at, by);
    case 'resolve':
      return checked({ outcome: required(command.outcome, LINE_MAX, 'Say how it was resolved, in a line.') })
        ?? accept({ type: 'Resolved', at, by, outcome: command.outcome.trim() });
    case 'monitor':
      return decideMonitor(post, command, now, by);
    case 'moderate':
      return decideModerate(post, command, at, by);
    case 'handToComplaints': {
      const complaintsReference = command.complaintsReference.trim();
      const oneLine = /[\r\n]/.test(complaintsReference) ? 'Give the reference on one line.' : undefined;
      return checked({ complaintsReference: required(complaintsReference, COMPLAINTS_REFERENCE_MAX, 'Give the complaint\'s reference in the complaints system.') ?? oneLine })
        ?? accept({ type: 'HandedToComplaints', at, by, complaintsReference });
    }
    case 'reopen': {
      const clock = clockOwed(post.details.kind, post.firstResponse !== undefined, at, command.deadlines);
      return checked({ reopenReason: required(command.reason, LINE_MAX, 'Say why the post is reopened.') })
        ?? accept({ type: 'Reopened', at, by, reason: command.reason.trim(), ...(clock ? { clock } : {}) });
    }
  }
}

/** Appendix 1 section 4: "let the customer know if this is not going to be possible": a later date, and why. */
function decideExtend(post: CustomerPost, command: Extract<CustomerPostCommand, { type: 'extend' }>, at: string, by: Person): Decision<CustomerPostEvent> {
  const reason = command.reason.trim();
  if (post.clock?.dueAt === command.dueAt && lastStep(post)?.action === 'CustomerToldLonger' && samePerson(lastStep(post)?.by, by)) return accept();
  const current = post.clock ? formatLondonDateTime(post.clock.dueAt) : '';
  let newDate: string | undefined;
  if (!isCalendarDate(command.newDate)) newDate = 'Choose the new date.';
  else if (!command.dueAt) newDate = `Choose a working day: ${formatLocalDate(command.newDate)} is a weekend or a holiday.`;
  else if (command.dueAt <= at) newDate = 'The new date must be in the future.';
  else if (post.clock && command.dueAt <= post.clock.dueAt) newDate = `The new date must be later than the current one (${current}).`;
  return checked({ newDate, longerReason: required(reason, LINE_MAX, 'Say why it will take longer.') })
    ?? accept({ type: 'CustomerToldLonger', at, by, dueAt: command.dueAt ?? '', reason });
}

/** "The Communications Team continues to monitor the social media reaction. They then intervene if and when it is right to do so." */
function decideMonitor(post: CustomerPost, command: Extract<CustomerPostCommand, { type: 'monitor' }>, now: Date, by: Person): Decision<CustomerPostEvent> {
  const reason = command.reason.trim();
  if (post.monitoring && post.monitoring.lookAgainAt === command.lookAgainAt && post.monitoring.reason === reason) return accept();
  let lookAgainOn: string | undefined;
  if (!isCalendarDate(command.lookAgainOn) || !command.lookAgainAt) lookAgainOn = 'Choose the date to look again.';
  else if (Date.parse(command.lookAgainAt) <= now.getTime()) lookAgainOn = 'The date to look again must be in the future.';
  else if (Date.parse(command.lookAgainAt) > now.getTime() + LOOK_AGAIN_MAX_MS) lookAgainOn = 'Choose a date within a year.';
  return checked({ lookAgainOn, monitorReason: required(reason, LINE_MAX, 'Say why it is better not to comment.') })
    ?? accept({ type: 'MonitoringStarted', at: now.toISOString(), by, reason, lookAgainAt: command.lookAgainAt ?? '' });
}

/** "These posts are removed or hidden": what was done, when (now) and where (the post's own site). No response is owed. */
function decideModerate(post: CustomerPost, command: Extract<CustomerPostCommand, { type: 'moderate' }>, at: string, by: Person): Decision<CustomerPostEvent> {
  const note = command.note.trim();
  const long = tooLong(note, LINE_MAX, 'note');
  if (!command.action || long) {
    return invalid({ ...(command.action ? {} : { moderation: 'Say whether the post was hidden or removed.' }), ...(long ? { moderationNote: long } : {}) });
  }
  const { platform, platformOther } = post.details;
  return accept({ type: 'Moderated', at, by, action: command.action, platform, ...(platformOther ? { platformOther } : {}), ...(note ? { note } : {}) });
}

/** A colleague's answer, sent by their information request: only from the system, once per request, bounded. */
function decideInformation(post: CustomerPost, command: InformationReceived, { actor, now }: CommandContext): Decision<CustomerPostEvent> {
  if (actor.id !== SYSTEM.id) return reject('forbidden', 'Answers from colleagues arrive through their information request.');
  const request = parseReference(command.request);
  if (!request) return reject('invalid', 'That is not an information request reference.');
  if (post.answeredRequests.includes(request)) return accept();
  const answer = clip(command.answer.trim(), ANSWER_MAX);
  return accept({ type: 'InformationReceived', at: now.toISOString(), by: person(actor), request, from: person(command.from), answer });
}

/** The reminder at three quarters, the deadline, and the date to look again: each only for what it was set for, once. */
function decideTimer(post: CustomerPost, command: Extract<CustomerPostCommand, { type: 'remind' | 'markOverdue' | 'lookAgain' }>, { actor, now }: CommandContext): Decision<CustomerPostEvent> {
  if (actor.id !== SYSTEM.id) return accept();
  const at = now.toISOString();
  const by = person(actor);
  if (command.type === 'lookAgain') {
    const monitoring = post.state === 'monitoring' ? post.monitoring : undefined;
    const due = monitoring && monitoring.lookAgainAt === command.basis && !monitoring.toldAt && at >= monitoring.lookAgainAt;
    return due ? accept({ type: 'LookAgainDue', at, by }) : accept();
  }
  const clock = post.clock;
  if (!clock || clock.dueAt !== command.basis || clock.overdueAt) return accept();
  if (command.type === 'markOverdue') return at >= clock.dueAt ? accept({ type: 'WentOverdue', at, by }) : accept();
  // A reminder that comes late (the scheduler catching up, a post logged late) would only repeat the overdue message.
  return !clock.remindedAt && at < clock.dueAt ? accept({ type: 'Reminded', at, by }) : accept();
}

/** A double click, or a retried delivery, on a step already taken by the same person: nothing happens twice. */
function isRepeat(post: CustomerPost, step: PostStep, by: Person): boolean {
  const last = lastStep(post);
  return last !== undefined && last.action === POST_STEP_EVENTS[step] && samePerson(last.by, by);
}

function lastStep(post: CustomerPost): PostHistoryStep | undefined {
  return post.history[post.history.length - 1];
}

/** The problem with a required line, if any: missing or too long. */
function required(text: string, max: number, missing: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? missing : tooLong(trimmed, max, 'text');
}

/** A refusal naming every problem next to its field, or undefined when there is none. */
function checked(problems: Readonly<Record<string, string | undefined>>): Rejection | undefined {
  const errors = Object.fromEntries(Object.entries(problems).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return Object.keys(errors).length > 0 ? invalid(errors) : undefined;
}

function invalid(errors: Record<string, string>): Rejection {
  const messages = Object.values(errors);
  return reject('invalid', messages.length === 1 ? messages[0]! : 'Please check the highlighted fields.', errors);
}

function person(actor: Person): Person {
  return { id: actor.id, name: actor.name };
}

/** At most `max` characters, never ending in half of a surrogate pair. */
function clip(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

export function evolve(post: CustomerPost | undefined, event: CustomerPostEvent): CustomerPost {
  if (event.type === 'PostLogged') {
    return {
      reference: event.reference, state: 'open', loggedBy: event.by, loggedAt: event.at, details: event.details,
      information: [], answeredRequests: [], history: [step(event)], earlierSteps: 0, ...(event.clock ? { clock: event.clock } : {}),
    };
  }
  if (!post) throw new Error(`${event.type} cannot start a customer post`);
  const next: CustomerPost = { ...post, ...keepLatestSteps({ history: post.history, earlierSteps: post.earlierSteps }, step(event), HISTORY_KEPT, HISTORY_MAX_CHARS) };
  switch (event.type) {
    case 'OwnerAssigned': return { ...next, owner: event.owner };
    case 'FirstResponseRecorded': {
      const { monitoring: _monitoring, ...rest } = next;
      const clock = next.clock?.kind === 'firstResponse' ? undefined : next.clock;
      return { ...withoutClock(rest), state: 'responded', firstResponse: { at: event.at, text: event.response }, ...(clock ? { clock } : {}) };
    }
    case 'CustomerToldLonger': return { ...next, clock: { kind: 'resolution', dueAt: event.dueAt, startedAt: event.at } };
    case 'Resolved': return { ...closed(next), state: 'resolved', resolution: { at: event.at, outcome: event.outcome } };
    case 'MonitoringStarted': return { ...withoutClock(next), state: 'monitoring', monitoring: { reason: event.reason, lookAgainAt: event.lookAgainAt } };
    case 'Moderated': return { ...closed(next), state: 'hidden_or_removed', moderation: { action: event.action, at: event.at } };
    case 'HandedToComplaints': return { ...closed(next), state: 'handed_to_complaints', complaintsReference: event.complaintsReference };
    case 'Reopened': {
      const { resolution: _resolution, moderation: _moderation, ...rest } = closed(next);
      return { ...rest, state: post.firstResponse ? 'responded' : 'open', ...(event.clock ? { clock: event.clock } : {}) };
    }
    case 'InformationReceived': return {
      ...next,
      information: [...post.information, { request: event.request, from: event.from, answer: event.answer, at: event.at }].slice(-INFORMATION_KEPT),
      answeredRequests: [...post.answeredRequests, event.request].slice(-REQUESTS_REMEMBERED),
    };
    case 'Reminded': return post.clock ? { ...next, clock: { ...post.clock, remindedAt: event.at } } : next;
    case 'WentOverdue': return post.clock ? { ...next, clock: { ...post.clock, overdueAt: event.at } } : next;
    case 'LookAgainDue': return post.monitoring ? { ...next, monitoring: { ...post.monitoring, toldAt: event.at } } : next;
    default: return assertNever(event);
  }
}

function withoutClock<T extends { clock?: PostClock }>(post: T): Omit<T, 'clock'> {
  const { clock: _clock, ...rest } = post;
  return rest;
}

/** A closed post owes nothing: no clock runs and nothing is being monitored. */
function closed(post: CustomerPost): Omit<CustomerPost, 'clock' | 'monitoring'> {
  const { monitoring: _monitoring, ...rest } = withoutClock(post);
  return rest;
}

/**
 * The snapshot keeps the latest steps only (every step stays in the audit events): at most 20, and at most
 * 12,000 characters of them. Worst case of the rest, as JSON (text doubles when it is all quotes or
 * backslashes): the details 2,000 (summary 1,002, link 502, handle 202, other site 122, the rest about 170);
 * the logger and owner 840 (ids and names of 100 characters); the first response, outcome and reason to
 * look again 1,002 each and the complaints reference 82; the clock, dates and other fields about 700; the
 * latest {@link INFORMATION_KEPT} answers 2,500 each (answer 2,002, who answered 420, request and time 80):
 * 7,500; the {@link REQUESTS_REMEMBERED} answered requests about 1,300: 15,430. With the history, 27,430:
 * below SNAPSHOT_MAX_CHARS (30,720), itself below the 32,768 a table property holds.
 */
const HISTORY_KEPT = 20;
const HISTORY_MAX_CHARS = 12_000;
/** The card shows the latest answers from colleagues; every answer is also in the audit events and with its request. */
export const INFORMATION_KEPT = 3;
/** Enough for any retried delivery of an answer (they come within minutes), far more than a post ever asks. */
const REQUESTS_REMEMBERED = 50;

function step(event: CustomerPostEvent): PostHistoryStep {
  const base = { action: event.type, by: event.by, at: event.at };
  switch (event.type) {
    case 'OwnerAssigned': return { ...base, owner: event.owner };
    case 'FirstResponseRecorded': return { ...base, note: event.response };
    case 'CustomerToldLonger': return { ...base, note: event.reason, dueAt: event.dueAt };
    case 'Resolved': return { ...base, note: event.outcome };
    case 'MonitoringStarted': return { ...base, note: event.reason, dueAt: event.lookAgainAt };
    case 'Moderated': return { ...base, moderation: event.action, ...(event.note ? { note: event.note } : {}) };
    case 'HandedToComplaints': return { ...base, note: event.complaintsReference };
    case 'Reopened': return { ...base, note: event.reason };
    case 'InformationReceived': return { ...base, from: event.from, request: event.request };
    default: return base;
  }
}
