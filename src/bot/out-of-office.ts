import type { AdaptiveCardJson, CardRenderer } from '../cards/render';
import { messageCard } from '../cards/message-card';
import type { Notifier } from '../cases/delivery';
import { activeDelegation, Delegation, DELEGATION_MAX_DAYS, Delegations, validateDelegation } from '../directory/delegation';
import type { Directory } from '../directory/directory';
import { MAX_CHOICES, personChoice } from '../directory/people-choices';
import { findChosenPerson } from '../directory/person-lookup';
import { addDays } from '../domain/calendar-date';
import { formatLocalDate } from '../domain/london-time';
import type { Actor } from '../domain/people';
import type { WorkingTime } from '../domain/working-time';
import type { Logger } from '../logger';
import { ActionTurn, replyWithCard, Turn, WorkflowRoutes } from './turn';

export interface OutOfOfficeDeps {
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  readonly delegations: Delegations;
  readonly workingTime: WorkingTime;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

/**
 * "out of office": a manager chooses who acts for them until a date (src/directory/delegation.ts). The form
 * shows what is set; saving replaces it; "I'm back" ends it. The delegate is told, best effort: the setting
 * itself is what routes requests, and every routed case tells the manager and names both in its history.
 */
export function outOfOfficeRoutes(deps: OutOfOfficeDeps): WorkflowRoutes {
  const { renderer, directory, delegations, workingTime, logger } = deps;

  async function form(actor: Actor, now: Date, extras: { notice?: string; noticeStyle?: string; values?: Record<string, string>; errors?: Record<string, string> } = {}): Promise<AdaptiveCardJson> {
    const today = workingTime.londonDate(now);
    const current = activeDelegation(await delegations.of(actor.id), today);
    const people = (await directory.everyone()).filter((person) => person.id !== actor.id);
    const delegate = extras.values?.delegate ?? current?.delegate.id ?? '';
    return renderer.render('out-of-office', {
      notice: extras.notice ?? '', noticeStyle: extras.noticeStyle ?? 'emphasis',
      status: current ? `${current.delegate.name} acts for you until the end of ${formatLocalDate(current.until)}.` : 'You are not out of office: requests and alerts come to you.',
      delegateChoices: people.slice(0, MAX_CHOICES).map(personChoice),
      values: { delegate, until: extras.values?.until ?? current?.until ?? '' },
      errors: { delegate: extras.errors?.delegate ?? '', until: extras.errors?.until ?? '' },
      today, latest: addDays(today, DELEGATION_MAX_DAYS),
      saveTitle: current ? 'Save changes' : 'Start out of office', active: Boolean(current),
    });
  }

  async function tellDelegate(manager: Actor, delegation: Delegation): Promise<void> {
    const card = messageCard(renderer, {
      title: `You act for ${manager.name}`,
      message: `${manager.name} is out of office until the end of ${formatLocalDate(delegation.until)} and chose you to act for them: new access requests that name them, and alerts about reports from their team, come to you. Each one says so.`,
    });
    const delivery = await deps.notifier.sendCard(delegation.delegate.id, card).catch(() => ({ status: 'failed' as const }));
    if (delivery.status !== 'sent') logger.warn({ managerId: manager.id, status: delivery.status }, 'delegate not told of out of office');
  }

  async function set(turn: ActionTurn): Promise<AdaptiveCardJson> {
    const today = workingTime.londonDate(turn.now);
    const values = { delegate: stringOf(turn.data.delegate), until: stringOf(turn.data.until) };
    const chosen = await findChosenPerson(directory, turn.data.delegateSearch, turn.data.delegate);
    const delegation = validateDelegation(turn.actor, chosen, turn.data.until, today, turn.now);
    if ('ok' in delegation) {
      return form(turn.actor, turn.now, { notice: delegation.message, noticeStyle: 'attention', values, errors: { ...delegation.fieldErrors } });
    }
    const before = activeDelegation(await delegations.of(turn.actor.id), today);
    await delegations.set(delegation);
    // Ids only: who chose whom is personal, but not free text.
    logger.info({ managerId: turn.actor.id, delegateId: delegation.delegate.id, until: delegation.until }, 'out of office set');
    if (before?.delegate.id !== delegation.delegate.id || before.until !== delegation.until) await tellDelegate(turn.actor, delegation);
    return form(turn.actor, turn.now, {
      notice: `Saved. Until the end of ${formatLocalDate(delegation.until)}, ${delegation.delegate.name} gets new requests and alerts meant for you; you are told each time.`,
      noticeStyle: 'good',
    });
  }

  async function end(turn: ActionTurn): Promise<AdaptiveCardJson> {
    const current = activeDelegation(await delegations.of(turn.actor.id), workingTime.londonDate(turn.now));
    await delegations.end(turn.actor.id);
    logger.info({ managerId: turn.actor.id }, 'out of office ended');
    return form(turn.actor, turn.now, current
      ? { notice: `Welcome back. New requests and alerts come to you again; what ${current.delegate.name} already has stays with them (they can pass it back).`, noticeStyle: 'good' }
      : { notice: 'You were not out of office: nothing changed.' });
  }

  return {
    actions: {
      'menu.outOfOffice': (turn) => form(turn.actor, turn.now),
      'outOfOffice.set': set,
      'outOfOffice.end': end,
    },
    commands: [{
      pattern: /^(out of office|out of the office|ooo|i'?m away|away|delegate|set a delegate|holiday cover|i'?m back)$/,
      handle: async (turn: Turn) => replyWithCard(turn.context, await form(turn.actor, turn.now)),
    }],
  };
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}
