import type { WorkingTime } from './working-time';

/**
 * How long someone has, in working time, where a card lets the sender choose (a takedown notice's deadline, a
 * colleague's answer): the default is 1 working day (DESIGN.md).
 */
export const DUE_CHOICES = [
  { value: 'hours4', title: '4 working hours', hours: 4 },
  { value: 'days1', title: '1 working day', hours: 8 },
  { value: 'days2', title: '2 working days', hours: 16 },
  { value: 'days3', title: '3 working days', hours: 24 },
  { value: 'days5', title: '5 working days', hours: 40 },
] as const;
export type DueChoice = (typeof DUE_CHOICES)[number]['value'];
export const DEFAULT_DUE: DueChoice = 'days1';

/** The choices as a card's ChoiceSet lists them. */
export const DUE_CHOICE_SET = DUE_CHOICES.map(({ title, value }) => ({ title, value }));

/** The instant a choice ends, counted in working time from `now` (no choice: the default); undefined for anything else. */
export function dueFrom(choice: unknown, now: Date, workingTime: WorkingTime): Date | undefined {
  const picked = DUE_CHOICES.find((option) => option.value === (choice === undefined || choice === '' ? DEFAULT_DUE : choice));
  return picked ? workingTime.addWorkingHours(now, picked.hours) : undefined;
}
