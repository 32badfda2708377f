import type { Effect, Recipient } from '../../domain/effects';
import { formatDeadline } from '../../domain/london-time';
import type { WorkingTime } from '../../domain/working-time';
import { hoursLeftText } from '../../cases/time-left';
import { platformName } from '../../domain/platforms';
import { KIND_PHRASES } from './labels';
import type { CustomerPost, CustomerPostEvent, PostClock } from './model';

export const CUSTOMER_POST_TIMERS = { remind: 'customerPost.remind', overdue: 'customerPost.overdue', lookAgain: 'customerPost.lookAgain' } as const;

const HOUR = 3_600_000;

/**
 * Who is told what after each event, and the timers: each clock gets a reminder at three quarters of its
 * working time and its deadline, when the owner and the Communications Team are told it is overdue; a post
 * being monitored gets its date to look again. Every timer carries the deadline or date it was set for, so
 * a new one (a later date, a reopening) leaves the old ones with nothing to do.
 */
export function customerPostEffects(workingTime: WorkingTime) {
  return (events: readonly CustomerPostEvent[], _before: CustomerPost | undefined, after: CustomerPost): Effect[] =>
    events.flatMap((event) => effectsOf(event, after, workingTime));
}

function effectsOf(event: CustomerPostEvent, post: CustomerPost, workingTime: WorkingTime): Effect[] {
  switch (event.type) {
    case 'PostLogged':
    case 'CustomerToldLonger':
    case 'Reopened':
      return post.clock ? clockTimers(post.clock, workingTime) : [];
    case 'OwnerAssigned':
      return event.owner.id === event.by.id ? [] : [notify({ person: event.owner }, `${event.by.name} gave you ${post.reference}: ${describe(post)}.`)];
    case 'MonitoringStarted':
      return [{ kind: 'timer', timer: CUSTOMER_POST_TIMERS.lookAgain, dueAt: event.lookAgainAt, basis: event.lookAgainAt }];
    case 'Reminded':
      return post.clock ? [notify(ownerOrTeam(post), `Reminder: ${clockSentence(post, post.clock, new Date(event.at), workingTime)}`)] : [];
    case 'WentOverdue':
      return post.clock ? overdueNotices(post, post.clock) : [];
    case 'LookAgainDue':
      return [notify(ownerOrTeam(post), `Time to look again at ${post.reference} (${describe(post)}): you decided not to comment and to keep monitoring.`)];
    case 'FirstResponseRecorded':
    case 'Resolved':
    case 'Moderated':
    case 'HandedToComplaints':
    case 'InformationReceived':
      return [];
  }
}

/** Three quarters of the way to the deadline, counted in working hours, then the deadline; both tied to this deadline. */
function clockTimers(clock: PostClock, workingTime: WorkingTime): Effect[] {
  const workingMillis = workingTime.workingMillisBetween(new Date(clock.startedAt), new Date(clock.dueAt));
  const reminder = workingTime.addWorkingHours(new Date(clock.startedAt), (workingMillis * 0.75) / HOUR);
  return [
    { kind: 'timer', timer: CUSTOMER_POST_TIMERS.remind, dueAt: reminder.toISOString(), basis: clock.dueAt },
    { kind: 'timer', timer: CUSTOMER_POST_TIMERS.overdue, dueAt: clock.dueAt, basis: clock.dueAt },
  ];
}

/** The issue: "at the deadline the owner and the Comms team are told it is overdue"; the whole team when nobody owns it. */
function overdueNotices(post: CustomerPost, clock: PostClock): Effect[] {
  const what = clock.kind === 'firstResponse' ? 'the first response' : 'the resolution';
  const headline = `${post.reference} is overdue: ${what} to ${describe(post)} was due ${formatDeadline(clock.dueAt)}.`;
  if (!post.owner) return [notify({ role: 'comms' }, `${headline} Nobody owns it yet.`)];
  return [notify({ person: post.owner }, headline), notify({ role: 'comms', except: [post.owner.id] }, `${headline} ${post.owner.name} owns it.`)];
}

/** "The first response to CP-2026-00001 (a complaint on Facebook) is due Thu 26 Nov, 09:20 (2.0 working hours left)." */
export function clockSentence(post: CustomerPost, clock: PostClock, now: Date, workingTime: WorkingTime): string {
  const due = `${formatDeadline(clock.dueAt)} (${hoursLeftText(now, new Date(clock.dueAt), workingTime)})`;
  return clock.kind === 'firstResponse'
    ? `the first response to ${post.reference} (${describe(post)}) is due ${due}.`
    : `${post.reference} (${describe(post)}) is to be resolved by ${due}.`;
}

/** "a complaint on Facebook": what the post is, without what it says. */
export function describe(post: CustomerPost): string {
  return `${KIND_PHRASES[post.details.kind]} on ${platformName(post.details.platform, post.details.platformOther)}`;
}

function ownerOrTeam(post: CustomerPost): Recipient {
  return post.owner ? { person: post.owner } : { role: 'comms' };
}

function notify(to: Recipient, headline: string): Effect {
  return { kind: 'notify', to, headline };
}
