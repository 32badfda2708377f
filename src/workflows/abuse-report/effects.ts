import type { Effect, Recipient } from '../../domain/effects';
import type { WorkingTime } from '../../domain/working-time';
import { CATEGORY_LABELS, OUTCOME_LABELS } from './labels';
import { AbuseReportEvent, AbuseReport, specialistsOf } from './model';
import { DEFAULT_URGENT_ESCALATION_MINUTES } from './settings';

/** DESIGN.md: not acknowledged within 1 working day -> escalated to the Incident team. */
export const ACKNOWLEDGE_WITHIN_DAYS = 1;
/** Timer kinds as stored in the timers table: the stored name stays what it was first. */
export const ABUSE_REPORT_TIMERS = { escalate: 'ainm.escalate' } as const;

/**
 * When the manager's acknowledgement is due: 1 working day on, or, for a reporter in immediate danger, the
 * urgent escalation in clock minutes (a Friday evening report must not wait for Monday).
 */
export function acknowledgeBy(record: Pick<AbuseReport, 'urgent' | 'reportedAt'>, workingTime: WorkingTime, urgentEscalationMinutes: number): Date {
  const reportedAt = new Date(record.reportedAt);
  return record.urgent
    ? new Date(reportedAt.getTime() + urgentEscalationMinutes * 60_000)
    : workingTime.addWorkingDays(reportedAt, ACKNOWLEDGE_WITHIN_DAYS);
}

/**
 * Who is told what after each event. Headlines name the category, never what happened: the details
 * are on the card, which only people with a part in the record can open.
 */
export function abuseReportEffects(workingTime: WorkingTime, urgentEscalationMinutes = DEFAULT_URGENT_ESCALATION_MINUTES) {
  return (events: readonly AbuseReportEvent[], _before: AbuseReport | undefined, after: AbuseReport): Effect[] => {
    const effects = events.flatMap((event) => effectsOf(event, after, workingTime, urgentEscalationMinutes));
    return events.some((event) => event.type !== 'NoteAdded') ? [...effects, { kind: 'webhook' }] : effects;
  };
}

function effectsOf(event: AbuseReportEvent, record: AbuseReport, workingTime: WorkingTime, urgentEscalationMinutes: number): Effect[] {
  const what = CATEGORY_LABELS[record.details.category].toLowerCase();
  const reporter = { person: record.reporter };
  const manager = { person: record.manager };
  // The reporter is never told as a team member, nor is the manager, who has their own alert.
  const except = [record.reporter.id, record.manager.id];
  const teams: Recipient[] = [{ role: 'incident', except }, ...specialistsOf(record).map((role) => ({ role, except }))];
  switch (event.type) {
    case 'ReportMade':
      return [
        notify(manager, managerAlert(record, what)),
        ...(record.actingFor ? [notify({ person: record.actingFor },
          `You are out of office, so ${record.manager.name} was alerted to a report from ${record.reporter.name} (${record.reference}) and acknowledges it for you.`)] : []),
        ...teams.map((to) => notify(to, `${record.urgent ? 'URGENT: ' : ''}New AINM record: ${what} reported by ${record.reporter.name}.`)),
        { kind: 'timer', timer: ABUSE_REPORT_TIMERS.escalate, dueAt: acknowledgeBy({ urgent: record.urgent, reportedAt: event.at }, workingTime, urgentEscalationMinutes).toISOString() },
      ];
    case 'Acknowledged':
      return [notify(reporter, `${event.by.name} has acknowledged your report.`)];
    case 'EscalatedToIncidentTeam':
      return teams.map((to) => notify(to, record.urgent
        ? `URGENT: ${record.reference} was not acknowledged by ${record.manager.name} within ${urgentEscalationMinutes} minutes and the reporter said they were in immediate danger: contact them now.`
        : `${record.reference} was not acknowledged by ${record.manager.name} within ${ACKNOWLEDGE_WITHIN_DAYS} working day: please pick it up.`));
    case 'InvestigationStarted':
      return [notify(reporter, `The Incident team (${event.by.name}) is now investigating your report.`), notify(manager, `The Incident team is now investigating ${record.reference}.`)];
    case 'Closed':
      return [
        notify(reporter, `Your report was closed by the Incident team: ${OUTCOME_LABELS[event.outcome]}.`),
        notify(manager, `${record.reference} was closed: ${OUTCOME_LABELS[event.outcome]}.`),
      ];
    case 'NoteAdded':
    case 'EvidenceAdded':
      return [];
  }
}

/** Policy, Appendix 1 section 8: the manager checks the reporter is all right; in danger, that is now. */
function managerAlert(record: AbuseReport, what: string): string {
  return record.urgent
    ? `URGENT: ${record.reporter.name} has reported ${what} received through social media and said they are in immediate danger. Contact them now, by phone or in person, check they are safe, then acknowledge the report.`
    : `${record.reporter.name} has reported ${what} received through social media. Please acknowledge it and check they are all right.`;
}

function notify(to: Recipient, headline: string): Effect {
  return { kind: 'notify', to, headline };
}
