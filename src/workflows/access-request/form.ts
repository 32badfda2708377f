import { PLATFORMS as ACCESS_SITES } from '../../domain/platforms';
import { addMonths, isCalendarDate } from '../../domain/calendar-date';
import { formatLocalDate } from '../../domain/london-time';
import { cleanFreeText, cleanLine } from '../../domain/free-text';
import { reject, Rejection } from '../../domain/outcome';
import { AccessKind, AccessRequestDetails, AccessSite } from './model';

/** DESIGN.md: business case required, 20-2,000 characters. */
export const BUSINESS_CASE_MIN = 20;
export const BUSINESS_CASE_MAX = 2000;
export const OTHER_SITE_MAX = 60;
/** Default access period 6 months, at most 12. */
export const DEFAULT_MONTHS = 6;
export const MAX_MONTHS = 12;
/** A request may start up to 3 months ahead; further out, the business case is better made nearer the time. */
const MAX_START_AHEAD_MONTHS = 3;

/** What the request card sends back: every value is untrusted text. */
export interface AccessRequestFormInput {
  readonly sites?: unknown;
  readonly otherSite?: unknown;
  readonly kind?: unknown;
  readonly businessCase?: unknown;
  readonly startDate?: unknown;
  readonly endDate?: unknown;
  readonly approver?: unknown;
  /** The people picker beside the directory list: it wins when the directory knows who it names (directory/person-lookup.ts). */
  readonly approverSearch?: unknown;
  /** Why the approver is not the line manager (required then; the model checks it against the directory). */
  readonly approverReason?: unknown;
  readonly ackPolicy?: unknown;
  readonly ackMonitoring?: unknown;
}

export interface ValidAccessRequestForm {
  readonly ok: true;
  readonly details: AccessRequestDetails;
  /** The raw choice, picker first; the service resolves picker and list against the directory (findChosenPerson). */
  readonly approverId: string;
  readonly approverReason: string;
}

/** The period a new request starts with: from today for six months. */
export function defaultPeriod(today: string): { startDate: string; endDate: string } {
  return { startDate: today, endDate: addMonths(today, DEFAULT_MONTHS) };
}

/**
 * Checks the request card's inputs. Every problem is reported at once, next to its field, so the person
 * fixes the form in one go; nothing is stored until it passes.
 */
export function validateAccessRequestForm(input: AccessRequestFormInput, today: string): ValidAccessRequestForm | Rejection {
  const errors: Record<string, string> = {};
  const sites = parseSites(input.sites);
  if (sites === undefined) errors.sites = 'Choose at least one site.';
  const otherSite = cleanLine(input.otherSite);
  if (sites?.includes('other') && otherSite.length < 2) errors.otherSite = 'Name the other site.';
  if (otherSite.length > OTHER_SITE_MAX) errors.otherSite = `Keep the site name to ${OTHER_SITE_MAX} characters at most.`;
  const kind = parseKind(input.kind);
  if (!kind) errors.kind = 'Choose whether you need to view sites or post on the Group\'s behalf.';
  const businessCase = cleanFreeText(input.businessCase);
  const caseError = businessCaseError(businessCase);
  if (caseError) errors.businessCase = caseError;
  const period = parsePeriod(input.startDate, input.endDate, today, errors);
  const approverId = [input.approverSearch, input.approver].map((value) => (typeof value === 'string' ? value.trim() : '')).find(Boolean) ?? '';
  if (!approverId) errors.approver = 'Choose your line manager as the approver.';
  if (!isTrue(input.ackPolicy)) errors.ackPolicy = 'You must confirm you have read and will follow the Social Media Policy.';
  if (!isTrue(input.ackMonitoring)) errors.ackMonitoring = 'You must acknowledge that your use may be monitored.';
  if (Object.keys(errors).length > 0 || !sites || !kind || !period) {
    return reject('invalid', 'Please check the highlighted fields.', errors);
  }
  const details: AccessRequestDetails = {
    sites, kind, businessCase, ...period, ...(sites.includes('other') ? { otherSite } : {}),
  };
  return { ok: true, details, approverId, approverReason: cleanLine(input.approverReason) };
}

function parseSites(raw: unknown): AccessSite[] | undefined {
  const values = (typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : [])
    .map((value) => (typeof value === 'string' ? value.trim() : ''))
    .filter((value): value is AccessSite => (ACCESS_SITES as readonly string[]).includes(value));
  const unique = ACCESS_SITES.filter((site) => values.includes(site));
  return unique.length > 0 ? unique : undefined;
}

function parseKind(raw: unknown): AccessKind | undefined {
  return raw === 'view' || raw === 'post' ? raw : undefined;
}

function businessCaseError(text: string): string | undefined {
  if (text.length < BUSINESS_CASE_MIN) return `Explain why you need access, in at least ${BUSINESS_CASE_MIN} characters.`;
  if (text.length > BUSINESS_CASE_MAX) return `Keep the business case to ${BUSINESS_CASE_MAX} characters at most (it has ${text.length}).`;
  return undefined;
}

function parsePeriod(rawStart: unknown, rawEnd: unknown, today: string, errors: Record<string, string>) {
  const startDate = rawStart === undefined || rawStart === '' ? today : rawStart;
  if (!isCalendarDate(startDate)) {
    errors.startDate = 'Enter a start date.';
    return undefined;
  }
  const endDate = rawEnd === undefined || rawEnd === '' ? addMonths(startDate, DEFAULT_MONTHS) : rawEnd;
  if (startDate < today) errors.startDate = 'The start date can\'t be in the past.';
  else if (startDate > addMonths(today, MAX_START_AHEAD_MONTHS)) errors.startDate = `Start within ${MAX_START_AHEAD_MONTHS} months of today.`;
  if (!isCalendarDate(endDate)) errors.endDate = 'Enter an end date.';
  else if (endDate <= startDate) errors.endDate = 'The end date must be after the start date.';
  else if (endDate > addMonths(startDate, MAX_MONTHS)) errors.endDate = `Access can last at most ${MAX_MONTHS} months (until ${formatLocalDate(addMonths(startDate, MAX_MONTHS))}).`;
  if (errors.startDate || errors.endDate || !isCalendarDate(endDate)) return undefined;
  return { startDate, endDate };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
