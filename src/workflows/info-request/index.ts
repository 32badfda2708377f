import { randomUUID } from 'node:crypto';
import { messageCard } from '../../cards/message-card';
import { formToken, textInput } from '../../cases/card-input';
import type { CaseAction, CaseRules, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import type { Directory } from '../../directory/directory';
import { ANSWER_MAX } from '../../domain/information';
import { formatDeadline } from '../../domain/london-time';
import { reject } from '../../domain/outcome';
import { hasRole, Person } from '../../domain/people';
import { INFO_REQUEST_TIMERS, infoRequestEffects } from './effects';
import { InfoRequestFormInput, postLink, validateInfoRequestForm } from './form';
import { dueFrom } from '../../domain/due-choices';
import { infoRequestFormView } from './form-view';
import { INFO_REQUEST_STATE_LABELS } from './labels';
import {
  canSeeRequest, decide, evolve, InformationRequest, InformationRequestCommand, InformationRequestEvent, NOT_FOUND, parentReference, REASON_MAX,
} from './model';
import { infoRequestCard, infoRequestParticipants, infoRequestPresenter } from './presenter';

const rules: CaseRules = {
  prefix: 'IR',
  // Like access requests and takedown notices (their default): kept 2 years after closing, then deleted.
  deleteClosedAfterMonths: 24,
  name: 'infoRequest',
  closedStates: ['answered', 'withdrawn'],
  namedRoles: ['colleague', 'asker', 'manager'],
  disclosure: {
    detailsAuthor: 'asker',
    labels: {
      colleague: 'the colleague asked', asker: 'the Communications Team member who asked', manager: 'the colleague\'s line manager', other: 'a Communications Team member',
    },
    formerLabels: { colleague: 'a colleague asked earlier', manager: 'the line manager of a colleague asked earlier' },
  },
  stateLabel: (state) => INFO_REQUEST_STATE_LABELS[state as InformationRequest['state']] ?? { label: state, color: 'default' },
};

/** A person as the case records them: id and name only. */
const asPerson = ({ id, name }: Person): Person => ({ id, name });

/** The person chosen and their line manager, both from the directory. */
async function colleagueAndManager(directory: Directory, picked: unknown, listed: unknown): Promise<{ colleague?: Person; manager?: Person }> {
  const colleague = await findChosenPerson(directory, picked, listed);
  const manager = colleague?.managerId ? await directory.find(colleague.managerId) : undefined;
  return { ...(colleague ? { colleague: asPerson(colleague) } : {}), ...(manager ? { manager: asPerson(manager) } : {}) };
}

/**
 * Information from colleagues (issue 12): the Communications Team asks any member of staff a question from a
 * customer post, a takedown notice or a concern (the button "Ask a colleague" on that case's card, verb
 * `infoRequest.new` with `{ about, link }`); the answer lands on that case and in the asker's chat.
 */
export const infoRequest: WorkflowModule<InformationRequest, InformationRequestCommand, InformationRequestEvent> = {
  rules,
  create(tools: WorkflowTools) {
    const { renderer, workingTime, directory } = tools;
    const commsOnly = () => messageCard(renderer, {
      title: 'Communications Team only', message: 'Only the Communications Team asks colleagues for information.', style: 'warning',
    });
    const noCase = () => messageCard(renderer, {
      title: 'Not available', message: 'I can\'t find that case, or you can\'t ask a colleague about it.', style: 'warning',
    });
    const form = async (action: Pick<CaseAction, 'actor' | 'data'>, errors?: Readonly<Record<string, string>>, formId?: string) => {
      const about = parentReference(action.data.about);
      if (!about) return noCase();
      const link = postLink(action.data.link);
      return renderer.render('info-request-form', infoRequestFormView({
        actor: action.actor, formId: formId ?? randomUUID(), people: await directory.everyone(), about, ...(link ? { link } : {}),
        ...(errors ? { input: action.data as InfoRequestFormInput, errors } : {}),
      }));
    };
    const card = infoRequestCard(renderer, workingTime);

    return {
      rules,
      notFound: () => NOT_FOUND,
      workflow: {
        decide, evolve, effects: infoRequestEffects(workingTime), stateOf: (request) => request.state, participants: infoRequestParticipants, canSee: canSeeRequest,
      },
      presenter: infoRequestPresenter(renderer, workingTime),
      caseCard: card,
      timers: {
        [INFO_REQUEST_TIMERS.remind]: (basis) => ({ type: 'remind', basis }),
        [INFO_REQUEST_TIMERS.overdue]: (basis) => ({ type: 'markOverdue', basis }),
      },
      decisions: {
        answer: {
          command: (action) => ({ type: 'answer', answer: textInput(action.data, 'answer', ANSWER_MAX) }),
          done: 'Thank you: your answer was sent to the Communications Team.',
          keeps: { answer: ANSWER_MAX },
        },
        passOn: {
          command: async (action) => ({
            type: 'passOn', ...await colleagueAndManager(directory, action.data.newColleague, undefined), reason: textInput(action.data, 'reason', REASON_MAX),
            dueIfPast: (dueFrom(undefined, action.now, workingTime) ?? action.now).toISOString(),
          }),
          done: 'Passed on: the Communications Team has been told.',
          keeps: { answer: ANSWER_MAX, reason: REASON_MAX },
        },
        withdraw: { command: () => ({ type: 'withdraw' }), done: 'The question was withdrawn; the colleague has been told.' },
      },
      opening: {
        verb: 'infoRequest.ask',
        allowed: (actor) => hasRole(actor, 'comms'),
        refusal: commsOnly,
        async command(action) {
          const input = action.data as InfoRequestFormInput;
          const checked = validateInfoRequestForm(input, action.now, workingTime);
          if (!checked.ok) return checked;
          const { colleague, manager } = await colleagueAndManager(directory, input.colleagueSearch, input.colleague);
          if (!colleague) return reject('invalid', 'Please check the highlighted fields.', { colleague: PERSON_NOT_FOUND });
          return { type: 'ask', reference: '', about: checked.about, colleague, ...(manager ? { manager } : {}), details: checked.details, dueAt: checked.dueAt };
        },
        formAgain: (action, errors) => form(action, errors, formToken(action.data)),
        opened: (request) => `Sent to ${request.colleague.name}, to answer by ${formatDeadline(request.dueAt)}.`,
        repeated: 'This question was already sent.',
        stillOpening: { title: 'Already being sent', message: 'This question is on its way. Type "my cases" in a moment to see it.' },
      },
      actions: () => ({
        /** The button on a case's card: the question form, for the Communications Team, about a case a question may be asked from. */
        // The form comes as a message of its own: the case card it was asked from stays that case's card.
        'infoRequest.new': async (action) => {
          if (!hasRole(action.actor, 'comms')) return commsOnly();
          if (!parentReference(action.data.about)) return noCase();
          return { newMessage: await form(action), toast: 'The question form is below.' };
        },
        'infoRequest.cancel': async () => messageCard(renderer, { title: 'Question not sent', message: 'Nothing was sent.' }),
      }),
    };
  },
};
