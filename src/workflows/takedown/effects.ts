import type { Effect } from '../../domain/effects';
import { formatDeadline } from '../../domain/london-time';
import type { WorkingTime } from '../../domain/working-time';
import { TakedownEvent, TakedownNotice } from './model';

export const TAKEDOWN_TIMERS = { remind: 'takedown.remind', overdue: 'takedown.overdue' } as const;

/**
 * Who is told what after each event, and the timers of each deadline: a reminder half-way (in working
 * time) and the deadline itself, after which the notice is overdue and the recipient's manager is told.
 */
export function takedownEffects(workingTime: WorkingTime) {
  return (events: readonly TakedownEvent[], _before: TakedownNotice | undefined, after: TakedownNotice): Effect[] =>
    events.flatMap((event) => effectsOf(event, after, workingTime));
}

function effectsOf(event: TakedownEvent, notice: TakedownNotice, workingTime: WorkingTime): Effect[] {
  const recipient = { person: notice.recipient };
  const issuer = { person: notice.issuer };
  const by = formatDeadline(notice.deadline);
  switch (event.type) {
    case 'TakedownIssued':
      return [
        notify(recipient, `The Communications Team asks you to remove a post that breaches the Social Media Policy, by ${by}.`),
        ...deadlineTimers(notice.deadline, event.at, workingTime),
      ];
    case 'RemovalConfirmed':
      return [notify(issuer, `${notice.recipient.name} says the post is removed. Please check and verify.`)];
    case 'Disputed':
      return [notify(issuer, `${notice.recipient.name} disputes the takedown notice. Uphold or withdraw it.`)];
    case 'HelpRequested':
      return [notify(issuer, `${notice.recipient.name} needs help with the takedown notice.`)];
    case 'RemovalVerified':
      return [notify(recipient, `The Communications Team checked that the post is gone: the notice is closed. Thank you.`)];
    case 'Reopened':
      return [notify(recipient, `The post is still visible. Please remove it by ${by}.`), ...deadlineTimers(notice.deadline, event.at, workingTime)];
    case 'Upheld':
      return [notify(recipient, `The Communications Team has upheld the notice: please remove the post by ${by}.`), ...deadlineTimers(notice.deadline, event.at, workingTime)];
    case 'Withdrawn':
      return [notify(recipient, 'The Communications Team withdrew the takedown notice: nothing more is needed from you.')];
    case 'Reminded':
      return [notify(recipient, `Reminder: please remove the post by ${by}, or tell the Communications Team why not.`)];
    case 'WentOverdue':
      return [
        notify(recipient, 'The deadline to remove the post has passed, and your line manager has been told. Failing to comply may itself be a disciplinary matter.'),
        notify(issuer, `${notice.reference} is overdue: ${notice.recipient.name} has not confirmed the removal.${notice.manager ? ` ${notice.manager.name} has been told.` : ''}`),
        ...(notice.manager ? [notify({ person: notice.manager }, `${notice.recipient.name} has not removed a post by the deadline the Communications Team set. Please follow it up with them.`)] : []),
      ];
    case 'Acknowledged':
    case 'InformationReceived':
      return [];
  }
}

/** Half the time to the deadline, counted in working hours, then the deadline; both tied to this deadline. */
function deadlineTimers(deadline: string, from: string, workingTime: WorkingTime): Effect[] {
  const workingMillis = workingTime.workingMillisBetween(new Date(from), new Date(deadline));
  const halfway = workingTime.addWorkingHours(new Date(from), workingMillis / 2 / 3_600_000);
  return [
    { kind: 'timer', timer: TAKEDOWN_TIMERS.remind, dueAt: halfway.toISOString(), basis: deadline },
    { kind: 'timer', timer: TAKEDOWN_TIMERS.overdue, dueAt: deadline, basis: deadline },
  ];
}

function notify(to: Extract<Effect, { kind: 'notify' }>['to'], headline: string): Effect {
  return { kind: 'notify', to, headline };
}
