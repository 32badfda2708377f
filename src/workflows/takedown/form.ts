import { parseLinks } from '../../domain/links';
import { PLATFORMS } from '../../domain/platforms';
import { cleanFreeText, cleanLine } from '../../domain/free-text';
import { reject, Rejection } from '../../domain/outcome';
import type { WorkingTime } from '../../domain/working-time';
import { dueFrom } from '../../domain/due-choices';
import { CLAUSES, Clause, TakedownDetails } from './model';

export const EXPLANATION_MIN = 20;
export const EXPLANATION_MAX = 2000;

/** What the takedown card sends back: every value is untrusted text. */
export interface TakedownFormInput {
  readonly recipient?: unknown;
  readonly recipientSearch?: unknown;
  readonly link?: unknown;
  readonly platform?: unknown;
  readonly platformOther?: unknown;
  readonly clauses?: unknown;
  readonly explanation?: unknown;
  readonly deadline?: unknown;
}

export interface ValidTakedownForm {
  readonly ok: true;
  readonly recipientId: string;
  readonly details: TakedownDetails;
  readonly deadline: string;
}


/** Checks the takedown card; every problem at once, next to its field; nothing stored until it passes. */
export function validateTakedownForm(input: TakedownFormInput, now: Date, workingTime: WorkingTime): ValidTakedownForm | Rejection {
  const errors: Record<string, string> = {};
  const recipientId = [input.recipientSearch, input.recipient].map((value) => (typeof value === 'string' ? value.trim() : '')).find(Boolean) ?? '';
  if (!recipientId) errors.recipient = 'Choose the member of staff who made the post.';
  const linkErrors: Record<string, string> = {};
  const [link, ...more] = parseLinks(input.link, linkErrors);
  if (linkErrors.links || !link || more.length > 0) errors.link = 'Give the one link to the post (http or https).';
  const platform = oneOf(PLATFORMS, input.platform);
  if (!platform) errors.platform = 'Choose the site or app.';
  const platformOther = cleanLine(input.platformOther).slice(0, 60);
  if (platform === 'other' && platformOther.length < 2) errors.platformOther = 'Name the site or app.';
  const clauses = parseClauses(input.clauses);
  if (clauses.length === 0) errors.clauses = 'Choose what the post breaches.';
  const explanation = cleanFreeText(input.explanation);
  if (explanation.length < EXPLANATION_MIN) errors.explanation = `Explain the breach so the person understands it (at least ${EXPLANATION_MIN} characters).`;
  else if (explanation.length > EXPLANATION_MAX) errors.explanation = `Keep it to ${EXPLANATION_MAX} characters at most.`;
  const deadline = dueFrom(input.deadline, now, workingTime);
  if (!deadline) errors.deadline = 'Choose a deadline.';
  if (Object.keys(errors).length > 0 || !link || !platform || !deadline) return reject('invalid', 'Please check the highlighted fields.', errors);
  return {
    ok: true, recipientId, deadline: deadline.toISOString(),
    details: { link, platform, clauses, explanation, ...(platform === 'other' ? { platformOther } : {}) },
  };
}

function parseClauses(raw: unknown): Clause[] {
  const values = typeof raw === 'string' ? raw.split(',').map((value) => value.trim()) : [];
  return CLAUSES.filter((clause) => values.includes(clause));
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}
