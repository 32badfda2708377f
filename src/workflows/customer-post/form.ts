import { oneOf } from '../../cases/card-input';
import { addMonths, isCalendarDate } from '../../domain/calendar-date';
import { cleanFreeText, cleanLine } from '../../domain/free-text';
import { parseLinks } from '../../domain/links';
import { reject, Rejection } from '../../domain/outcome';
import { PLATFORMS } from '../../domain/platforms';
import { londonWallClock, LocalDate, WorkingTime } from '../../domain/working-time';
import { Deadlines, FUTURE_LEEWAY_MS, HANDLE_MAX, POST_KINDS, PostDetails, SUMMARY_MAX } from './model';

const PLATFORM_OTHER_MAX = 60;
/** Posts are logged as they are seen; one more than a year old is usually a mistyped date. */
const OLDEST_MONTHS = 12;

/** What the log-a-post card sends back: every value is untrusted text. */
export interface LogPostFormInput {
  readonly platform?: unknown;
  readonly platformOther?: unknown;
  readonly link?: unknown;
  readonly postedOn?: unknown;
  readonly postedTime?: unknown;
  readonly kind?: unknown;
  readonly summary?: unknown;
  readonly handle?: unknown;
}

export interface ValidLogPostForm {
  readonly ok: true;
  readonly details: PostDetails;
  readonly deadlines: Deadlines;
}

/**
 * Checks the card: every problem at once, next to its field; nothing stored until it passes. When it was posted
 * is a London date and time; it may be in the past, at a weekend or on a holiday, but not in the future (beyond
 * a few minutes) and not more than a year back.
 */
export function validateLogPostForm(input: LogPostFormInput, now: Date, workingTime: WorkingTime): ValidLogPostForm | Rejection {
  const errors: Record<string, string> = {};
  const platform = oneOf(PLATFORMS, input.platform);
  if (!platform) errors.platform = 'Choose the site or app.';
  const platformOther = cleanLine(input.platformOther).slice(0, PLATFORM_OTHER_MAX);
  if (platform === 'other' && platformOther.length < 2) errors.platformOther = 'Name the site or app.';
  const linkErrors: Record<string, string> = {};
  const [link, ...more] = parseLinks(input.link, linkErrors);
  if (linkErrors.links || !link || more.length > 0) errors.link = 'Give the one link to the post (http or https).';
  const postedAt = postedAtFrom(input, now, workingTime, errors);
  const kind = oneOf(POST_KINDS, input.kind);
  if (!kind) errors.kind = 'Choose what kind of post it is.';
  const summary = cleanFreeText(input.summary);
  if (summary.length < 3) errors.summary = 'Say briefly what the post says or asks.';
  else if (summary.length > SUMMARY_MAX) errors.summary = `Keep it to ${SUMMARY_MAX} characters (it has ${summary.length}).`;
  const handle = cleanLine(input.handle);
  if (handle.length > HANDLE_MAX) errors.handle = `Keep the handle to ${HANDLE_MAX} characters.`;
  if (Object.keys(errors).length > 0 || !platform || !link || !postedAt || !kind) return reject('invalid', 'Please check the highlighted fields.', errors);
  return {
    ok: true,
    details: { platform, link, postedAt: postedAt.toISOString(), kind, summary, ...(platform === 'other' ? { platformOther } : {}), ...(handle ? { handle } : {}) },
    deadlines: deadlinesFrom(postedAt, workingTime),
  };
}

/** Both clocks as they would run from `start`: the model applies the one the post's kind owes. */
export function deadlinesFrom(start: Date, workingTime: WorkingTime): Deadlines {
  return { firstResponse: workingTime.complaintResponseDeadline(start).toISOString(), resolution: workingTime.enquiryDeadline(start).toISOString() };
}

function postedAtFrom(input: LogPostFormInput, now: Date, workingTime: WorkingTime, errors: Record<string, string>): Date | undefined {
  const today = workingTime.londonDate(now);
  const day = input.postedOn;
  const minutes = minutesOfDay(input.postedTime);
  if (!isCalendarDate(day)) errors.postedOn = 'Enter the date it was posted.';
  if (minutes === undefined) errors.postedTime = 'Enter the time it was posted (24-hour clock, e.g. 14:30).';
  if (!isCalendarDate(day) || minutes === undefined) return undefined;
  const postedAt = londonTimeOn(day, minutes);
  if (postedAt.getTime() > now.getTime() + FUTURE_LEEWAY_MS) errors.postedOn = 'The post can\'t be in the future: check the date and time.';
  else if (day < addMonths(today, -OLDEST_MONTHS)) errors.postedOn = `Check the date: it is more than ${OLDEST_MONTHS} months ago.`;
  return postedAt;
}

/** "14:30" or "14:30:00" (what Input.Time sends) as minutes since midnight. */
function minutesOfDay(raw: unknown): number | undefined {
  const match = typeof raw === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$/.exec(raw.trim()) : null;
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/**
 * The instant a London wall-clock time on `day` shows, across both clock changes: a time in the spring gap
 * (01:00-02:00 on the last Sunday of March) lands an hour later, a repeated autumn time on its second (GMT) showing.
 */
export function londonTimeOn(day: LocalDate, minutes: number): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + minutes * 60_000;
  const offsetAt = (instant: number) => {
    const clock = londonWallClock(new Date(instant));
    return Date.parse(`${clock.day}T00:00:00Z`) + clock.msOfDay - instant;
  };
  return new Date(wall - offsetAt(wall - offsetAt(wall)));
}

/** The end of the working day on `day` (17:00 London), or undefined when `day` is not a working day. */
export function endOfWorkingDay(day: unknown, workingTime: WorkingTime): string | undefined {
  if (!isCalendarDate(day) || !workingTime.isWorkingDay(day)) return undefined;
  return workingTime.addWorkingHours(workingTime.londonMidnight(day), 8).toISOString();
}

/** 09:00 London on `day`, or on the first working day after it: when the team looks again at a post it is monitoring. */
export function startOfWorkingDay(day: unknown, workingTime: WorkingTime): string | undefined {
  return isCalendarDate(day) ? workingTime.nextWorkingMoment(workingTime.londonMidnight(day)).toISOString() : undefined;
}
