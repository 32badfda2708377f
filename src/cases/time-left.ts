import { formatDeadline } from '../domain/london-time';
import type { WorkingTime } from '../domain/working-time';
import type { InboxEntry } from '../store/inbox';

/** Working hours from `now` to `due`, to one decimal place; 0 once it has passed. */
export function workingHoursLeft(now: Date, due: Date, workingTime: WorkingTime): number {
  return Math.max(0, Math.round(workingTime.workingMillisBetween(now, due) / 360_000) / 10);
}

/** "8.0 working hours left": every card and list says it the same way. */
export function hoursLeftText(now: Date, due: Date, workingTime: WorkingTime): string {
  return `${workingHoursLeft(now, due, workingTime).toFixed(1)} working hours left`;
}

/** A list line whose next step says when it is due and how much working time is left, or that it is past due. */
export function withTimeLeft(entry: InboxEntry, now: Date, workingTime: WorkingTime): InboxEntry {
  if (!entry.dueAt) return entry;
  const due = new Date(entry.dueAt);
  return {
    ...entry,
    nextStep: workingHoursLeft(now, due, workingTime) > 0 ? `Due ${formatDeadline(entry.dueAt)}: ${hoursLeftText(now, due, workingTime)}.` : `Deadline passed (${formatDeadline(entry.dueAt)}).`,
  };
}
