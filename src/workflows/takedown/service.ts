import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import type { CardLocation } from '../../domain/effects';
import { reject, Rejection } from '../../domain/outcome';
import { Actor, hasRole, SYSTEM } from '../../domain/people';
import type { TimerHandler } from '../../scheduler/scheduler';
import type { InboxEntry } from '../../store/inbox';
import { caseAccess, CaseServiceDeps } from '../case-access';
import { openCaseOnce } from '../../store/open-case';
import { takedownWorkflow } from './workflow';
import { TAKEDOWN_TIMERS } from './effects';
import { deadlineFrom, TakedownFormInput, validateTakedownForm } from './form';
import { decide, TakedownCommand, TakedownNotice } from './model';
import { COMMS_TEAM_INBOX } from './presenter';

export type TakedownServiceDeps = CaseServiceDeps;

export type IssueOutcome =
  | { readonly kind: 'issued'; readonly notice: TakedownNotice }
  | { readonly kind: 'invalid'; readonly rejection: Rejection }
  | { readonly kind: 'duplicate'; readonly notice?: TakedownNotice };

const PLACEHOLDER_REFERENCE = 'TD-0000-00000';

/** Load -> decide -> save -> notify for takedown notices: the only takedown code that touches the store. */
export function createTakedownService(deps: TakedownServiceDeps) {
  const { act, loadFor } = caseAccess(
    deps, takedownWorkflow(deps.workingTime), 'TD', 'I can\'t find that takedown notice, or you don\'t have a part in it.',
  );

  async function checkForm(input: TakedownFormInput, actor: Actor, now: Date) {
    const form = validateTakedownForm(input, now, deps.workingTime);
    if (!form.ok) return form;
    const recipient = await findChosenPerson(deps.directory, input.recipientSearch, input.recipient);
    if (!recipient) return reject('invalid', 'Please check the highlighted fields.', { recipient: PERSON_NOT_FOUND });
    const manager = recipient.managerId ? await deps.directory.find(recipient.managerId) : undefined;
    const command: Extract<TakedownCommand, { type: 'issue' }> = {
      type: 'issue', reference: PLACEHOLDER_REFERENCE, recipient: { id: recipient.id, name: recipient.name }, details: form.details, deadline: form.deadline,
      ...(manager ? { manager: { id: manager.id, name: manager.name } } : {}),
    };
    const dryRun = decide(undefined, command, { actor, now });
    return dryRun.ok ? command : dryRun;
  }

  return {
    loadFor,
    async issue(actor: Actor, now: Date, formToken: unknown, input: TakedownFormInput, origin?: CardLocation): Promise<IssueOutcome> {
      const checked = await checkForm(input, actor, now);
      if (!('type' in checked)) return { kind: 'invalid', rejection: checked };
      const opened = await openCaseOnce(deps, {
        actor, formToken, prefix: 'TD', year: Number(deps.workingTime.londonDate(now).slice(0, 4)),
        open: (reference, isNew) => act(reference, { ...checked, reference }, actor, now, origin, isNew),
      });
      if (opened.kind === 'created') return { kind: 'issued', notice: opened.snapshot };
      return opened.snapshot ? { kind: 'duplicate', notice: opened.snapshot } : { kind: 'duplicate' };
    },

    act,

    /** A new deadline from a card's choice, counted in working time from now. */
    newDeadline(choice: unknown, now: Date): string {
      return (deadlineFrom(choice, now, deps.workingTime) ?? now).toISOString();
    },

    async rememberCard(reference: string, viewerId: string, location: CardLocation): Promise<void> {
      await deps.cases.saveCardCopy(reference, { viewerId, ...location });
    },

    /** Open notices, for the Communications Team; undefined for anyone else. */
    async openNotices(actor: Actor): Promise<InboxEntry[] | undefined> {
      if (!hasRole(actor, 'comms')) return undefined;
      return (await deps.inbox.list(COMMS_TEAM_INBOX, { role: 'takedown', awaitingOnly: true }));
    },

    timerHandlers(): Record<string, TimerHandler> {
      const fire = (type: 'remind' | 'markOverdue'): TimerHandler => async (timer, now) => {
        await act(timer.reference, { type, basis: timer.basis ?? '' }, SYSTEM, now);
      };
      return { [TAKEDOWN_TIMERS.remind]: fire('remind'), [TAKEDOWN_TIMERS.overdue]: fire('markOverdue') };
    },
  };
}

export type TakedownService = ReturnType<typeof createTakedownService>;
