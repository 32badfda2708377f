import { oneOf } from '../../cases/card-input';
import { cleanFreeText, cleanLine } from '../../domain/free-text';
import { safeLink } from '../../domain/links';
import { reject, Rejection } from '../../domain/outcome';
import { AUDIENCES, CampaignDetails, DUE_DAYS_MAX, DUE_DAYS_MIN, SUMMARY_MAX, SUMMARY_MIN, TITLE_MAX, VERSION_MAX } from './model';

export const FORM_FIELDS = ['policyVersion', 'title', 'summary', 'link', 'dueWorkingDays', 'audience', 'department'] as const;
export type CampaignFormField = (typeof FORM_FIELDS)[number];
export type CampaignFormInput = Partial<Record<CampaignFormField, unknown>>;

/** Checks the campaign form: every problem at once, next to its field; nothing is stored or sent until it passes. */
export function validateCampaignForm(input: CampaignFormInput): { ok: true; details: CampaignDetails } | Rejection {
  const errors: Partial<Record<CampaignFormField, string>> = {};
  const policyVersion = cleanLine(input.policyVersion);
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(policyVersion) || policyVersion.length > VERSION_MAX) {
    errors.policyVersion = `Give the version as the policy names it (letters, digits, dots; at most ${VERSION_MAX} characters), e.g. 2026.2.`;
  }
  const title = cleanLine(input.title);
  if (title.length < 3 || title.length > TITLE_MAX) errors.title = `Give a title of 3 to ${TITLE_MAX} characters.`;
  const summary = cleanFreeText(input.summary);
  if (summary.length < SUMMARY_MIN || summary.length > SUMMARY_MAX) errors.summary = `Say what changed in ${SUMMARY_MIN} to ${SUMMARY_MAX.toLocaleString('en-GB')} characters.`;
  const link = typeof input.link === 'string' ? safeLink(input.link.trim()) : undefined;
  if (!link || !link.startsWith('https://')) errors.link = 'Give the https link to the policy (its Holmes page).';
  const days = Number(typeof input.dueWorkingDays === 'string' || typeof input.dueWorkingDays === 'number' ? input.dueWorkingDays : NaN);
  if (!Number.isInteger(days) || days < DUE_DAYS_MIN || days > DUE_DAYS_MAX) errors.dueWorkingDays = `Give ${DUE_DAYS_MIN} to ${DUE_DAYS_MAX} working days.`;
  const kind = oneOf(AUDIENCES, input.audience) ?? 'everyone';
  const department = cleanLine(input.department).slice(0, 100);
  if (kind === 'department' && department.length < 2) errors.department = 'Name the department, as Entra ID has it.';
  if (Object.keys(errors).length > 0 || !link) return reject('invalid', 'Please check the highlighted fields: nothing has been sent.', errors as Record<string, string>);
  return {
    ok: true,
    details: { policyVersion, title, summary, link, dueWorkingDays: days, audience: kind === 'department' ? { kind, department } : { kind } },
  };
}
