import { formatDeadline, formatLocalDate, formatLondonDateTime } from '../../domain/london-time';
import { Actor, hasRole, SYSTEM } from '../../domain/people';
import { CaseCardBase, clipText, historyLines, messageLines } from '../../cards/case-card';
import type { StepMessage } from '../../cases/definition';
import type { WorkingTime } from '../../domain/working-time';
import { ESCALATE_AFTER_DAYS, REMIND_APPROVER_AFTER_DAYS } from './effects';
import { KIND_LABELS, STATE_LABELS, accessSummary, periodLabel, sitesLabel } from './labels';
import { AccessRequest, AccessRequestCommand, ApproverStanding, AccessRequestStep, COMMENT_MAX, decide, stepVerb, waitStartedAt } from './model';

/** The data bound to `cards/access-request.json`. */
export interface AccessRequestCardView extends CaseCardBase {
  readonly businessCase: string;
  /** Why someone outside the management chain approves (empty otherwise). */
  readonly approverReason: string;
  readonly can: Readonly<Record<'decide' | 'signOff' | 'revoke' | 'edit' | 'withdraw' | 'reassign' | 'passOn' | 'renew', boolean>>;
  readonly commentValue: string;
  readonly commentError: string;
}

/**
 * The case card as `viewer` sees it at `now`: buttons appear only for what the model would accept from
 * them, so nobody gets a dead button; everyone else sees the status.
 */
export function accessRequestCardView(
  request: AccessRequest, viewer: Actor, now: Date, workingTime: WorkingTime, extras: StepMessage = {},
): AccessRequestCardView {
  const label = STATE_LABELS[request.state];
  return {
    reference: request.reference,
    ...messageLines(extras),
    stateLabel: label.label,
    stateColor: label.color,
    nextStep: nextStep(request, workingTime),
    facts: [
      { title: 'Requested by', value: request.requester.name },
      { title: 'Approver', value: approverLine(request) },
      { title: 'Access', value: KIND_LABELS[request.details.kind] },
      { title: 'Sites', value: sitesLabel(request.details) },
      { title: 'Period', value: periodLabel(request.details) },
    ],
    businessCase: request.details.businessCase,
    approverReason: request.approverStanding === 'other' ? request.approverReason ?? '' : '',
    ...historyLines(request.history, request.earlierSteps ?? 0, (step) => ({
      when: formatLondonDateTime(step.at), what: stepLine(step), comment: step.comment ?? '',
    })),
    can: permittedActions(request, viewer, now),
    commentValue: clipText(extras.values?.comment ?? '', COMMENT_MAX),
    commentError: extras.fieldErrors?.comment ?? '',
    refreshUserIds: [viewer.id],
  };
}

/** "Approved by Megan Bowen"; steps the desk took itself (reminders, escalations) name no one. */
function stepLine(step: AccessRequestStep): string {
  const verb = stepVerb(step.action);
  return (step.by.id === SYSTEM.id ? `${verb} automatically` : `${verb} by ${step.by.name}`).replace(/^./, (c) => c.toUpperCase());
}

/** Asks the model itself which buttons would be accepted, so cards and rules can never disagree. */
export function permittedActions(request: AccessRequest, viewer: Actor, now: Date): AccessRequestCardView['can'] {
  const accepts = (command: AccessRequestCommand) => {
    const decision = decide(request, command, { actor: viewer, now });
    return decision.ok && decision.events.length > 0;
  };
  const probeReason = 'a reason given on the card';
  return {
    decide: accepts({ type: 'approve' }),
    signOff: accepts({ type: 'commsSignOff' }),
    revoke: accepts({ type: 'revoke', comment: probeReason }),
    edit: accepts({ type: 'resubmit', approver: request.approver, details: request.details }),
    withdraw: accepts({ type: 'withdraw' }),
    // The requester once the request was escalated; the approver at any time while it waits for them.
    reassign: request.requester.id === viewer.id && accepts({ type: 'changeApprover', approver: { id: `${viewer.id}-probe`, name: '' } }),
    passOn: request.approver.id === viewer.id && accepts({ type: 'changeApprover', approver: { id: `${viewer.id}-probe`, name: '' } }),
    // Renewing is a new request, pre-filled from this one: offered to the requester as the end nears or after it.
    renew: request.requester.id === viewer.id
      && (request.state === 'expired' || (request.state === 'active' && request.history.some((step) => step.action === 'ExpiryReminded'))),
  };
}

/** Who acts next and by when: every card says it. */
export function nextStep(request: AccessRequest, workingTime: WorkingTime): string {
  switch (request.state) {
    case 'submitted': {
      // The approver's 2 working days run from the latest hand-over to them, as their reminder timer does.
      const by = workingTime.addWorkingDays(new Date(waitStartedAt(request)), REMIND_APPROVER_AFTER_DAYS);
      const escalated = request.history.some((step) => step.action === 'ApprovalEscalated' && step.at > waitStartedAt(request));
      return escalated
        ? `${request.approver.name} has not decided within ${ESCALATE_AFTER_DAYS} working days. ${request.requester.name} can choose another approver.`
        : `${request.approver.name} to decide, by ${formatDeadline(by)}.`;
    }
    case 'info_requested': return `${request.requester.name} to add the information asked for and resubmit.`;
    case 'awaiting_comms': return 'The Communications Team to give the second sign-off for posting on the Group\'s behalf.';
    case 'active': return `Access runs until the end of ${formatLocalDate(request.details.endDate)}. ${request.approver.name} or the Communications Team can revoke it.`;
    case 'rejected': return 'Closed: no access was given. A new request can be made at any time.';
    case 'withdrawn': return 'Closed: withdrawn by the requester.';
    case 'revoked': return 'Closed: access was revoked.';
    case 'expired': return 'Closed: the access period has ended. A new request can be made at any time.';
  }
}

/** Said beside the approver's name (issue 13: the card shows "not the line manager"). */
const STANDING_NOTE: Readonly<Record<ApproverStanding, string>> = {
  line_manager: '', above_line_manager: ' (above the line manager)', other: ' (not the line manager)',
};

/** "Megan Bowen (not the line manager)", or for a delegate "Oscar Ward, for Megan Bowen (out of office)". */
function approverLine(request: AccessRequest): string {
  const standing = STANDING_NOTE[request.approverStanding ?? 'line_manager'];
  return request.actingFor ? `${request.approver.name}, for ${request.actingFor.name}${standing} (out of office)` : `${request.approver.name}${standing}`;
}

/** Access requests are seen by their requester and approver, the Communications Team (the register) and admins. */
export function canSeeAccessRequest(request: AccessRequest, viewer: Actor): boolean {
  return request.requester.id === viewer.id || request.approver.id === viewer.id || request.lineManager?.id === viewer.id || request.actingFor?.id === viewer.id
    || hasRole(viewer, 'comms') || hasRole(viewer, 'admin');
}

/** One line for lists ("my requests", "approvals"). */
export function accessRequestSummary(request: AccessRequest): string {
  return accessSummary(request.details).replace(/^./, (c) => c.toUpperCase());
}
