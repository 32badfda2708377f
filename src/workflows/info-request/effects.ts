import type { Effect } from '../../domain/effects';
import type { InformationReceived } from '../../domain/information';
import { formatDeadline } from '../../domain/london-time';
import type { WorkingTime } from '../../domain/working-time';
import type { InformationRequest, InformationRequestEvent } from './model';

export const INFO_REQUEST_TIMERS = { remind: 'infoRequest.remind', overdue: 'infoRequest.overdue' } as const;

/**
 * Who is told what after each event, and the timers of each due time: a reminder half-way (in working time)
 * and the due time itself, after which the colleague's line manager and the asker are told. The answer lands
 * on the case the question was asked from, through that case's own workflow (an `act` effect).
 */
export function infoRequestEffects(workingTime: WorkingTime) {
  return (events: readonly InformationRequestEvent[], before: InformationRequest | undefined, after: InformationRequest): Effect[] =>
    events.flatMap((event) => effectsOf(event, before, after, workingTime));
}

function effectsOf(event: InformationRequestEvent, before: InformationRequest | undefined, request: InformationRequest, workingTime: WorkingTime): Effect[] {
  const colleague = { person: request.colleague };
  const asker = { person: request.asker };
  const due = formatDeadline(request.dueAt);
  switch (event.type) {
    case 'InformationRequested':
      return [
        notify(colleague, `${request.asker.name} of the Communications Team asks you a question. Please answer by ${due}.`),
        ...dueTimers(request.dueAt, event.at, workingTime),
      ];
    case 'PassedOn':
      return [
        notify(colleague, `${event.by.name} thinks you can answer a question from ${request.asker.name} of the Communications Team. Please answer by ${due}.`),
        notify(asker, `${event.by.name} passed your question on to ${request.colleague.name}.`),
        // The asker's due time still stands, with its timers; only a due time already passed is replaced.
        ...(before?.dueAt === request.dueAt ? [] : dueTimers(request.dueAt, event.at, workingTime)),
      ];
    case 'Answered':
      return [
        { kind: 'act', reference: request.about, command: informationReceived(request, event) },
        notify(asker, `${event.by.name} answered your question.`),
      ];
    case 'Withdrawn':
      return [notify(colleague, 'The Communications Team withdrew its question: nothing more is needed from you.')];
    case 'Reminded':
      return [notify(colleague, `Reminder: ${request.asker.name} of the Communications Team is waiting for your answer, due by ${due}.`)];
    case 'WentOverdue':
      return [
        notify(asker, `${request.reference} is overdue: ${request.colleague.name} has not answered.${request.manager ? ` ${request.manager.name} has been told.` : ''}`),
        ...(request.manager ? [notify({ person: request.manager }, `${request.colleague.name} has not answered a question from the Communications Team by the time it was due. Please follow it up with them.`)] : []),
      ];
  }
}

function informationReceived(request: InformationRequest, event: Extract<InformationRequestEvent, { type: 'Answered' }>): InformationReceived {
  return { type: 'informationReceived', request: request.reference, from: event.by, answer: event.answer };
}

/** Half the time to the due time, counted in working hours, then the due time; both tied to this due time. */
function dueTimers(dueAt: string, from: string, workingTime: WorkingTime): Effect[] {
  const workingMillis = workingTime.workingMillisBetween(new Date(from), new Date(dueAt));
  const halfway = workingTime.addWorkingHours(new Date(from), workingMillis / 2 / 3_600_000);
  return [
    { kind: 'timer', timer: INFO_REQUEST_TIMERS.remind, dueAt: halfway.toISOString(), basis: dueAt },
    { kind: 'timer', timer: INFO_REQUEST_TIMERS.overdue, dueAt, basis: dueAt },
  ];
}

function notify(to: Extract<Effect, { kind: 'notify' }>['to'], headline: string): Effect {
  return { kind: 'notify', to, headline };
}
