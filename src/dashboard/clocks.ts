import type { WorkingTime } from '../domain/working-time';
import type { AbuseReport } from '../workflows/abuse-report/model';
import type { AccessRequest } from '../workflows/access-request/model';
import type { CustomerPost } from '../workflows/customer-post/model';
import type { TakedownNotice } from '../workflows/takedown/model';
import { ClockOutcome, settle } from './statistics';

/**
 * The service-level clocks of one case, read from its snapshot alone (so a rebuild from the cases gives what the
 * engine kept as they changed). The deadlines are the policy's, computed by the working-time clock as the
 * workflows compute them (the desk report reads complaints and enquiries the same way).
 */
export function clocksOf(prefix: string, snapshot: unknown, now: Date, workingTime: WorkingTime): ClockOutcome[] {
  const found = CLOCKS[prefix]?.(snapshot as never, now, workingTime) ?? [];
  return found.filter((outcome): outcome is ClockOutcome => outcome !== undefined);
}

type Clocks<S> = (snapshot: S, now: Date, workingTime: WorkingTime) => (ClockOutcome | undefined)[];

/** Policy: complaints within 24 hours (weekend posts by the first working day); enquiries within 5 working days. */
const customerPost: Clocks<CustomerPost> = (post, now, workingTime) => {
  const postedAt = new Date(post.details.postedAt);
  // Moderated or handed to the Complaints Policy: no response is owed on the desk.
  const owedNothing = post.state === 'hidden_or_removed' || post.state === 'handed_to_complaints';
  if (post.details.kind === 'complaint') {
    const answeredAt = post.firstResponse?.at;
    if (owedNothing && !answeredAt) return [];
    // Logged already answered (no clock ever set, no response recorded here): nothing to measure.
    if (!answeredAt && !post.clock && post.state !== 'open') return [];
    return [settle('complaints', answeredAt, workingTime.complaintResponseDeadline(postedAt), now, workingTime)];
  }
  if (post.details.kind === 'problem_or_enquiry') {
    const resolvedAt = post.resolution?.at;
    if (owedNothing && !resolvedAt) return [];
    return [settle('enquiries', resolvedAt, workingTime.enquiryDeadline(postedAt), now, workingTime)];
  }
  return [];
};

/** A takedown notice: the post removed (the recipient confirmed it) by the current deadline. */
const takedown: Clocks<TakedownNotice> = (notice, now, workingTime) => {
  if (notice.state === 'withdrawn' || notice.state === 'disputed') return [];
  const removed = notice.state === 'removal_confirmed' || notice.state === 'verified'
    ? [...notice.history].reverse().find((step) => step.action === 'RemovalConfirmed')?.at
    : undefined;
  return [settle('takedowns', removed, new Date(notice.deadline), now, workingTime)];
};

/** An AINM record acknowledged by the line manager within one working day of the report. */
const abuseReport: Clocks<AbuseReport> = (record, now, workingTime) => {
  const reportedAt = new Date(record.reportedAt);
  return [settle('ainm', record.acknowledgedAt, workingTime.addWorkingDays(reportedAt, 1), now, workingTime)];
};

/** An access request approved or rejected by the approver within 2 working days of its (latest) submission. */
const accessRequest: Clocks<AccessRequest> = (request, now, workingTime) => {
  const decidedAt = request.managerApproval?.at
    ?? [...request.history].reverse().find((step) => step.action === 'RejectedByManager' && step.at >= request.submittedAt)?.at;
  // Withdrawn, or sent back for more information, before any decision: the clock stopped with nothing to measure.
  if (!decidedAt && (request.state === 'withdrawn' || request.state === 'info_requested')) return [];
  return [settle('access', decidedAt, workingTime.addWorkingDays(new Date(request.submittedAt), 2), now, workingTime)];
};

const CLOCKS: Readonly<Record<string, Clocks<never>>> = {
  CP: customerPost as Clocks<never>,
  TD: takedown as Clocks<never>,
  AINM: abuseReport as Clocks<never>,
  AR: accessRequest as Clocks<never>,
};
