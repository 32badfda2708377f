import type { Platform } from '../../domain/platforms';
import { keepLatestSteps, tooLong, withinSnapshotLimit } from '../../domain/bounds';
import type { CommandContext } from '../../domain/decider';
import { accept, assertNever, Decision, reject, Rejection } from '../../domain/outcome';
import { Actor, DIRECTORY_SYNC, hasRole, Person, samePerson, SYSTEM } from '../../domain/people';
import { formatLondonDateTime } from '../../domain/london-time';
import type { LocalDate } from '../../domain/working-time';

/**
 * Access requests (DESIGN.md section 1). Policy, Scope: "Staff wishing to access social media as part of
 * their job can request to do so by presenting a business case in the first instance to their manager."
 * Pure: no I/O, no clock; `now` comes in with the command.
 */
/** The sites access is asked for: the one list of src/domain/platforms.ts. */
export type AccessSite = Platform;

/** `view`: view sites during working hours. `post`: post on the Group's behalf (needs Comms sign-off). */
export type AccessKind = 'view' | 'post';

export interface AccessRequestDetails {
  readonly sites: readonly AccessSite[];
  readonly otherSite?: string;
  readonly kind: AccessKind;
  readonly businessCase: string;
  readonly startDate: LocalDate;
  readonly endDate: LocalDate;
}

export type AccessRequestState =
  | 'submitted' | 'info_requested' | 'awaiting_comms' | 'active'
  | 'rejected' | 'withdrawn' | 'revoked' | 'expired';

/** One line of the case's visible history; the full audit trail is the event stream. */
export interface AccessRequestStep {
  readonly action: AccessRequestEvent['type'];
  readonly by: Person;
  readonly at: string;
  readonly comment?: string;
}

/**
 * Where the approver stands to the requester in the directory's management chain (issue 13: "the approver is
 * the requester's line manager, or someone above them; naming anyone else needs a reason and tells the line
 * manager"). Worked out from the directory by the service; requests made before it was recorded have none.
 */
export type ApproverStanding = 'line_manager' | 'above_line_manager' | 'other';
export const APPROVER_REASON_MAX = 300;
/** A sentence, not "n/a". */
const MIN_APPROVER_REASON = 10;

/** Who is asked to approve, and, for anyone but the line manager or above, why and who else is told. */
export interface ApproverChoice {
  readonly approver: Person;
  readonly approverStanding?: ApproverStanding;
  /** Required when the standing is `other`. */
  readonly approverReason?: string;
  /** The requester's line manager from the directory, told when someone else is named. */
  readonly lineManager?: Person;
  /**
   * The person named, when they are away and their delegate (`approver`) decides for them (out of office,
   * src/directory/delegation.ts): told, and shown on the card and in the audit trail. The standing is theirs.
   */
  readonly actingFor?: Person;
}

export interface AccessRequest {
  readonly reference: string;
  readonly state: AccessRequestState;
  readonly requester: Person;
  readonly approver: Person;
  readonly approverStanding?: ApproverStanding;
  readonly approverReason?: string;
  /** The requester's line manager, kept (and shown the request) only when someone else was asked to approve. */
  readonly lineManager?: Person;
  /** The approver named but away: their delegate decides (ApproverChoice.actingFor). */
  readonly actingFor?: Person;
  readonly details: AccessRequestDetails;
  readonly submittedAt: string;
  /** Kept so the second sign-off for `post` access is never the approving manager. */
  readonly managerApproval?: { readonly by: Person; readonly at: string };
  /** The latest steps (see HISTORY_KEPT); every step is also an audit event row. */
  readonly history: readonly AccessRequestStep[];
  /** Steps older than `history`, kept only in the audit events (absent in requests stored before it was counted). */
  readonly earlierSteps?: number;
}

export type AccessRequestEvent =
  | ({ type: 'AccessRequested'; at: string; by: Person; reference: string; details: AccessRequestDetails } & ApproverChoice)
  | { type: 'ApprovedByManager'; at: string; by: Person; comment?: string }
  | { type: 'RejectedByManager'; at: string; by: Person; comment: string }
  | { type: 'MoreInformationRequested'; at: string; by: Person; comment: string }
  | ({ type: 'Resubmitted'; at: string; by: Person; details: AccessRequestDetails; comment?: string } & ApproverChoice)
  | { type: 'ApproverChanged'; at: string; by: Person; approver: Person; approverStanding?: ApproverStanding; actingFor?: Person }
  | { type: 'SignedOffByComms'; at: string; by: Person; comment?: string }
  | { type: 'RejectedByComms'; at: string; by: Person; comment: string }
  | { type: 'Withdrawn'; at: string; by: Person }
  | { type: 'Revoked'; at: string; by: Person; comment: string }
  | { type: 'Expired'; at: string; by: Person }
  | { type: 'ApproverReminded'; at: string; by: Person }
  | { type: 'ApprovalEscalated'; at: string; by: Person }
  | { type: 'ExpiryReminded'; at: string; by: Person };

export type AccessRequestCommand =
  | ({ type: 'submit'; reference: string; details: AccessRequestDetails } & ApproverChoice)
  | { type: 'approve'; comment?: string }
  | { type: 'reject'; comment: string }
  | { type: 'requestInfo'; comment: string }
  | ({ type: 'resubmit'; details: AccessRequestDetails; comment?: string } & ApproverChoice)
  | { type: 'changeApprover'; approver: Person; approverStanding?: ApproverStanding; actingFor?: Person }
  | { type: 'commsSignOff'; comment?: string }
  | { type: 'commsReject'; comment: string }
  | { type: 'withdraw' }
  | { type: 'revoke'; comment: string }
  | { type: 'expire' }
  /** Timers: `basis` is when the wait they were set for began; a timer from an earlier wait does nothing. */
  | { type: 'remindApprover'; basis: string }
  | { type: 'escalate'; basis: string }
  | { type: 'remindExpiry' };

const MIN_REASON = 5;
/** Comments as the card's input allows them (`maxLength` in cards/access-request.json). */
export const COMMENT_MAX = 500;

/** Decides what a command does to a request: the events it causes, or why it is refused (also when the request could not hold the result). */
export function decide(
  request: AccessRequest | undefined,
  command: AccessRequestCommand,
  context: CommandContext,
): Decision<AccessRequestEvent> {
  const long = 'comment' in command ? tooLong(command.comment?.trim(), COMMENT_MAX, 'comment') : undefined;
  if (long) return reject('invalid', long, { comment: long });
  return withinSnapshotLimit(decideCommand(request, command, context), request, evolve,
    'That is more than this request can hold. Shorten the comment and send it again.');
}

function decideCommand(
  request: AccessRequest | undefined,
  command: AccessRequestCommand,
  context: CommandContext,
): Decision<AccessRequestEvent> {
  if (command.type === 'submit') return decideSubmit(request, command, context);
  if (!request) return reject('not_found', 'That access request does not exist.');
  switch (command.type) {
    case 'approve': return decideManagerDecision(request, command, context);
    case 'reject': return decideManagerDecision(request, command, context);
    case 'requestInfo': return decideManagerDecision(request, command, context);
    case 'resubmit': return decideResubmit(request, command, context);
    case 'changeApprover': return decideChangeApprover(request, command, context);
    case 'commsSignOff': return decideCommsDecision(request, command, context);
    case 'commsReject': return decideCommsDecision(request, command, context);
    case 'withdraw': return decideWithdraw(request, context);
    case 'revoke': return decideRevoke(request, command, context);
    case 'expire': return decideExpire(request, context);
    case 'remindApprover':
    case 'escalate':
      return decideWaitTimer(request, command, context);
    case 'remindExpiry':
      return context.actor.id === SYSTEM.id && request.state === 'active' && !request.history.some((s) => s.action === 'ExpiryReminded')
        ? accept({ type: 'ExpiryReminded', at: context.now.toISOString(), by: person(context.actor) }) : accept();
    default: return assertNever(command);
  }
}

function decideSubmit(
  request: AccessRequest | undefined,
  command: Extract<AccessRequestCommand, { type: 'submit' }>,
  { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  if (request) return reject('wrong_state', `${request.reference} has already been submitted.`);
  if (samePerson(command.approver, actor)) return selfApprovalRefusal();
  const choice = approverChoice(command);
  if (!choice.ok) return choice;
  return accept({
    type: 'AccessRequested', at: now.toISOString(), by: person(actor),
    reference: command.reference, details: command.details, ...choice.value,
  });
}

function decideManagerDecision(
  request: AccessRequest,
  command: Extract<AccessRequestCommand, { type: 'approve' | 'reject' | 'requestInfo' }>,
  { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  const at = now.toISOString();
  const by = person(actor);
  if (samePerson(request.requester, actor)) return selfApprovalRefusal();
  if (!samePerson(request.approver, actor)) {
    return reject('forbidden', `Only ${request.approver.name}, the approver chosen for ${request.reference}, can decide on it.`);
  }
  if (request.state !== 'submitted') return managerDecisionRefusal(request, command.type, actor);
  if (command.type === 'approve') return accept({ type: 'ApprovedByManager', at, by, ...optionalComment(command.comment) });
  const comment = requiredComment(command.comment, command.type === 'reject'
    ? 'Please say why you are rejecting the request.'
    : 'Please say what more you need from the requester.');
  if (typeof comment !== 'string') return comment;
  return accept(command.type === 'reject'
    ? { type: 'RejectedByManager', at, by, comment }
    : { type: 'MoreInformationRequested', at, by, comment });
}

function decideResubmit(
  request: AccessRequest,
  command: Extract<AccessRequestCommand, { type: 'resubmit' }>,
  { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  if (!samePerson(request.requester, actor)) return reject('forbidden', `Only ${request.requester.name} can edit ${request.reference}.`);
  if (request.state !== 'info_requested') return stateRefusal(request, 'edit and resubmit it');
  if (samePerson(command.approver, actor)) return selfApprovalRefusal();
  const choice = approverChoice(command);
  if (!choice.ok) return choice;
  return accept({
    type: 'Resubmitted', at: now.toISOString(), by: person(actor), ...choice.value,
    details: command.details, ...optionalComment(command.comment),
  });
}

/**
 * Who decides may change (DESIGN.md, issue 13): the approver may pass the request on to someone else at any time
 * while it waits for them; the requester may choose another approver only once it has been escalated (it waited
 * {@link ESCALATE_AFTER_DAYS} working days for this approver).
 */
function decideChangeApprover(
  request: AccessRequest,
  command: Extract<AccessRequestCommand, { type: 'changeApprover' }>,
  { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  if (actor.id === DIRECTORY_SYNC.id) return decideSyncedApprover(request, command, now);
  const byRequester = samePerson(request.requester, actor);
  const byApprover = samePerson(request.approver, actor);
  if (!byRequester && !byApprover) {
    return reject('forbidden', `Only ${request.approver.name}, or ${request.requester.name} once it has waited ${ESCALATE_AFTER_DAYS} working days, can change the approver of ${request.reference}.`);
  }
  if (request.state !== 'submitted') return stateRefusal(request, 'change its approver');
  if (samePerson(command.approver, request.approver)) return accept();
  if (byRequester && !escalatedInThisWait(request)) {
    return reject('wrong_state', `You can't choose another approver yet: ${request.reference} has waited less than ${ESCALATE_AFTER_DAYS} working days for ${request.approver.name}, who can pass it on before then.`);
  }
  if (samePerson(command.approver, request.requester)) {
    return byRequester ? selfApprovalRefusal() : reject('invalid', `${request.requester.name} can't approve their own request: choose someone else.`, { approver: 'Choose someone other than the requester.' });
  }
  return accept({
    type: 'ApproverChanged', at: now.toISOString(), by: person(actor), approver: command.approver,
    ...(command.approverStanding ? { approverStanding: command.approverStanding } : {}),
    ...(command.actingFor ? { actingFor: command.actingFor } : {}),
  });
}

/**
 * Issue 15: the directory sync moves a waiting approval when the requester's line manager changed or the approver
 * left. A request no longer waiting (decided meanwhile) is left alone, so a sync run again changes nothing twice.
 */
function decideSyncedApprover(request: AccessRequest, command: Extract<AccessRequestCommand, { type: 'changeApprover' }>, now: Date): Decision<AccessRequestEvent> {
  if (request.state !== 'submitted' || samePerson(command.approver, request.approver)) return accept();
  if (samePerson(command.approver, request.requester)) return reject('invalid', `${request.requester.name} can't approve their own request.`);
  return accept({
    type: 'ApproverChanged', at: now.toISOString(), by: person(DIRECTORY_SYNC), approver: command.approver,
    ...(command.approverStanding ? { approverStanding: command.approverStanding } : {}),
  });
}

function decideCommsDecision(
  request: AccessRequest,
  command: Extract<AccessRequestCommand, { type: 'commsSignOff' | 'commsReject' }>,
  { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  if (!hasRole(actor, 'comms')) {
    return reject('forbidden', 'Only the Communications Team can sign off posting on the Group\'s behalf.');
  }
  if (request.state !== 'awaiting_comms') return commsDecisionRefusal(request, command.type, actor);
  if (samePerson(request.requester, actor)) return reject('forbidden', 'You can\'t sign off your own request: another Communications Team member must.');
  if (samePerson(request.managerApproval?.by, actor)) {
    return reject('forbidden', 'You approved this as line manager; another Communications Team member must give the second sign-off.');
  }
  const at = now.toISOString();
  const by = person(actor);
  if (command.type === 'commsSignOff') return accept({ type: 'SignedOffByComms', at, by, ...optionalComment(command.comment) });
  const comment = requiredComment(command.comment, 'Please say why the Communications Team is rejecting the request.');
  if (typeof comment !== 'string') return comment;
  return accept({ type: 'RejectedByComms', at, by, comment });
}

function decideWithdraw(request: AccessRequest, { actor, now }: CommandContext): Decision<AccessRequestEvent> {
  if (!samePerson(request.requester, actor)) return reject('forbidden', `Only ${request.requester.name} can withdraw ${request.reference}.`);
  if (request.state === 'withdrawn') return accept();
  if (request.state !== 'submitted' && request.state !== 'info_requested') return stateRefusal(request, 'withdraw it');
  return accept({ type: 'Withdrawn', at: now.toISOString(), by: person(actor) });
}

function decideRevoke(
  request: AccessRequest,
  command: Extract<AccessRequestCommand, { type: 'revoke' }>,
  { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  if (!samePerson(request.approver, actor) && !hasRole(actor, 'comms')) {
    return reject('forbidden', `Only ${request.approver.name} or the Communications Team can revoke ${request.reference}.`);
  }
  if (request.state === 'revoked') return alreadyDone(request, 'revoked');
  if (request.state !== 'active') return stateRefusal(request, 'revoke it');
  const comment = requiredComment(command.comment, 'Please give the reason for revoking access (for example, a breach of the policy).');
  if (typeof comment !== 'string') return comment;
  return accept({ type: 'Revoked', at: now.toISOString(), by: person(actor), comment });
}

/** Expiry comes from a timer that may fire late or twice: anything but an active request is left alone. */
function decideExpire(request: AccessRequest, { actor, now }: CommandContext): Decision<AccessRequestEvent> {
  if (actor.id !== SYSTEM.id) return reject('forbidden', 'Access ends on its end date; to end it early, revoke it with a reason.');
  if (request.state !== 'active') return accept();
  return accept({ type: 'Expired', at: now.toISOString(), by: person(actor) });
}

/**
 * Reminder after 2 working days, escalation after 5 (DESIGN.md): only while the request still waits for
 * the same approver since `basis`, once each. Anything else is a stale timer and does nothing.
 */
function decideWaitTimer(
  request: AccessRequest, command: Extract<AccessRequestCommand, { type: 'remindApprover' | 'escalate' }>, { actor, now }: CommandContext,
): Decision<AccessRequestEvent> {
  if (actor.id !== SYSTEM.id || request.state !== 'submitted' || waitStartedAt(request) !== command.basis) return accept();
  const action = command.type === 'remindApprover' ? 'ApproverReminded' : 'ApprovalEscalated';
  const since = request.history.findIndex((step) => step.at === command.basis && WAIT_STARTS.includes(step.action));
  if (request.history.slice(Math.max(since, 0)).some((step) => step.action === action)) return accept();
  return accept({ type: action, at: now.toISOString(), by: person(actor) });
}

const WAIT_STARTS: readonly AccessRequestEvent['type'][] = ['AccessRequested', 'Resubmitted', 'ApproverChanged'];

/** DESIGN.md, timers: the approver is reminded after 2 working days; after 5 the request is escalated to the requester. */
export const REMIND_APPROVER_AFTER_DAYS = 2;
export const ESCALATE_AFTER_DAYS = 5;

/** True once the current approver's wait has been escalated: the requester may then choose another approver. */
export function escalatedInThisWait(request: AccessRequest): boolean {
  const since = waitStartedAt(request);
  return request.history.some((step) => step.action === 'ApprovalEscalated' && step.at > since);
}

/** When the current approver's wait began: the latest submission, resubmission or change of approver. */
export function waitStartedAt(request: AccessRequest): string {
  return [...request.history].reverse().find((step) => WAIT_STARTS.includes(step.action))?.at ?? request.submittedAt;
}

function managerDecisionRefusal(request: AccessRequest, attempted: 'approve' | 'reject' | 'requestInfo', actor: Actor) {
  const managerSteps: readonly AccessRequestEvent['type'][] = ['ApprovedByManager', 'RejectedByManager', 'MoreInformationRequested'];
  const last = lastStep(request, managerSteps);
  const repeated = last && samePerson(last.by, actor) && STEP_FOR_COMMAND[attempted] === last.action;
  if (repeated) return accept<AccessRequestEvent>();
  const latest = request.history[request.history.length - 1];
  if (last && latest && managerSteps.includes(latest.action)) return alreadyDecided(request, last);
  return stateRefusal(request, 'decide on it');
}

function commsDecisionRefusal(request: AccessRequest, attempted: 'commsSignOff' | 'commsReject', actor: Actor) {
  const last = lastStep(request, ['SignedOffByComms', 'RejectedByComms']);
  if (last && samePerson(last.by, actor) && STEP_FOR_COMMAND[attempted] === last.action) return accept<AccessRequestEvent>();
  if (last) return alreadyDecided(request, last);
  return stateRefusal(request, 'sign it off');
}

const STEP_FOR_COMMAND: Readonly<Record<string, AccessRequestEvent['type']>> = {
  approve: 'ApprovedByManager', reject: 'RejectedByManager', requestInfo: 'MoreInformationRequested',
  commsSignOff: 'SignedOffByComms', commsReject: 'RejectedByComms',
};

const STEP_VERBS: Readonly<Record<AccessRequestEvent['type'], string>> = {
  AccessRequested: 'submitted', ApprovedByManager: 'approved', RejectedByManager: 'rejected',
  MoreInformationRequested: 'sent back for more information', Resubmitted: 'resubmitted',
  ApproverChanged: 'given a new approver', SignedOffByComms: 'signed off', RejectedByComms: 'rejected',
  Withdrawn: 'withdrawn', Revoked: 'revoked', Expired: 'expired',
  ApproverReminded: 'approver reminded', ApprovalEscalated: 'escalated', ExpiryReminded: 'end date reminder sent',
};

/** Past-tense verb for a step, used in messages and on cards. */
export function stepVerb(action: AccessRequestEvent['type']): string {
  return STEP_VERBS[action];
}

function alreadyDecided(request: AccessRequest, step: AccessRequestStep) {
  return reject('already_decided',
    `${request.reference} was already ${STEP_VERBS[step.action]} by ${step.by.name} on ${formatLondonDateTime(step.at)}.`);
}

function alreadyDone(request: AccessRequest, what: string) {
  const last = request.history[request.history.length - 1];
  return reject('already_decided', last
    ? `${request.reference} was already ${what} by ${last.by.name} on ${formatLondonDateTime(last.at)}.`
    : `${request.reference} was already ${what}.`);
}

function stateRefusal(request: AccessRequest, attempted: string) {
  const last = request.history[request.history.length - 1];
  const since = last ? ` (${STEP_VERBS[last.action]} by ${last.by.name} on ${formatLondonDateTime(last.at)})` : '';
  return reject('wrong_state', `${request.reference} is ${STATE_PHRASES[request.state]}${since}, so you can't ${attempted} now.`);
}

const STATE_PHRASES: Readonly<Record<AccessRequestState, string>> = {
  submitted: 'waiting for the approver', info_requested: 'waiting for more information from the requester',
  awaiting_comms: 'waiting for Communications Team sign-off', active: 'active', rejected: 'rejected',
  withdrawn: 'withdrawn', revoked: 'revoked', expired: 'expired',
};

function lastStep(request: AccessRequest, actions: readonly AccessRequestEvent['type'][]): AccessRequestStep | undefined {
  return [...request.history].reverse().find((step) => actions.includes(step.action));
}

function selfApprovalRefusal() {
  return reject('forbidden', 'You can\'t approve your own request: choose your line manager as the approver.',
    { approver: 'Choose someone other than yourself.' });
}

function requiredComment(comment: string | undefined, prompt: string): string | ReturnType<typeof reject> {
  const text = comment?.trim() ?? '';
  if (text.length < MIN_REASON) return reject('invalid', prompt, { comment: prompt });
  return text;
}

/**
 * The approver as recorded: the line manager or someone above them as is; anyone else only with a reason,
 * and with the line manager named so the effects can tell them.
 */
function approverChoice(command: ApproverChoice): { ok: true; value: ApproverChoice } | Rejection {
  const { approver, approverStanding, lineManager } = command;
  const delegated = command.actingFor ? { actingFor: command.actingFor } : {};
  if (approverStanding !== 'other') return { ok: true, value: { approver, ...(approverStanding ? { approverStanding } : {}), ...delegated } };
  const reason = command.approverReason?.trim() ?? '';
  if (reason.length < MIN_APPROVER_REASON) {
    // Said next to the reason field: the form shows field errors, not the refusal's message.
    const why = lineManager
      ? `${approver.name} is not your line manager (${lineManager.name}) or above them: say in a sentence why they should approve, or choose your line manager.`
      : `The staff directory has no line manager for you: say in a sentence why ${approver.name} should approve.`;
    return reject('invalid', why, { approverReason: why });
  }
  if (reason.length > APPROVER_REASON_MAX) {
    return reject('invalid', `Keep the reason to ${APPROVER_REASON_MAX} characters.`, { approverReason: `Keep it to ${APPROVER_REASON_MAX} characters (it has ${reason.length}).` });
  }
  return { ok: true, value: { approver, approverStanding, approverReason: reason, ...(lineManager ? { lineManager } : {}), ...delegated } };
}

function optionalComment(comment: string | undefined): { comment?: string } {
  const text = comment?.trim();
  return text ? { comment: text } : {};
}

function person(actor: Actor): Person {
  return { id: actor.id, name: actor.name };
}

function standingOf(event: Omit<ApproverChoice, 'approver'>): Pick<AccessRequest, 'approverStanding' | 'approverReason' | 'lineManager' | 'actingFor'> {
  return {
    ...(event.actingFor ? { actingFor: event.actingFor } : {}),
    ...(event.approverStanding ? { approverStanding: event.approverStanding } : {}),
    ...(event.approverReason ? { approverReason: event.approverReason } : {}),
    ...(event.approverStanding === 'other' && event.lineManager ? { lineManager: event.lineManager } : {}),
  };
}

function withoutStanding(request: AccessRequest): AccessRequest {
  const { approverStanding: _standing, approverReason: _reason, lineManager: _lineManager, actingFor: _actingFor, ...rest } = request;
  return rest;
}

/** Applies one event to the request. `AccessRequested` starts it; every other event needs a request. */
export function evolve(request: AccessRequest | undefined, event: AccessRequestEvent): AccessRequest {
  if (event.type === 'AccessRequested') {
    return {
      reference: event.reference, state: 'submitted', requester: event.by, approver: event.approver, ...standingOf(event),
      details: event.details, submittedAt: event.at, history: [step(event)], earlierSteps: 0,
    };
  }
  if (!request) throw new Error(`${event.type} cannot start an access request`);
  const next = { ...request, ...keepLatestSteps({ history: request.history, earlierSteps: request.earlierSteps ?? 0 }, step(event), HISTORY_KEPT, HISTORY_MAX_CHARS) };
  switch (event.type) {
    case 'ApprovedByManager':
      return { ...next, state: request.details.kind === 'post' ? 'awaiting_comms' : 'active', managerApproval: { by: event.by, at: event.at } };
    case 'RejectedByManager': return { ...next, state: 'rejected' };
    case 'MoreInformationRequested': return { ...next, state: 'info_requested' };
    case 'Resubmitted': return { ...withoutStanding(next), state: 'submitted', approver: event.approver, ...standingOf(event), details: event.details };
    case 'ApproverChanged': return { ...withoutStanding(next), approver: event.approver, ...standingOf(event) };
    case 'SignedOffByComms': return { ...next, state: 'active' };
    case 'RejectedByComms': return { ...next, state: 'rejected' };
    case 'Withdrawn': return { ...next, state: 'withdrawn' };
    case 'Revoked': return { ...next, state: 'revoked' };
    case 'Expired': return { ...next, state: 'expired' };
    case 'ApproverReminded':
    case 'ApprovalEscalated':
    case 'ExpiryReminded':
      return next;
    default: return assertNever(event);
  }
}

/**
 * The snapshot keeps the latest steps only (every step stays in the audit events): at most 12, and at most
 * 20,000 characters of them (12 steps with 500-character comments of quotes take 18,000). Worst case of the
 * rest, as JSON (text doubles when it is all quotes or backslashes): the business case 4,002, the other
 * details about 450, requester, approver, the line manager and the manager's approval 1,740 (ids and names
 * of 100 characters), the reason for another approver 600 (APPROVER_REASON_MAX, doubled) and its standing
 * 40, the other fields about 300: 7,132. With the history, 27,132: below SNAPSHOT_MAX_CHARS
 * (30,720), itself below the 32,768 a table property holds.
 */
const HISTORY_KEPT = 12;
const HISTORY_MAX_CHARS = 20_000;

function step(event: AccessRequestEvent): AccessRequestStep {
  const said = 'comment' in event ? event.comment : undefined;
  // Who decides for whom stays in the card's history as well as in the audit events.
  const delegated = 'actingFor' in event && event.actingFor ? `${event.approver.name} decides for ${event.actingFor.name}, who is away.` : undefined;
  const comment = [said, delegated].filter(Boolean).join(' ');
  return { action: event.type, by: event.by, at: event.at, ...(comment ? { comment } : {}) };
}
