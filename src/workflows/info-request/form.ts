import { cleanFreeText } from '../../domain/free-text';
import { safeLink } from '../../domain/links';
import { reject, Rejection } from '../../domain/outcome';
import type { WorkingTime } from '../../domain/working-time';
import { dueFrom } from '../../domain/due-choices';
import { InformationRequestDetails, parentReference, QUESTION_MAX, QUESTION_MIN } from './model';

/** What the question form sends back: every value is untrusted text, `about` and `link` included (from the case's button). */
export interface InfoRequestFormInput {
  readonly about?: unknown;
  readonly link?: unknown;
  readonly question?: unknown;
  readonly colleague?: unknown;
  readonly colleagueSearch?: unknown;
  readonly due?: unknown;
}

export interface ValidInfoRequestForm {
  readonly ok: true;
  readonly about: string;
  readonly details: InformationRequestDetails;
  readonly dueAt: string;
}


/** The post's link the case put on its button, if it is a plain http(s) link; anything else is left out. */
export function postLink(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.trim() ? safeLink(raw.trim()) : undefined;
}

/** Checks the question form; every problem at once, next to its field; nothing stored until it passes. */
export function validateInfoRequestForm(input: InfoRequestFormInput, now: Date, workingTime: WorkingTime): ValidInfoRequestForm | Rejection {
  const about = parentReference(input.about);
  if (!about) return reject('invalid', 'Questions are asked from a customer post, a takedown notice or a concern.');
  const errors: Record<string, string> = {};
  const question = cleanFreeText(input.question);
  if (question.length < QUESTION_MIN) errors.question = `Ask the question in a sentence (at least ${QUESTION_MIN} characters).`;
  else if (question.length > QUESTION_MAX) errors.question = `Keep it to ${QUESTION_MAX.toLocaleString('en-GB')} characters at most.`;
  const chosen = [input.colleagueSearch, input.colleague].some((value) => typeof value === 'string' && value.trim() !== '');
  if (!chosen) errors.colleague = 'Choose the colleague who can answer.';
  const dueAt = dueFrom(input.due, now, workingTime);
  if (!dueAt) errors.due = 'Choose when the answer is due.';
  if (Object.keys(errors).length > 0 || !dueAt) return reject('invalid', 'Please check the highlighted fields.', errors);
  const link = postLink(input.link);
  return { ok: true, about, details: { question, ...(link ? { link } : {}) }, dueAt: dueAt.toISOString() };
}
