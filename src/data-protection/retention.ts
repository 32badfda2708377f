import { CaseKind, isClosed } from './case-people';

/**
 * Retention of access requests and takedown notices (UK GDPR Article 5(1)(e), storage limitation): a
 * closed case is kept for a period counted from when it closed (ACCESS_REQUEST_RETENTION_MONTHS,
 * TAKEDOWN_RETENTION_MONTHS; default 24), then deleted entirely, audit events included. No statistics row is
 * kept: the yearly reference counters already say how many there were, and nothing else is needed about them.
 * AINM records follow their own rule (src/workflows/abuse-report/retention.ts). Pure: no I/O, no clock.
 */

/** The kinds deleted whole by retention (AINM records are anonymised instead). */
export const DELETED_KINDS = ['AR', 'TD'] as const satisfies readonly CaseKind[];
export type DeletedKind = (typeof DELETED_KINDS)[number];

/** The retention settings (src/config.ts), by kind of case. */
export interface RetentionPeriods {
  readonly ainmYears: number;
  readonly accessRequestMonths: number;
  readonly takedownMonths: number;
}

export const DEFAULT_RETENTION: RetentionPeriods = { ainmYears: 3, accessRequestMonths: 24, takedownMonths: 24 };

export function monthsFor(kind: DeletedKind, periods: RetentionPeriods): number {
  return kind === 'AR' ? periods.accessRequestMonths : periods.takedownMonths;
}

interface ClosedCase {
  readonly state?: unknown;
  readonly history?: readonly { readonly at?: unknown }[];
}

/**
 * When a closed access request or takedown notice closed: the time of its latest step. Closed states are
 * terminal (no command leads out of them, timers on them decide nothing), so the latest step is the one that
 * closed it. Undefined for a case with no dated step (a damaged snapshot: never deleted).
 */
export function closedAtOf(snapshot: ClosedCase): string | undefined {
  const times = (snapshot.history ?? []).map((step) => step.at).filter((at): at is string => typeof at === 'string' && !Number.isNaN(Date.parse(at)));
  return times.length === 0 ? undefined : times.reduce((latest, at) => (Date.parse(at) > Date.parse(latest) ? at : latest));
}

/** `months` calendar months after `closedAt` (UTC); a day the month lacks becomes its last day (31 March + 1 = 30 April). */
export function deleteDueAt(closedAt: string, months: number): Date {
  const closed = new Date(closedAt);
  const due = new Date(closed);
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(closed.getUTCDate(), lastDay));
  return due;
}

/** Closed, and closed at least `months` ago. An open case is never due, however old. */
export function isDueForDeletion(kind: CaseKind, snapshot: ClosedCase, now: Date, months: number): boolean {
  if (typeof snapshot.state !== 'string' || !isClosed(kind, snapshot.state)) return false;
  const closedAt = closedAtOf(snapshot);
  return closedAt !== undefined && deleteDueAt(closedAt, months).getTime() <= now.getTime();
}
