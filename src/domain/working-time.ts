import Holidays from 'date-holidays';
import { addDays, isCalendarDate } from './calendar-date';

/** ISO local date in Europe/London, 'YYYY-MM-DD'. */
export type LocalDate = string;

/** Extra days the team is closed (e.g. an office closure), on top of weekends and Scottish bank holidays. */
export interface WorkingTimeOptions { closureDays?: readonly LocalDate[] }

/**
 * The policy's clock: Monday-Friday, 09:00-17:00 London wall clock, minus Scottish bank holidays
 * (date-holidays GB/SCT, 'public' and 'bank' types, substitute days included) and configured closure days.
 * Every function takes time as data so deadlines are reproducible and testable.
 */
export interface WorkingTime {
  /** True on a Monday-Friday that is neither a Scottish bank holiday nor a closure day. */
  isWorkingDay(day: LocalDate): boolean;
  /** The instant itself if inside working hours of a working day, else 09:00 London of the next working day. */
  nextWorkingMoment(from: Date): Date;
  /** Adds working hours, counting only 09:00-17:00 on working days (London wall clock). */
  addWorkingHours(from: Date, hours: number): Date;
  /** n working days = 8n working hours: Mon 10:00 + 1 -> Tue 10:00; Fri 16:59 + 1 -> Mon 16:59; Saturday 11:00 + 1 -> Monday 17:00. */
  addWorkingDays(from: Date, days: number): Date;
  /** Working time between two instants in milliseconds (0 if to <= from). */
  workingMillisBetween(from: Date, to: Date): number;
  /**
   * Policy: "All customer complaints are responded to ... always within 24 hours Monday to Friday.
   * Comments posted at the weekend are responded to on the first working day after the post is made."
   * Posted on a working day: 24 clock hours later, skipping non-working days entirely (Fri 15:00 -> Mon 15:00).
   * Posted on a non-working day: 17:00 London on the first working day after.
   */
  complaintResponseDeadline(postedAt: Date): Date;
  /** Policy: "Aim to resolve the majority of enquiries within 5 working days" -> addWorkingDays(receivedAt, 5). */
  enquiryDeadline(receivedAt: Date): Date;
  /** London local date of an instant. */
  londonDate(instant: Date): LocalDate;
  /** 00:00 London on `day`: access "until 31 May" ends as 1 June begins. */
  londonMidnight(day: LocalDate): Date;
  /** 09:00 London on the working day `days` working days before the date of `from` (for advance reminders). */
  workingDaysBefore(from: Date, days: number): Date;
}

const HOUR = 3_600_000;
const DAY_START = 9 * HOUR;
const DAY_END = 17 * HOUR;
const WORKING_DAY = DAY_END - DAY_START;
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** London wall clock of an instant: its local date and milliseconds since local midnight. */
interface WallClock { day: LocalDate; msOfDay: number }

const DAY_MS = 24 * HOUR;

/** The wall clock as `Intl` formats it: exact, but a few microseconds a call (the working-time walks call it per day). */
function formattedWallClock(instant: Date): WallClock {
  const parts = LONDON.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '0';
  const millis = ((instant.getTime() % 1000) + 1000) % 1000;
  const msOfDay = (Number(part('hour')) * 60 + Number(part('minute'))) * 60_000 + Number(part('second')) * 1000 + millis;
  return { day: `${part('year')}-${part('month')}-${part('day')}`, msOfDay };
}

function formattedOffset(epochMs: number): number {
  const { day, msOfDay } = formattedWallClock(new Date(epochMs));
  return Date.parse(`${day}T00:00:00Z`) + msOfDay - epochMs;
}

/**
 * London's offset for each UTC hour asked about. The UK changes its clocks at 01:00 UTC, on the hour, so the
 * offset is the same all through a UTC hour; an hour where it is not (none since 1847) is never cached.
 */
const offsetByHour = new Map<number, number>();
const CACHED_HOURS = 50_000;

/** London's UTC offset (ms) at an instant: 0 in GMT, 1h in BST. */
function offsetAt(epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR);
  const cached = offsetByHour.get(hour);
  if (cached !== undefined) return cached;
  const offset = formattedOffset(hour * HOUR);
  if (offset !== formattedOffset(hour * HOUR + HOUR - 1)) return formattedOffset(epochMs);
  if (offsetByHour.size >= CACHED_HOURS) offsetByHour.clear();
  offsetByHour.set(hour, offset);
  return offset;
}

/** The London wall clock of an instant: its local date and the milliseconds since local midnight. */
export function londonWallClock(instant: Date): { readonly day: LocalDate; readonly msOfDay: number } {
  return wallClock(instant);
}

function wallClock(instant: Date): WallClock {
  const local = instant.getTime() + offsetAt(instant.getTime());
  const msOfDay = ((local % DAY_MS) + DAY_MS) % DAY_MS;
  const day = new Date(local - msOfDay).toISOString().slice(0, 10);
  // Outside years 0000-9999 the ISO form has a sign and six digits: leave those to Intl.
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? { day, msOfDay } : formattedWallClock(instant);
}

/**
 * The instant showing `msOfDay` on the London wall clock on `day`. Checks the offset at the
 * first guess so clock changes resolve correctly: a time in the spring gap lands an hour later,
 * a repeated autumn time resolves to its second (GMT) occurrence. 09:00 and 17:00 are never affected.
 */
function londonInstant(day: LocalDate, msOfDay: number): Date {
  const naive = Date.parse(`${day}T00:00:00Z`) + msOfDay;
  const guess = naive - offsetAt(naive);
  return new Date(naive - offsetAt(guess));
}

function requireInstant(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

function requireAmount(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

function requireDay(value: unknown, name: string): asserts value is LocalDate {
  if (!isCalendarDate(value)) throw new RangeError(`${name} must be a date 'YYYY-MM-DD', got ${JSON.stringify(value)}`);
}

type DayTest = (day: LocalDate) => boolean;

/** Monday-Friday minus Scottish bank holidays (computed once per year, then cached) and closure days. */
function workingDayTest(closureDays: readonly LocalDate[]): DayTest {
  closureDays.forEach((day) => requireDay(day, 'closure day'));
  const closures = new Set(closureDays);
  const calendar = new Holidays('GB', 'SCT');
  const byYear = new Map<number, Set<LocalDate>>();
  const holidays = (year: number): Set<LocalDate> => {
    const cached = byYear.get(year);
    if (cached) return cached;
    const official = calendar.getHolidays(year).filter((h) => h.type === 'public' || h.type === 'bank');
    const days = new Set(official.map((h) => h.date.slice(0, 10)));
    byYear.set(year, days);
    return days;
  };
  return (day) => {
    requireDay(day, 'day');
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !closures.has(day) && !holidays(Number(day.slice(0, 4))).has(day);
  };
}

function nextWorkingDay(isWorkingDay: DayTest, day: LocalDate): LocalDate {
  let next = addDays(day, 1);
  while (!isWorkingDay(next)) next = addDays(next, 1);
  return next;
}

function previousWorkingDay(isWorkingDay: DayTest, day: LocalDate, count: number): LocalDate {
  requireAmount(count, 'days');
  let cursor = day;
  for (let found = 0; found < count;) {
    cursor = addDays(cursor, -1);
    if (isWorkingDay(cursor)) found++;
  }
  return cursor;
}

function nextWorkingMoment(isWorkingDay: DayTest, from: Date): Date {
  requireInstant(from, 'from');
  const { day, msOfDay } = wallClock(from);
  if (isWorkingDay(day) && msOfDay < DAY_END) return msOfDay >= DAY_START ? new Date(from) : londonInstant(day, DAY_START);
  return londonInstant(nextWorkingDay(isWorkingDay, day), DAY_START);
}

/** Walks working day by working day, spending `hours` only inside 09:00-17:00; landing on 17:00 exactly is allowed. */
function addWorkingHours(isWorkingDay: DayTest, from: Date, hours: number): Date {
  requireAmount(hours, 'hours');
  let remaining = hours * HOUR;
  let cursor = nextWorkingMoment(isWorkingDay, from);
  for (;;) {
    const { day } = wallClock(cursor);
    const available = londonInstant(day, DAY_END).getTime() - cursor.getTime();
    if (remaining <= available) return new Date(cursor.getTime() + remaining);
    remaining -= available;
    cursor = londonInstant(nextWorkingDay(isWorkingDay, day), DAY_START);
  }
}

function workingMillisBetween(isWorkingDay: DayTest, from: Date, to: Date): number {
  const end = requireInstant(to, 'to');
  let total = 0;
  for (let cursor = nextWorkingMoment(isWorkingDay, from); cursor.getTime() < end;) {
    const { day } = wallClock(cursor);
    total += Math.min(londonInstant(day, DAY_END).getTime(), end) - cursor.getTime();
    cursor = londonInstant(nextWorkingDay(isWorkingDay, day), DAY_START);
  }
  return total;
}

/** Same wall-clock time on the next working day if posted on one; else 17:00 on the first working day after. */
function complaintResponseDeadline(isWorkingDay: DayTest, postedAt: Date): Date {
  requireInstant(postedAt, 'postedAt');
  const { day, msOfDay } = wallClock(postedAt);
  return londonInstant(nextWorkingDay(isWorkingDay, day), isWorkingDay(day) ? msOfDay : DAY_END);
}

/** Builds the policy clock; the holiday calendar is created once per WorkingTime. */
export function createWorkingTime(options: WorkingTimeOptions = {}): WorkingTime {
  const isWorkingDay = workingDayTest(options.closureDays ?? []);
  const addDaysOfWork = (from: Date, days: number): Date => {
    requireAmount(days, 'days');
    return addWorkingHours(isWorkingDay, from, (days * WORKING_DAY) / HOUR);
  };
  return {
    isWorkingDay,
    nextWorkingMoment: (from) => nextWorkingMoment(isWorkingDay, from),
    addWorkingHours: (from, hours) => addWorkingHours(isWorkingDay, from, hours),
    addWorkingDays: addDaysOfWork,
    workingMillisBetween: (from, to) => workingMillisBetween(isWorkingDay, from, to),
    complaintResponseDeadline: (postedAt) => complaintResponseDeadline(isWorkingDay, postedAt),
    enquiryDeadline: (receivedAt) => addDaysOfWork(receivedAt, 5),
    londonDate: (instant) => wallClock(new Date(requireInstant(instant, 'instant'))).day,
    londonMidnight: (day) => {
      requireDay(day, 'day');
      return londonInstant(day, 0);
    },
    workingDaysBefore: (from, days) => londonInstant(previousWorkingDay(isWorkingDay, wallClock(from).day, days), DAY_START),
  };
}
