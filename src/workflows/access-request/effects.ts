import { addDays } from '../../domain/calendar-date';
import type { Effect } from '../../domain/effects';
import { DIRECTORY_SYNC } from '../../domain/people';
import { formatDeadline, formatLocalDate } from '../../domain/london-time';
import type { LocalDate, WorkingTime } from '../../domain/working-time';
import { AccessRequest, AccessRequestEvent, ESCALATE_AFTER_DAYS, REMIND_APPROVER_AFTER_DAYS } from './model';
import { accessSummary } from './labels';

/** DESIGN.md, timers: approver reminded after 2 working days, escalated after 5. */
export { ESCALATE_AFTER_DAYS, REMIND_APPROVER_AFTER_DAYS } from './model';
/** Expiry reminder 10 working days before the end date, with a "Renew" button. */
export const EXPIRY_REMINDER_DAYS = 10;

export const ACCESS_TIMERS = {
  remindApprover: 'accessRequest.remindApprover',
  escalate: 'accessRequest.escalate',
  remindExpiry: 'accessRequest.remindExpiry',
  expire: 'accessRequest.expire',
} as const;

/** What must follow each event: who is told, and which timers are set. */
export function accessRequestEffects(workingTime: WorkingTime) {
  return (events: readonly AccessRequestEvent[], before: AccessRequest | undefined, after: AccessRequest): Effect[] => [
    ...events.flatMap((event) => effectsOf(event, after, workingTime)),
    ...formerApproverNotice(before, after, events.some((event) => event.by.id === DIRECTORY_SYNC.id)),
  ];
}

/** A replaced approver is told the request no longer waits for them, so nobody decides on a stale card. */
function formerApproverNotice(before: AccessRequest | undefined, after: AccessRequest, bySync: boolean): Effect[] {
  if (!before || before.approver.id === after.approver.id) return [];
  return [notify({ person: before.approver }, bySync
    ? `${after.reference} now waits for ${after.approver.name}, after a change in the staff directory: nothing is needed from you.`
    : `${after.requester.name} chose another approver for ${after.reference}: nothing is needed from you.`)];
}

function effectsOf(event: AccessRequestEvent, request: AccessRequest, workingTime: WorkingTime): Effect[] {
  const requester = { person: request.requester };
  const approver = { person: request.approver };
  const what = accessSummary(request.details);
  switch (event.type) {
    case 'AccessRequested':
    case 'Resubmitted':
    case 'ApproverChanged': {
      const decideBy = workingTime.addWorkingDays(new Date(event.at), REMIND_APPROVER_AFTER_DAYS);
      const verb = event.type === 'Resubmitted' ? 'updated their request for' : 'asks for';
      // Passed on by the approver (not chosen by the requester): the requester is told who decides now.
      const passedOn = event.type === 'ApproverChanged' && event.by.id !== request.requester.id;
      if (passedOn && event.by.id === DIRECTORY_SYNC.id) return [...directoryMoveNotices(request, what, decideBy), ...approverTimers(event.at, workingTime)];
      return [
        notify(approver, passedOn
          ? `${event.by.name} passed ${request.requester.name}'s request for ${what} to you. Please decide by ${formatDeadline(decideBy)}.`
          : `${request.requester.name} ${verb} ${what}. Please decide by ${formatDeadline(decideBy)}.`),
        ...(passedOn ? [notify({ person: request.requester }, `${event.by.name} passed your request to ${request.approver.name}, who decides now.`)] : []),
        ...(event.actingFor ? [notify({ person: event.actingFor },
          `You are out of office, so ${request.approver.name} was asked to decide ${request.requester.name}'s request ${request.reference} for you. Nothing is needed from you.`)] : []),
        ...lineManagerNotice(event, request),
        ...approverTimers(event.at, workingTime),
      ];
    }
    case 'ApprovedByManager':
      if (request.state === 'awaiting_comms') {
        return [
          notify(requester, `${event.by.name} approved your request. It now needs Communications Team sign-off, because it is to post on the Group's behalf.`),
          notify({ role: 'comms', except: [request.requester.id, event.by.id] }, `${request.requester.name}'s request to post on the Group's behalf was approved by ${event.by.name} and needs your sign-off.`),
        ];
      }
      return [notify(requester, `${event.by.name} approved your request: ${activePeriod(request)}.`), ...activeTimers(request, workingTime)];
    case 'SignedOffByComms':
      return [
        notify(requester, `${event.by.name} (Communications Team) signed off your request: ${activePeriod(request)}.`),
        notify(approver, `${event.by.name} (Communications Team) signed off ${request.reference}: access is active.`),
        ...activeTimers(request, workingTime),
      ];
    case 'RejectedByManager':
      return [notify(requester, `${event.by.name} rejected your request.`)];
    case 'RejectedByComms':
      return [notify(requester, `${event.by.name} (Communications Team) rejected your request.`), notify(approver, `The Communications Team rejected ${request.reference}.`)];
    case 'MoreInformationRequested':
      return [notify(requester, `${event.by.name} needs more information before deciding. Edit your request and send it again.`)];
    case 'Withdrawn':
      return [notify(approver, `${request.requester.name} withdrew ${request.reference}: nothing is needed from you.`)];
    case 'Revoked':
      return event.by.id === request.approver.id
        ? [notify(requester, `${event.by.name} revoked your access.`)]
        : [notify(requester, `${event.by.name} (Communications Team) revoked your access.`), notify(approver, `${event.by.name} (Communications Team) revoked ${request.reference}.`)];
    case 'Expired':
      return [notify(requester, `Your access ended on ${formatLocalDate(request.details.endDate)}. Use Renew if you still need it.`)];
    case 'ApproverReminded':
      return [notify(approver, `Reminder: ${request.requester.name}'s request for ${what} is waiting for your decision.`)];
    case 'ApprovalEscalated':
      return [
        notify(requester, `${request.approver.name} has not decided within ${ESCALATE_AFTER_DAYS} working days. You can choose another approver, or withdraw the request.`),
        notify(approver, `${request.reference} has waited ${ESCALATE_AFTER_DAYS} working days for your decision; ${request.requester.name} has been told and may choose another approver.`),
      ];
    case 'ExpiryReminded':
      return [notify(requester, `${endsWhen(request.details.endDate, new Date(event.at), workingTime)} Use Renew to ask for it again.`)];
    default:
      return [];
  }
}

/**
 * When access ends, in working days counting today and the end date (as the reminder is timed): usually 10,
 * fewer for access shorter than that, whose reminder fires as soon as it starts.
 */
function endsWhen(endDate: LocalDate, at: Date, workingTime: WorkingTime): string {
  const today = workingTime.londonDate(at);
  if (today >= endDate) return `Your access ends at the end of today, ${formatLocalDate(endDate)}.`;
  let left = 0;
  for (let day = today; day <= endDate; day = addDays(day, 1)) if (workingTime.isWorkingDay(day)) left++;
  return `Your access ends on ${formatLocalDate(endDate)}, in ${left} working day${left === 1 ? '' : 's'}.`;
}

/** Issue 15: the directory sync moved the request (a new line manager, or the approver left): both sides are told why. */
function directoryMoveNotices(request: AccessRequest, what: string, decideBy: Date): Effect[] {
  return [
    notify({ person: request.approver }, `${request.requester.name}'s request for ${what} now waits for you: the staff directory changed who approves it. Please decide by ${formatDeadline(decideBy)}.`),
    notify({ person: request.requester }, `Your request now waits for ${request.approver.name}: the staff directory changed who approves it.`),
  ];
}

/** Issue 13: naming someone outside the management chain tells the line manager, who sees why on the card. */
function lineManagerNotice(event: AccessRequestEvent, request: AccessRequest): Effect[] {
  if (event.type === 'ApproverChanged' || !request.lineManager || request.approverStanding !== 'other') return [];
  return [notify({ person: request.lineManager },
    `${request.requester.name} asked ${request.approver.name}, not you, to approve ${request.reference}; the card says why. Nothing is needed from you.`)];
}

/** `basis` ties each timer to this wait: after a resubmission or a new approver, the old timers do nothing. */
function approverTimers(at: string, workingTime: WorkingTime): Effect[] {
  const from = new Date(at);
  return [
    timer(ACCESS_TIMERS.remindApprover, workingTime.addWorkingDays(from, REMIND_APPROVER_AFTER_DAYS), at),
    timer(ACCESS_TIMERS.escalate, workingTime.addWorkingDays(from, ESCALATE_AFTER_DAYS), at),
  ];
}

/** Access ends at the end of its end date: it expires at midnight London time that night. */
function activeTimers(request: AccessRequest, workingTime: WorkingTime): Effect[] {
  const endsAt = workingTime.londonMidnight(addDays(request.details.endDate, 1));
  return [
    timer(ACCESS_TIMERS.remindExpiry, workingTime.workingDaysBefore(endsAt, EXPIRY_REMINDER_DAYS)),
    timer(ACCESS_TIMERS.expire, endsAt),
  ];
}

function activePeriod(request: AccessRequest): string {
  return `access is active from ${formatLocalDate(request.details.startDate)} until ${formatLocalDate(request.details.endDate)}`;
}

function notify(to: Extract<Effect, { kind: 'notify' }>['to'], headline: string): Effect {
  return { kind: 'notify', to, headline };
}

function timer(kind: string, dueAt: Date, basis?: string): Effect {
  return { kind: 'timer', timer: kind, dueAt: dueAt.toISOString(), ...(basis ? { basis } : {}) };
}
