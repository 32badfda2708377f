import { londonWallClock } from './working-time';
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
});
const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric' });
const WEEKDAY_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** "25 Nov 2026, 14:02" in London time: how people here read times on cards and in messages. */
export function formatLondonDateTime(instant: string | Date): string {
  return DATE_TIME.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** "Wed 25 Nov, 17:00": for deadlines, where the weekday matters more than the year. */
export function formatDeadline(instant: string | Date): string {
  return WEEKDAY_DATE.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** "25 Nov 2026" for a calendar date 'YYYY-MM-DD'. */
export function formatLocalDate(day: string): string {
  return DATE.format(new Date(`${day}T12:00:00Z`));
}

/** "14:05": the London wall-clock time, as a time input shows it. */
export function londonTimeOfDay(instant: Date): string {
  const minutes = Math.floor(londonWallClock(instant).msOfDay / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
