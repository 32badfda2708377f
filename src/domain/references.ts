/**
 * Case references: `AR-2026-00001` (access request), `AINM-...` (incident record), `TD-...` (takedown): a
 * workflow's prefix (its definition's `rules.prefix`, two to five capitals), the year, a number.
 */
export type CasePrefix = string;

const REFERENCE = /^([A-Z]{2,5})-(\d{4})-(\d{5,})$/;
const PREFIX = /^[A-Z]{2,5}$/;

export function isCasePrefix(value: string): boolean {
  return PREFIX.test(value);
}

export function formatReference(prefix: CasePrefix, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(5, '0')}`;
}

/** Parses user-typed or card-sent text into a reference, or undefined. Case-insensitive, trims spaces. */
export function parseReference(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const candidate = text.trim().toUpperCase();
  return REFERENCE.test(candidate) ? candidate : undefined;
}

export function prefixOf(reference: string): CasePrefix | undefined {
  return REFERENCE.exec(reference)?.[1];
}
