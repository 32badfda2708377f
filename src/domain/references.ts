/** Case references: `AR-2026-00001` (access request), `AINM-...` (incident record), `TD-...` (takedown). */
export const CASE_PREFIXES = ['AR', 'AINM', 'TD'] as const;
export type CasePrefix = (typeof CASE_PREFIXES)[number];

const REFERENCE = /^(AR|AINM|TD)-(\d{4})-(\d{5,})$/;

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
  const match = REFERENCE.exec(reference);
  return match ? (match[1] as CasePrefix) : undefined;
}
