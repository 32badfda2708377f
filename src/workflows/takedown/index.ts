import { teamInbox } from '../../store/inbox';
import { randomUUID } from 'node:crypto';
import { caseListCard } from '../../cards/case-list';
import { messageCard } from '../../cards/message-card';
import type { CaseAction, CaseRules, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import { formatDeadline } from '../../domain/london-time';
import { reject } from '../../domain/outcome';
import { Actor, hasRole } from '../../domain/people';
import { textInput } from '../../cases/card-input';
import { TAKEDOWN_TIMERS, takedownEffects } from './effects';
import { TakedownFormInput, validateTakedownForm } from './form';
import { dueFrom } from '../../domain/due-choices';
import { takedownFormView } from './form-view';
import { TAKEDOWN_STATE_LABELS } from './labels';
import { canSeeNotice, decide, evolve, TakedownCommand, TakedownEvent, TakedownNotice } from './model';
import { takedownParticipants, takedownPresenter } from './presenter';
import { takedownCardView } from './view';
import { withTimeLeft } from '../../cases/time-left';
import { concernFormCard, TAKEDOWN_IS_COMMS_ONLY } from '../concern/form-view';

const rules: CaseRules = {
  prefix: 'TD',
  name: 'takedown',
  closedStates: ['verified', 'withdrawn'],
  namedRoles: ['recipient', 'issuer', 'manager'],
  disclosure: {
    detailsAuthor: 'issuer',
    labels: {
      recipient: 'the recipient', issuer: 'the Communications Team member who issued the notice', manager: 'the recipient\'s line manager', other: 'a Communications Team member',
    },
  },
  stateLabel: (state) => TAKEDOWN_STATE_LABELS[state as TakedownNotice['state']] ?? { label: state, color: 'default' },
};

const NOT_FOUND = 'I can\'t find that takedown notice, or you don\'t have a part in it.';

/** Takedown notices: the Communications Team asks a member of staff to remove a post, with the clause and a deadline. */
export const takedown: WorkflowModule<TakedownNotice, TakedownCommand, TakedownEvent> = {
  rules,
  help: {
    full: [
      { command: 'issue takedown', purpose: 'Communications Team: ask a member of staff to remove a post that breaches the policy.', role: 'comms' },
      { command: 'takedowns', purpose: 'Communications Team: open takedown notices and the working time left.', role: 'comms' },
    ],
    short: [
      { command: 'issue takedown', purpose: 'Ask a member of staff to remove a post.', role: 'comms' },
      { command: 'takedowns', purpose: 'Open takedown notices.', role: 'comms' },
    ],
  },
  lists: { takedowns: 'menu.takedowns' },
  create(tools: WorkflowTools) {
    const { renderer, workingTime, directory } = tools;
    const commsOnly = () => messageCard(renderer, {
      title: 'Communications Team only', message: 'Only the Communications Team issues and follows takedown notices.', style: 'warning',
    });
    const form = async (action: Pick<CaseAction, 'actor'>, options: { input?: TakedownFormInput; errors?: Readonly<Record<string, string>>; formId?: string } = {}) =>
      // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
      renderer.render('takedown-form', takedownFormView({ ...options, actor: action.actor, formId: options.formId ?? randomUUID(), people: await directory.everyone() }));
    const note = (action: CaseAction) => textInput(action.data, 'note', 1000);
    const newDeadline = (action: CaseAction) => (dueFrom(action.data.deadline, action.now, workingTime) ?? action.now).toISOString();
    const openNotices = async (actor: Actor) => (hasRole(actor, 'comms') ? tools.inbox.list(teamInbox('comms'), { role: 'takedown', awaitingOnly: true }) : undefined);
    const keeps = { note: 1000 };

    return {
      rules,
      notFound: () => NOT_FOUND,
      workflow: {
        decide, evolve, effects: takedownEffects(workingTime), stateOf: (notice) => notice.state, participants: takedownParticipants, canSee: canSeeNotice,
      },
      presenter: takedownPresenter(renderer, workingTime),
      caseCard: (notice, viewer, now, shown) => renderer.render('takedown', takedownCardView(notice, viewer, now, workingTime, shown)),
      timers: {
        [TAKEDOWN_TIMERS.remind]: (basis) => ({ type: 'remind', basis }),
        [TAKEDOWN_TIMERS.overdue]: (basis) => ({ type: 'markOverdue', basis }),
      },
      decisions: {
        confirmRemoval: { command: (action) => ({ type: 'confirmRemoval', note: note(action) }), done: 'Thank you. The Communications Team will check the post is gone.', keeps },
        dispute: { command: (action) => ({ type: 'dispute', note: note(action) }), done: 'Your dispute was sent to the Communications Team.', keeps },
        requestHelp: { command: (action) => ({ type: 'requestHelp', note: note(action) }), done: 'The Communications Team has been asked to help you.', keeps },
        verify: { command: (action) => ({ type: 'verify', note: note(action) }), done: 'Removal verified: the notice is closed and the member of staff has been told.', keeps },
        reopen: { command: (action) => ({ type: 'reopen', note: note(action), deadline: newDeadline(action) }), done: 'Reopened with a new deadline; the member of staff has been told.', keeps },
        uphold: { command: (action) => ({ type: 'uphold', note: note(action), deadline: newDeadline(action) }), done: 'The notice stands, with a new deadline; the member of staff has been told.', keeps },
        withdraw: { command: (action) => ({ type: 'withdraw', note: note(action) }), done: 'The notice was withdrawn; the member of staff has been told.', keeps },
      },
      opening: {
        verb: 'takedown.issue',
        allowed: (actor) => hasRole(actor, 'comms'),
        refusal: commsOnly,
        async command(action) {
          const input = action.data as TakedownFormInput;
          const checked = validateTakedownForm(input, action.now, workingTime);
          if (!checked.ok) return checked;
          const recipient = await findChosenPerson(directory, input.recipientSearch, input.recipient);
          if (!recipient) return reject('invalid', 'Please check the highlighted fields.', { recipient: PERSON_NOT_FOUND });
          const manager = recipient.managerId ? await directory.find(recipient.managerId) : undefined;
          return {
            type: 'issue', reference: '', recipient: { id: recipient.id, name: recipient.name }, details: checked.details, deadline: checked.deadline,
            ...(manager ? { manager: { id: manager.id, name: manager.name } } : {}),
          };
        },
        formAgain: (action, errors) => form(action, { input: action.data as TakedownFormInput, errors, ...(typeof action.data.formId === 'string' ? { formId: action.data.formId } : {}) }),
        opened: (notice) => `Sent to ${notice.recipient.name}, to act on by ${formatDeadline(notice.deadline)}.`,
        repeated: 'This notice was already sent.',
        stillOpening: { title: 'Already being sent', message: 'This notice is on its way. Type "takedowns" in a moment to see it.' },
      },
      /** Opening the card is the recipient's first action: it marks the notice seen (DESIGN.md). */
      onView: (notice, viewer) => (notice.recipient.id === viewer.id && notice.state === 'issued' ? { type: 'acknowledge' } : undefined),
      actions: () => ({
        // Staff who want a post taken down tell the Communications Team about it instead (issue 12, "Staff concerns").
        'menu.issueTakedown': async (action) => (hasRole(action.actor, 'comms') ? form(action) : concernFormCard(tools, action.actor, { lead: TAKEDOWN_IS_COMMS_ONLY })),
        'takedown.cancel': async () => messageCard(renderer, { title: 'Notice not sent', message: 'Nothing was sent.' }),
        'menu.takedowns': async (action) => {
          const open = await openNotices(action.actor);
          if (!open) return commsOnly();
          return caseListCard(renderer, 'Open takedown notices', open.map((entry) => withTimeLeft(entry, action.now, workingTime)), rules.stateLabel, 'No open takedown notices.', 'case.show', 'takedowns');
        },
      }),
      commands: [
        { pattern: /^(issue (a )?takedown( notice)?|new takedown( notice)?|takedown notice|send (a )?takedown( notice)?)$/, verb: 'menu.issueTakedown' },
        { pattern: /^(takedowns|open takedowns|takedown notices)$/, verb: 'menu.takedowns' },
      ],
      teamQueue: { team: 'Communications Team', waiting: openNotices },
    };
  },
};
