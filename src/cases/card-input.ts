import { cleanFreeText } from '../domain/free-text';

/** Reads a string input from card data, cleaned like all free text (free-text.ts), trimmed and cut to `max` characters. */
export function textInput(data: Readonly<Record<string, unknown>>, name: string, max = 2000): string {
  return cleanFreeText(data[name]).slice(0, max);
}

/** Form tokens are UUIDs the bot made (store/idempotency.ts); anything else in card data is no token at all. */
const FORM_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The form's token, to keep on a form shown again with errors; undefined (a new token) when the data has none. */
export function formToken(data: Readonly<Record<string, unknown>>): string | undefined {
  const value = data.formId;
  return typeof value === 'string' && FORM_TOKEN.test(value) ? value : undefined;
}

/** A choice from card data, if it is one of `allowed`; anything else (forged, retired) is no choice. */
export function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}
