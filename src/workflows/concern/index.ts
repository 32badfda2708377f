import { caseListCard, CaseListEntry } from '../../cards/case-list';
import { messageCard } from '../../cards/message-card';
import { cleanLine } from '../../domain/free-text';
import { textInput } from '../../cases/card-input';
import type { CaseAction, CaseRules, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import { reject } from '../../domain/outcome';
import { Actor, hasRole } from '../../domain/people';
import { teamInbox } from '../../store/inbox';
import { concernEffects } from './effects';
import { ConcernFormInput, validateConcernForm } from './form';
import { concernFormCard } from './form-view';
import { handoverActions } from './handover';
import { CONCERN_STATE_LABELS } from './labels';
import { canSeeConcern, Concern, ConcernCommand, ConcernEvent, decide, evolve, NOTE_MAX, OUTCOMES } from './model';
import { concernParticipants, concernPresenter } from './presenter';
import { concernCardView } from './view';

const rules: CaseRules = {
  prefix: 'SC',
  // Like access requests and takedown notices (their default): kept 2 years after closing, then deleted.
  deleteClosedAfterMonths: 24,
  name: 'concern',
  closedStates: OUTCOMES,
  namedRoles: ['raiser', 'colleague', 'triager'],
  disclosure: {
    detailsAuthor: 'raiser',
    labels: {
      raiser: 'the member of staff who raised the concern', colleague: 'the colleague the concern is about',
      triager: 'the Communications Team member who dealt with it', other: 'a Communications Team member',
    },
  },
  stateLabel: (state) => CONCERN_STATE_LABELS[state as Concern['state']] ?? { label: state, color: 'default' },
};

const NOT_FOUND = 'I can\'t find that concern, or you don\'t have a part in it.';

/** Oldest raised first: references count up as concerns are raised. */
const byReference = (a: CaseListEntry, b: CaseListEntry) => a.reference.localeCompare(b.reference, 'en', { numeric: true });

/**
 * Staff concerns about posts (Appendix 1, section 9): anyone tells the Communications Team about a post; the team
 * makes it a takedown notice, a customer post, a moderation action, a suggestion to report abuse, or nothing, and
 * the raiser is told in general terms.
 */
export const concern: WorkflowModule<Concern, ConcernCommand, ConcernEvent> = {
  rules,
  help: {
    full: [
      { command: 'raise a concern', purpose: 'Tell the Communications Team about a post that worries you: about a colleague, a customer or the Group\'s own page.' },
      { command: 'my concerns', purpose: 'The concerns you raised and what the Communications Team did.' },
      { command: 'concerns', purpose: 'Communications Team: the concerns staff raised that wait for a decision, oldest first.', role: 'comms' },
    ],
  },
  lists: { myConcerns: 'menu.myConcerns', concerns: 'menu.concerns' },
  create(tools: WorkflowTools) {
    const { renderer, directory, inbox } = tools;
    const note = (action: CaseAction) => textInput(action.data, 'note', NOTE_MAX);
    const openConcerns = async (actor: Actor) => (hasRole(actor, 'comms') ? inbox.list(teamInbox('comms'), { role: 'concern', awaitingOnly: true }) : undefined);
    const list = (title: string, entries: readonly CaseListEntry[], empty: string, name: string) =>
      caseListCard(renderer, title, entries, rules.stateLabel, empty, 'case.show', name);
    const keeps = { note: NOTE_MAX };

    return {
      rules,
      notFound: () => NOT_FOUND,
      workflow: { decide, evolve, effects: concernEffects, stateOf: (raised) => raised.state, participants: concernParticipants, canSee: canSeeConcern },
      presenter: concernPresenter(renderer),
      caseCard: (raised, viewer, now, shown) => renderer.render('concern', concernCardView(raised, viewer, now, shown)),
      timers: {},
      decisions: {
        moderate: {
          // What was done, in a line: line breaks would only hide part of it in lists and exports.
          command: (action) => ({ type: 'recordModeration', note: cleanLine(note(action)) }),
          done: 'Recorded. The member of staff has been told the post was dealt with.', keeps,
        },
        suggestAbuseReport: {
          command: (action) => ({ type: 'suggestAbuseReport', note: note(action) }),
          done: 'The member of staff has been asked to report it as abuse, with a button to do it.', keeps,
        },
        noAction: {
          command: (action) => ({ type: 'closeWithoutAction', reason: textInput(action.data, 'reason', 40), note: note(action) }),
          done: 'Closed with no action. The member of staff has been told why, in general terms.', keeps,
        },
      },
      opening: {
        verb: 'concern.raise',
        async command(action) {
          const input = action.data as ConcernFormInput;
          const checked = validateConcernForm(input);
          if (!checked.ok) return checked;
          const colleague = checked.namesColleague ? await findChosenPerson(directory, input.colleagueSearch, input.colleague) : undefined;
          if (checked.namesColleague && !colleague) return reject('invalid', 'Please check the highlighted fields.', { colleague: PERSON_NOT_FOUND });
          return { type: 'raise', reference: '', details: checked.details, ...(colleague ? { colleague: { id: colleague.id, name: colleague.name } } : {}) };
        },
        formAgain: (action, errors) => concernFormCard(tools, action.actor, {
          input: action.data as ConcernFormInput, errors, ...(typeof action.data.formId === 'string' ? { formId: action.data.formId } : {}),
        }),
        opened: () => 'Sent to the Communications Team. They will look at the post and tell you what they did.',
        repeated: 'This concern was already sent.',
        stillOpening: { title: 'Already being sent', message: 'Your concern is on its way. Type "my concerns" in a moment to see it.' },
      },
      actions: (service) => ({
        'menu.raiseConcern': (action) => concernFormCard(tools, action.actor),
        'concern.cancel': async () => messageCard(renderer, { title: 'Concern not sent', message: 'Nothing was sent. You can type "raise a concern" at any time.' }),
        'menu.myConcerns': async (action) => list('My concerns', await inbox.list(action.actor.id, { role: 'raiser' }), 'You have not raised any concerns.', 'myConcerns'),
        'menu.concerns': async (action) => {
          const open = await openConcerns(action.actor);
          return open ? list('Concerns raised by staff', [...open].sort(byReference), 'No concerns are waiting.', 'concerns')
            : messageCard(renderer, { title: 'Communications Team only', message: 'Only the Communications Team sees the concerns staff raise. Type "my concerns" for yours.', style: 'warning' });
        },
        ...handoverActions(service, tools),
      }),
      commands: [
        {
          pattern: /^(raise (a )?concern|concern|a concern|i('m| am) worried about (a|this|that) post|worried about a post|someone('s| has)? posted about us)$/,
          verb: 'menu.raiseConcern',
        },
        { pattern: /^(my concerns)$/, verb: 'menu.myConcerns' },
        { pattern: /^(concerns|open concerns|staff concerns)$/, verb: 'menu.concerns' },
      ],
      teamQueue: { team: 'Communications Team', waiting: openConcerns },
    };
  },
};
