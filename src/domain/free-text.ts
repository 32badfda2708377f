/**
 * Free text from people: trimmed, control characters removed (they break cards and logs), line breaks
 * normalised (the Unicode line and paragraph separators too: a table transaction holding one fails on
 * Azurite), and half of a surrogate pair on its own replaced (it is not text, and stored as JSON it takes six
 * characters: the size bounds in domain/bounds.ts count on text growing at most twice). Length limits are
 * the caller's; they keep every table property far below 64 KiB.
 */
export function cleanFreeText(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/\p{Cs}/gu, '\uFFFD')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One line: no line breaks at all (names, site names). */
export function cleanLine(value: unknown): string {
  return cleanFreeText(value).replace(/\s+/g, ' ');
}
