import { parseLinks } from '../../domain/links';
import { oneOf } from '../../cases/card-input';
import { PLATFORMS } from '../../domain/platforms';
import { addMonths, isCalendarDate } from '../../domain/calendar-date';
import { cleanFreeText, cleanLine } from '../../domain/free-text';
import { reject, Rejection } from '../../domain/outcome';
import { AbuseReportDetails, CATEGORIES, SOURCES } from './model';

export const DESCRIPTION_MIN = 10;
export const DESCRIPTION_MAX = 4000;
const PLATFORM_OTHER_MAX = 60;
/** Reports of older incidents are welcome, but a date more than a year back is usually a typing mistake. */
const OLDEST_MONTHS = 12;

/** What the report card sends back: every value is untrusted text. */
export interface AbuseReportFormInput {
  readonly category?: unknown;
  readonly source?: unknown;
  readonly platform?: unknown;
  readonly platformOther?: unknown;
  readonly links?: unknown;
  readonly happenedOn?: unknown;
  readonly description?: unknown;
  readonly immediateDanger?: unknown;
  readonly wantsSupport?: unknown;
  readonly manager?: unknown;
  readonly managerSearch?: unknown;
}

export interface ValidAbuseReportForm {
  readonly ok: true;
  readonly details: AbuseReportDetails;
  readonly managerId: string;
}

/** Checks the report card. Every problem is reported at once, next to its field; nothing is stored until it passes. */
export function validateAbuseReportForm(input: AbuseReportFormInput, today: string): ValidAbuseReportForm | Rejection {
  const errors: Record<string, string> = {};
  const category = oneOf(CATEGORIES, input.category);
  if (!category) errors.category = 'Choose what happened.';
  const source = oneOf(SOURCES, input.source);
  if (!source) errors.source = 'Choose who it came from (choose Unknown if you are not sure).';
  const platform = oneOf(PLATFORMS, input.platform);
  if (!platform) errors.platform = 'Choose the site or app.';
  const platformOther = cleanLine(input.platformOther).slice(0, PLATFORM_OTHER_MAX);
  if (platform === 'other' && platformOther.length < 2) errors.platformOther = 'Name the site or app.';
  const links = parseLinks(input.links, errors);
  const happenedOn = typeof input.happenedOn === 'string' && input.happenedOn !== '' ? input.happenedOn : today;
  if (!isCalendarDate(happenedOn)) errors.happenedOn = 'Enter the date it happened.';
  else if (happenedOn > today) errors.happenedOn = 'The date can\'t be in the future.';
  else if (happenedOn < addMonths(today, -OLDEST_MONTHS)) errors.happenedOn = `Check the date: it is more than ${OLDEST_MONTHS} months ago.`;
  const description = cleanFreeText(input.description);
  if (description.length < DESCRIPTION_MIN) errors.description = 'Say briefly what happened.';
  else if (description.length > DESCRIPTION_MAX) errors.description = `Keep it to ${DESCRIPTION_MAX} characters (it has ${description.length}); attach screenshots in the chat instead.`;
  const managerId = [input.managerSearch, input.manager].map((value) => (typeof value === 'string' ? value.trim() : '')).find(Boolean) ?? '';
  if (!managerId) errors.manager = 'Choose your line manager: they are told at once.';
  if (Object.keys(errors).length > 0 || !category || !source || !platform) return reject('invalid', 'Please check the highlighted fields.', errors);
  const details: AbuseReportDetails = {
    category, source, platform, links, happenedOn, description,
    immediateDanger: isTrue(input.immediateDanger), wantsSupport: isTrue(input.wantsSupport),
    ...(platform === 'other' ? { platformOther } : {}),
  };
  return { ok: true, details, managerId };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

