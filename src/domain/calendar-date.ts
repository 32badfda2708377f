/** Calendar dates as 'YYYY-MM-DD' strings: the form a date input sends and the policy speaks in. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date ('2026-02-30' is not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = toUtcNoon(value);
  return date.getUTCFullYear() === Number(match[1]) && date.getUTCMonth() + 1 === Number(match[2]) && date.getUTCDate() === Number(match[3]);
}

/** Adds calendar months; the 31st becomes the month's last day (31 Aug + 6 months = 28 Feb). */
export function addMonths(day: string, months: number): string {
  const date = toUtcNoon(day);
  const targetMonth = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), targetMonth + 1, 0, 12)).getUTCDate();
  return fromUtc(new Date(Date.UTC(date.getUTCFullYear(), targetMonth, Math.min(date.getUTCDate(), lastDay), 12)));
}

export function addDays(day: string, days: number): string {
  const date = toUtcNoon(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

function toUtcNoon(day: string): Date {
  return new Date(`${day}T12:00:00Z`);
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}
