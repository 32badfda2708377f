import { CaseCardBase, clipText, historyLines, messageLines } from '../../cards/case-card';
import type { StepMessage } from '../../cases/definition';
import { hoursLeftText } from '../../cases/time-left';
import { ANSWER_MAX } from '../../domain/information';
import { formatDeadline, formatLondonDateTime } from '../../domain/london-time';
import { Actor, hasRole } from '../../domain/people';
import type { WorkingTime } from '../../domain/working-time';
import { INFO_REQUEST_STATE_LABELS } from './labels';
import { decide, InformationRequest, InformationRequestCommand, InformationRequestStep, REASON_MAX } from './model';

/**
 * The data bound to `cards/info-request.json`. The colleague sees the question, the post's link, who asks and
 * when the answer is due: nothing else of the case it was asked from. Only the Communications Team sees which
 * case that is.
 */
export interface InfoRequestCardView extends CaseCardBase {
  readonly question: string;
  readonly link: string;
  readonly answer: { readonly text: string; readonly line: string };
  /** The case asked from, for the Communications Team only ('' for anyone else). */
  readonly about: string;
  readonly can: Readonly<Record<'answer' | 'passOn' | 'withdraw', boolean>>;
  readonly answerValue: string;
  readonly answerError: string;
  readonly reasonValue: string;
  readonly passOnError: string;
}

export function infoRequestCardView(
  request: InformationRequest, viewer: Actor, now: Date, workingTime: WorkingTime, extras: StepMessage = {},
): InfoRequestCardView {
  const comms = hasRole(viewer, 'comms');
  const errors = extras.fieldErrors ?? {};
  return {
    reference: request.reference,
    ...messageLines(extras),
    stateLabel: INFO_REQUEST_STATE_LABELS[request.state].label,
    stateColor: INFO_REQUEST_STATE_LABELS[request.state].color,
    nextStep: nextStep(request, now, workingTime),
    facts: [
      { title: 'From', value: `${request.asker.name}, Communications Team` },
      { title: 'To', value: request.colleague.name },
      { title: 'Due', value: formatDeadline(request.dueAt) },
      ...(comms ? [{ title: 'About', value: request.about }] : []),
    ],
    question: request.details.question,
    link: request.details.link ?? '',
    answer: request.answer
      ? { text: request.answer.text, line: `${request.answer.by.name}, ${formatLondonDateTime(request.answer.at)}` }
      : { text: '', line: '' },
    about: comms ? request.about : '',
    ...historyLines(request.history, request.earlierSteps, (step) => ({ when: formatLondonDateTime(step.at), what: stepWords(step), comment: step.note ?? '' })),
    can: permittedActions(request, viewer, now),
    answerValue: clipText(extras.values?.answer ?? '', ANSWER_MAX),
    answerError: errors.answer ?? '',
    reasonValue: clipText(extras.values?.reason ?? '', REASON_MAX),
    passOnError: errors.newColleague ?? errors.reason ?? '',
    refreshUserIds: [viewer.id],
  };
}

/** Asks the model which buttons it would accept from this viewer. Passing a question on is open to whoever may answer it. */
function permittedActions(request: InformationRequest, viewer: Actor, now: Date): Record<'answer' | 'passOn' | 'withdraw', boolean> {
  const accepts = (command: InformationRequestCommand) => {
    const decision = decide(request, command, { actor: viewer, now });
    return decision.ok && decision.events.length > 0;
  };
  const answer = accepts({ type: 'answer', answer: 'the answer typed on the card' });
  return { answer, passOn: answer, withdraw: accepts({ type: 'withdraw' }) };
}

function stepWords(step: InformationRequestStep): string {
  const to = step.to?.name ?? 'a colleague';
  switch (step.action) {
    case 'InformationRequested': return `${step.by.name} asked ${to}`;
    case 'PassedOn': return `${step.by.name} passed it on to ${to}`;
    case 'Answered': return `Answered by ${step.by.name}`;
    case 'Withdrawn': return `Withdrawn by ${step.by.name}`;
    case 'Reminded': return 'Reminder sent';
    case 'WentOverdue': return 'Due time passed';
  }
}

/** Who acts next, and by when, with the working time left. */
export function nextStep(request: InformationRequest, now: Date, workingTime: WorkingTime): string {
  switch (request.state) {
    case 'asked':
      return `${request.colleague.name} to answer by ${formatDeadline(request.dueAt)}, ${hoursLeftText(now, new Date(request.dueAt), workingTime)}.`;
    case 'overdue':
      return `${request.colleague.name} to answer now: it was due ${formatDeadline(request.dueAt)}${request.manager ? ', and their line manager was told' : ''}.`;
    case 'answered': return request.answer ? `Answered by ${request.answer.by.name} on ${formatLondonDateTime(request.answer.at)}.` : 'Answered.';
    case 'withdrawn': return 'Closed: the question was withdrawn.';
  }
}
