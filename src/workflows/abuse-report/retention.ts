import { Person, SYSTEM } from '../../domain/people';
import { AbuseReportEvent, AbuseReport, Outcome, OUTCOMES } from './model';

/**
 * AINM retention (DESIGN.md section 2): "Retention configurable (default: 3 years after closure), then
 * free text and identities are purged and an anonymous row remains for statistics". Incident records are
 * kept at least 3 years (RIDDOR; the Scottish 3-year time bar), so the clock starts at closure and open
 * records are never purged. Pure: no I/O, no clock.
 */

/** Stands in for the reporter, the manager and everyone in the history once a record is purged. */
export const REMOVED_PERSON: Person = { id: '', name: 'Removed' };

/** The store-level audit event appended by a purge. Kept out of {@link AbuseReportEvent}: no workflow decides it. */
export interface AbuseReportPurgedEvent {
  readonly type: 'Purged';
  readonly at: string;
  readonly by: Person;
  /** The retention period that applied, for the audit trail. */
  readonly retentionYears: number;
}

/** What an audit event keeps after a purge: what happened and when (and a closing outcome), never who or what was said. */
export interface AnonymisedAinmEvent {
  readonly type: string;
  readonly at: string;
  readonly outcome?: Outcome;
}

/** The instant a record closed at `closedAt` becomes due: the same calendar instant `years` later (UTC; 29 February rolls to 1 March). */
export function purgeDueAt(closedAt: string, years: number): Date {
  const due = new Date(closedAt);
  due.setUTCFullYear(due.getUTCFullYear() + years);
  return due;
}

/** Closed, closed at least `years` ago, and not purged already. */
export function isDueForPurge(record: AbuseReport, now: Date, years: number): boolean {
  if (record.state !== 'closed' || !record.closedAt || record.purgedAt) return false;
  const due = purgeDueAt(record.closedAt, years);
  return !Number.isNaN(due.getTime()) && due.getTime() <= now.getTime();
}

/**
 * The anonymous statistics row: category, from whom, platform (never the "other" text), urgency, dates,
 * state and outcome. No description, links, evidence, notes or people.
 */
export function anonymise(record: AbuseReport, now: Date): AbuseReport {
  const { details } = record;
  return {
    reference: record.reference,
    state: record.state,
    reporter: REMOVED_PERSON,
    manager: REMOVED_PERSON,
    details: {
      category: details.category,
      source: details.source,
      platform: details.platform,
      links: [],
      happenedOn: details.happenedOn,
      description: '',
      immediateDanger: details.immediateDanger,
      wantsSupport: details.wantsSupport,
    },
    urgent: record.urgent,
    evidence: [],
    reportedAt: record.reportedAt,
    ...(record.acknowledgedAt ? { acknowledgedAt: record.acknowledgedAt } : {}),
    ...(record.escalatedAt ? { escalatedAt: record.escalatedAt } : {}),
    ...(record.closedAt ? { closedAt: record.closedAt } : {}),
    ...(record.outcome ? { outcome: record.outcome } : {}),
    history: record.history.map((step) => ({ action: step.action, by: REMOVED_PERSON, at: step.at })),
    purgedAt: now.toISOString(),
  };
}

/** An audit event reduced to its type and time (and the outcome of a closure). */
export function anonymiseEvent(event: AbuseReportEvent): AnonymisedAinmEvent {
  return anonymiseEventBody(event);
}

/**
 * The same for a stored event body of unknown shape: anything that is not a string type, a string time
 * or a known outcome is dropped. Idempotent, so a purge that is run again rewrites nothing.
 */
export function anonymiseEventBody(body: unknown): AnonymisedAinmEvent {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const type = typeof source.type === 'string' ? source.type : 'Unknown';
  const at = typeof source.at === 'string' ? source.at : '';
  const outcome = type === 'Closed' && (OUTCOMES as readonly unknown[]).includes(source.outcome) ? source.outcome as Outcome : undefined;
  return { type, at, ...(outcome ? { outcome } : {}) };
}

export function purgedEvent(now: Date, retentionYears: number): AbuseReportPurgedEvent {
  return { type: 'Purged', at: now.toISOString(), by: { id: SYSTEM.id, name: SYSTEM.name }, retentionYears };
}
