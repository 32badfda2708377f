import { randomUUID } from 'node:crypto';
import { caseListCard } from '../../bot/case-list';
import { ActionHandler, ActionTurn, clickedCard, Command, formToken, noticeCard, replyWithCard, textInput, Turn, WorkflowRoutes } from '../../bot/turn';
import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import type { Directory } from '../../directory/directory';
import { formatDeadline } from '../../domain/london-time';
import { hasRole } from '../../domain/people';
import { parseReference } from '../../domain/references';
import type { WorkingTime } from '../../domain/working-time';
import type { InboxEntry } from '../../store/inbox';
import type { TakedownFormInput } from './form';
import { takedownFormView } from './form-view';
import { TAKEDOWN_STATE_LABELS } from './labels';
import { TakedownCommand, TakedownNotice } from './model';
import type { TakedownService } from './service';
import { TakedownCardExtras, takedownCardView } from './view';

export interface TakedownRouteDeps {
  readonly service: TakedownService;
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  readonly workingTime: WorkingTime;
}

const DONE: Readonly<Record<string, string>> = {
  confirmRemoval: 'Thank you. The Communications Team will check the post is gone.',
  dispute: 'Your dispute was sent to the Communications Team.',
  requestHelp: 'The Communications Team has been asked to help you.',
  verify: 'Removal verified: the notice is closed and the member of staff has been told.',
  reopen: 'Reopened with a new deadline; the member of staff has been told.',
  uphold: 'The notice stands, with a new deadline; the member of staff has been told.',
  withdraw: 'The notice was withdrawn; the member of staff has been told.',
};

const NOT_FOUND = 'I can\'t find that takedown notice, or you don\'t have a part in it.';

/** Teams activity -> command -> service -> card, for takedown notices. */
export function takedownRoutes(deps: TakedownRouteDeps): WorkflowRoutes {
  const { service, renderer, workingTime } = deps;
  const noticeCardFor = (notice: TakedownNotice, turn: Pick<Turn, 'actor' | 'now'>, extras?: TakedownCardExtras) =>
    renderer.render('takedown', takedownCardView(notice, turn.actor, turn.now, workingTime, extras));
  const unavailable = () => noticeCard(renderer, { title: 'Not available', message: NOT_FOUND, style: 'warning' });
  const commsOnly = () => noticeCard(renderer, {
    title: 'Communications Team only', message: 'Only the Communications Team issues and follows takedown notices.', style: 'warning',
  });

  async function formCard(turn: Turn, options: { input?: TakedownFormInput; errors?: Record<string, string>; formId?: string } = {}) {
    // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
    return renderer.render('takedown-form', takedownFormView({ ...options, actor: turn.actor, formId: options.formId ?? randomUUID(), people: await deps.directory.everyone() }));
  }

  function decision(toCommand: (turn: ActionTurn) => TakedownCommand): ActionHandler {
    return async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (!reference) return unavailable();
      const command = toCommand(turn);
      const outcome = await service.act(reference, command, turn.actor, turn.now, clickedCard(turn));
      if (outcome.ok) return noticeCardFor(outcome.snapshot, turn, outcome.changed ? { notice: DONE[command.type] ?? '', noticeStyle: 'good' } : {});
      if (!outcome.snapshot) return unavailable();
      return noticeCardFor(outcome.snapshot, turn, { notice: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, noteValue: textInput(turn.data, 'note', 1000) });
    };
  }

  /** Opening the card is the recipient's first action: it marks the notice seen (DESIGN.md). */
  async function showNotice(turn: Turn | ActionTurn, reference: string, remember: boolean): Promise<AdaptiveCardJson> {
    const notice = await service.loadFor(reference, turn.actor, turn.verb);
    if (!notice) return unavailable();
    const seen = notice.recipient.id === turn.actor.id && notice.state === 'issued'
      ? await service.act(reference, { type: 'acknowledge' }, turn.actor, turn.now)
      : undefined;
    const location = remember && 'data' in turn ? clickedCard(turn) : undefined;
    if (location) await service.rememberCard(reference, turn.actor.id, location);
    return noticeCardFor(seen?.ok ? seen.snapshot : notice, turn);
  }

  const note = (turn: ActionTurn) => textInput(turn.data, 'note', 1000);
  const deadline = (turn: ActionTurn) => service.newDeadline(turn.data.deadline, turn.now);

  const actions: Record<string, ActionHandler> = {
    'menu.issueTakedown': async (turn) => (hasRole(turn.actor, 'comms') ? formCard(turn) : commsOnly()),
    'takedown.issue': async (turn) => {
      if (!hasRole(turn.actor, 'comms')) return commsOnly();
      const input = turn.data as TakedownFormInput;
      const outcome = await service.issue(turn.actor, turn.now, turn.data.formId, input, clickedCard(turn));
      if (outcome.kind === 'invalid') return formCard(turn, { input, errors: outcome.rejection.fieldErrors ?? {}, formId: formToken(turn.data) });
      if (outcome.kind === 'duplicate') {
        return outcome.notice ? noticeCardFor(outcome.notice, turn, { notice: 'This notice was already sent.', noticeStyle: 'emphasis' })
          : noticeCard(renderer, { title: 'Already being sent', message: 'This notice is on its way. Type "takedowns" in a moment to see it.' });
      }
      return noticeCardFor(outcome.notice, turn, { headline: `Sent to ${outcome.notice.recipient.name}, to act on by ${formatDeadline(outcome.notice.deadline)}.` });
    },
    'takedown.cancel': async () => noticeCard(renderer, { title: 'Notice not sent', message: 'Nothing was sent.' }),
    'takedown.confirmRemoval': decision((turn) => ({ type: 'confirmRemoval', note: note(turn) })),
    'takedown.dispute': decision((turn) => ({ type: 'dispute', note: note(turn) })),
    'takedown.requestHelp': decision((turn) => ({ type: 'requestHelp', note: note(turn) })),
    'takedown.verify': decision((turn) => ({ type: 'verify', note: note(turn) })),
    'takedown.reopen': decision((turn) => ({ type: 'reopen', note: note(turn), deadline: deadline(turn) })),
    'takedown.uphold': decision((turn) => ({ type: 'uphold', note: note(turn), deadline: deadline(turn) })),
    'takedown.withdraw': decision((turn) => ({ type: 'withdraw', note: note(turn) })),
    'takedown.refresh': async (turn) => {
      const reference = parseReference(turn.data.reference);
      return reference ? showNotice(turn, reference, false) : unavailable();
    },
    'menu.takedowns': async (turn) => {
      const open = await service.openNotices(turn.actor);
      if (!open) return commsOnly();
      return caseListCard(renderer, 'Open takedown notices', open.map((entry) => withTimeLeft(entry, turn.now)), stateLabel, 'No open takedown notices.', 'case.show', 'takedowns');
    },
  };

  function withTimeLeft(entry: InboxEntry, now: Date): InboxEntry {
    if (!entry.dueAt) return entry;
    const hours = Math.round(workingTime.workingMillisBetween(now, new Date(entry.dueAt)) / 360_000) / 10;
    return { ...entry, nextStep: hours > 0 ? `Due ${formatDeadline(entry.dueAt)}: ${hours} working hours left.` : `Deadline passed (${formatDeadline(entry.dueAt)}).` };
  }

  const reply = (verb: string) => async (turn: Turn) => replyWithCard(turn.context, await actions[verb]!({ ...turn, data: {} }));
  const commands: Command[] = [
    { pattern: /^(issue (a )?takedown( notice)?|new takedown( notice)?|takedown notice|send (a )?takedown( notice)?)$/, handle: reply('menu.issueTakedown') },
    { pattern: /^(takedowns|open takedowns|takedown notices)$/, handle: reply('menu.takedowns') },
  ];

  return { actions, commands, viewer: { prefix: 'TD', show: showNotice, stateLabel } };
}

function stateLabel(state: string) {
  return TAKEDOWN_STATE_LABELS[state as TakedownNotice['state']] ?? { label: state, color: 'default' };
}
