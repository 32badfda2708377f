import type { Effect } from '../../domain/effects';
import type { WorkingTime } from '../../domain/working-time';
import { CATEGORY_LABELS, OUTCOME_LABELS } from './labels';
import { AinmEvent, AinmRecord } from './model';

/** DESIGN.md: not acknowledged within 1 working day -> escalated to the Incident team. */
export const ACKNOWLEDGE_WITHIN_DAYS = 1;
export const AINM_TIMERS = { escalate: 'ainm.escalate' } as const;

/**
 * Who is told what after each event. Headlines name the category, never what happened: the details
 * are on the card, which only people with a part in the record can open.
 */
export function abuseReportEffects(workingTime: WorkingTime) {
  return (events: readonly AinmEvent[], _before: AinmRecord | undefined, after: AinmRecord): Effect[] => {
    const effects = events.flatMap((event) => effectsOf(event, after, workingTime));
    return events.some((event) => event.type !== 'NoteAdded') ? [...effects, { kind: 'webhook' }] : effects;
  };
}

function effectsOf(event: AinmEvent, record: AinmRecord, workingTime: WorkingTime): Effect[] {
  const what = CATEGORY_LABELS[record.details.category].toLowerCase();
  const urgent = record.urgent ? 'URGENT: ' : '';
  const reporter = { person: record.reporter };
  const manager = { person: record.manager };
  // The reporter is never told as a team member, nor is the manager, who has their own alert.
  const incidentTeam = { role: 'incident' as const, except: [record.reporter.id, record.manager.id] };
  switch (event.type) {
    case 'ReportMade': {
      const acknowledgeBy = workingTime.addWorkingDays(new Date(event.at), ACKNOWLEDGE_WITHIN_DAYS);
      return [
        notify(manager, `${urgent}${record.reporter.name} has reported ${what} received through social media. Please acknowledge it and check they are all right.`),
        notify(incidentTeam, `${urgent}New AINM record: ${what} reported by ${record.reporter.name}.`),
        { kind: 'timer', timer: AINM_TIMERS.escalate, dueAt: acknowledgeBy.toISOString() },
      ];
    }
    case 'Acknowledged':
      return [notify(reporter, `${event.by.name} has acknowledged your report.`)];
    case 'EscalatedToIncidentTeam':
      return [notify(incidentTeam, `${record.reference} was not acknowledged by ${record.manager.name} within ${ACKNOWLEDGE_WITHIN_DAYS} working day: please pick it up.`)];
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

function notify(to: Extract<Effect, { kind: 'notify' }>['to'], headline: string): Effect {
  return { kind: 'notify', to, headline };
}
