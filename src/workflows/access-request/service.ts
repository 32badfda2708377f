import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import type { CardLocation } from '../../domain/effects';
import { reject, Rejection } from '../../domain/outcome';
import { Actor, hasRole, Person, SYSTEM } from '../../domain/people';
import type { InboxEntry } from '../../store/inbox';
import { caseAccess, CaseServiceDeps } from '../../cases/case-access';
import { openCaseOnce } from '../../cases/open-once';
import { accessRequestWorkflow } from './workflow';
import type { TransitionOutcome } from '../../cases/transition';
import { ACCESS_TIMERS } from './effects';
import type { TimerHandler } from '../../scheduler/scheduler';
import type { TimerRow } from '../../store/timers';
import { AccessRequestFormInput, validateAccessRequestForm } from './form';
import { AccessRequest, AccessRequestCommand, ApproverChoice, ApproverStanding, decide } from './model';
import { managementChain, standingIn } from '../../directory/management-chain';
import { COMMS_TEAM_INBOX } from './presenter';

export type AccessRequestServiceDeps = CaseServiceDeps;

export type SubmitOutcome =
  | { readonly kind: 'submitted'; readonly request: AccessRequest }
  | { readonly kind: 'invalid'; readonly rejection: Rejection }
  /** The same form was sent before (a double click or a retried delivery). */
  | { readonly kind: 'duplicate'; readonly request?: AccessRequest };

const PLACEHOLDER_REFERENCE = 'AR-0000-00000';

/** Load -> decide -> save -> notify for access requests: the only access-request code that touches the store. */
export function createAccessRequestService(deps: AccessRequestServiceDeps) {
  const { act, load, loadFor } = caseAccess(deps, accessRequestWorkflow(deps.workingTime), 'AR', 'That access request does not exist.');

  /** Checks the form and the approver; `undefined` approver means the form itself is invalid. */
  async function checkForm(input: AccessRequestFormInput, actor: Actor, now: Date, reference: string) {
    const form = validateAccessRequestForm(input, deps.workingTime.londonDate(now));
    if (!form.ok) return form;
    const chosen = await findChosenPerson(deps.directory, input.approverSearch, input.approver);
    if (!chosen) return reject('invalid', 'Please check the highlighted fields.', { approver: PERSON_NOT_FOUND });
    const approver: Person = { id: chosen.id, name: chosen.name };
    const choice = await approverChoiceFor(actor, approver, form.approverReason);
    const command = { type: 'submit', reference, details: form.details, ...choice } as const;
    const dryRun = decide(undefined, command, { actor, now });
    return dryRun.ok ? command : dryRun;
  }

  /** The approver with where they stand in the requester's management chain (the directory decides, not the form). */
  async function approverChoiceFor(actor: Actor, approver: Person, reason: string): Promise<ApproverChoice> {
    const chain = managementChain(await deps.directory.everyone(), actor.id);
    const approverStanding = standingIn(chain, approver.id);
    const lineManager = chain[0] && { id: chain[0].id, name: chain[0].name };
    return { approver, approverStanding, ...(reason ? { approverReason: reason } : {}), ...(lineManager ? { lineManager } : {}) };
  }

  /** Where a new approver stands to the requester (only the requester may change it: the model refuses anyone else). */
  async function standingOf(actor: Actor, approver: Person): Promise<ApproverStanding> {
    return standingIn(managementChain(await deps.directory.everyone(), actor.id), approver.id);
  }

  return {
    load,
    loadFor,
    async submit(actor: Actor, now: Date, formToken: unknown, input: AccessRequestFormInput, origin?: CardLocation): Promise<SubmitOutcome> {
      const checked = await checkForm(input, actor, now, PLACEHOLDER_REFERENCE);
      if (!('type' in checked)) return { kind: 'invalid', rejection: checked };
      const opened = await openCaseOnce(deps, {
        actor, formToken, prefix: 'AR', year: Number(deps.workingTime.londonDate(now).slice(0, 4)),
        open: (reference, isNew) => act(reference, { ...checked, reference }, actor, now, origin, isNew),
      });
      if (opened.kind === 'created') return { kind: 'submitted', request: opened.snapshot };
      return opened.snapshot ? { kind: 'duplicate', request: opened.snapshot } : { kind: 'duplicate' };
    },

    /** Edits a request sent back for more information, and sends it to the (possibly new) approver. */
    async resubmit(
      reference: string, actor: Actor, now: Date, input: AccessRequestFormInput, origin?: CardLocation,
    ): Promise<TransitionOutcome<AccessRequest>> {
      const checked = await checkForm(input, actor, now, reference);
      if (!('type' in checked)) {
        const current = await loadFor(reference, actor, 'accessRequest.resubmit');
        return current ? { ...checked, snapshot: current } : checked;
      }
      const { type: _submit, reference: _reference, ...resubmission } = checked;
      return act(reference, { ...resubmission, type: 'resubmit' }, actor, now, origin);
    },

    act,

    /** The requester hands a request that waits too long to another approver (DESIGN.md: after escalation). */
    /** `choice`: the reassign card's people picker and directory list, resolved as on the form (findChosenPerson). */
    async changeApprover(reference: string, actor: Actor, now: Date, choice: { picked: unknown; listed: unknown }, origin?: CardLocation): Promise<TransitionOutcome<AccessRequest>> {
      const chosen = await findChosenPerson(deps.directory, choice.picked, choice.listed);
      const approver: Person | undefined = chosen && { id: chosen.id, name: chosen.name };
      if (!approver) {
        const current = await loadFor(reference, actor, 'accessRequest.changeApprover');
        const refusal = reject('invalid', 'Choose the new approver from the list.', { approver: 'Choose the new approver from the list.' });
        return current ? { ...refusal, snapshot: current } : refusal;
      }
      return act(reference, { type: 'changeApprover', approver, approverStanding: await standingOf(actor, approver) }, actor, now, origin);
    },

    /** Remembers a message showing this case to `viewerId`, so later transitions update it in place. */
    async rememberCard(reference: string, viewerId: string, location: CardLocation): Promise<void> {
      await deps.cases.saveCardCopy(reference, { viewerId, ...location });
    },

    /** What the scheduler does when each access-request timer comes due: a system command on the case. */
    timerHandlers(): Record<string, TimerHandler> {
      const fire = (command: (timer: TimerRow) => AccessRequestCommand): TimerHandler => async (timer, now) => {
        await act(timer.reference, command(timer), SYSTEM, now);
      };
      return {
        [ACCESS_TIMERS.remindApprover]: fire((timer) => ({ type: 'remindApprover', basis: timer.basis ?? '' })),
        [ACCESS_TIMERS.escalate]: fire((timer) => ({ type: 'escalate', basis: timer.basis ?? '' })),
        [ACCESS_TIMERS.remindExpiry]: fire(() => ({ type: 'remindExpiry' })),
        [ACCESS_TIMERS.expire]: fire(() => ({ type: 'expire' })),
      };
    },

    async myRequests(actor: Actor): Promise<InboxEntry[]> {
      return deps.inbox.list(actor.id, { role: 'requester' });
    },

    /** What waits for this person: requests to approve, and for the Communications Team, sign-offs. */
    async awaiting(actor: Actor): Promise<InboxEntry[]> {
      const own = await deps.inbox.list(actor.id, { awaitingOnly: true });
      const team = hasRole(actor, 'comms') ? await deps.inbox.list(COMMS_TEAM_INBOX, { awaitingOnly: true }) : [];
      // A Comms member never gives the second sign-off on a request they made or approved as line manager (model.ts).
      const notForMe = team.length > 0 ? new Set([
        ...(await this.myRequests(actor)).map((entry) => entry.reference),
        ...(await deps.inbox.list(actor.id, { role: 'approver' })).map((entry) => entry.reference),
      ]) : new Set<string>();
      return [...own, ...team.filter((entry) => !notForMe.has(entry.reference))].filter((entry) => entry.reference.startsWith('AR-'));
    },
  };
}

export type AccessRequestService = ReturnType<typeof createAccessRequestService>;

