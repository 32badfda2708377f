import { formatDeadline } from '../domain/london-time';
import type { WorkingTime } from '../domain/working-time';
import type { InboxEntry } from '../store/inbox';

/** Working hours from `now` to `due`, to one decimal place: what every "hours left" line shows. */
export function workingHoursLeft(now: Date, due: Date, workingTime: WorkingTime): number {
  return Math.round(workingTime.workingMillisBetween(now, due) / 360_000) / 10;
}

/** A list line whose next step says when it is due and how much working time is left, or that it is past due. */
export function withTimeLeft(entry: InboxEntry, now: Date, workingTime: WorkingTime): InboxEntry {
  if (!entry.dueAt) return entry;
  const hours = workingHoursLeft(now, new Date(entry.dueAt), workingTime);
  return { ...entry, nextStep: hours > 0 ? `Due ${formatDeadline(entry.dueAt)}: ${hours} working hours left.` : `Deadline passed (${formatDeadline(entry.dueAt)}).` };
}
