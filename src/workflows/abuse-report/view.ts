import { platformName } from '../../domain/platforms';
import { formatDeadline, formatLocalDate, formatLondonDateTime } from '../../domain/london-time';
import type { Actor } from '../../domain/people';
import { CaseCardBase, clipText, historyLines, messageLines } from '../../cards/case-card';
import type { StepMessage } from '../../cases/definition';
import type { WorkingTime } from '../../domain/working-time';
import { acknowledgeBy } from './effects';
import { ABUSE_REPORT_STATE_LABELS, CATEGORY_LABELS, EMERGENCY_ADVICE, OUTCOME_LABELS, SOURCE_LABELS } from './labels';
import { AbuseReportCommand, AbuseReportEvent, AbuseReport, decide, EvidenceFile, NOTE_MAX, OUTCOMES } from './model';
import { AbuseReportSettings, DEFAULT_ABUSE_REPORT_SETTINGS, SupportView, supportView } from './settings';

/** The data bound to `cards/abuse-report.json`. */
export interface AbuseReportCardView extends CaseCardBase {
  readonly emergency: string;
  readonly description: string;
  readonly links: readonly { text: string }[];
  readonly evidence: readonly { text: string }[];
  /** The reporter always sees where support is (DESIGN.md: every receipt shows it); no one else does. */
  readonly supportShown: boolean;
  readonly support: SupportView;
  readonly can: Readonly<Record<'acknowledge' | 'addNote' | 'investigate' | 'close' | 'anything', boolean>>;
  readonly outcomeChoices: readonly { title: string; value: string }[];
  readonly noteValue: string;
  readonly noteError: string;
  readonly outcomeError: string;
}

const STEP_WORDS: Readonly<Record<AbuseReportEvent['type'], string>> = {
  ReportMade: 'Reported', Acknowledged: 'Acknowledged', NoteAdded: 'Note added', EvidenceAdded: 'Evidence added',
  EscalatedToIncidentTeam: 'Escalated to the Incident team', InvestigationStarted: 'Investigation started', Closed: 'Closed',
};

/** The record card as `viewer` sees it: buttons only for what the model would accept from them. */
export function abuseReportCardView(
  record: AbuseReport, viewer: Actor, now: Date, workingTime: WorkingTime, extras: StepMessage = {},
  settings: AbuseReportSettings = DEFAULT_ABUSE_REPORT_SETTINGS,
): AbuseReportCardView {
  const can = permittedActions(record, viewer, now);
  const isReporter = record.reporter.id === viewer.id;
  return {
    reference: record.reference,
    emergency: record.urgent && record.state !== 'closed' ? (isReporter ? EMERGENCY_ADVICE : 'URGENT: the reporter said they were in immediate danger.') : '',
    ...messageLines(extras),
    stateLabel: ABUSE_REPORT_STATE_LABELS[record.state].label,
    stateColor: ABUSE_REPORT_STATE_LABELS[record.state].color,
    nextStep: nextStep(record, workingTime, settings),
    facts: [
      { title: 'Reported by', value: record.reporter.name },
      { title: 'Line manager', value: record.actingFor ? `${record.manager.name}, for ${record.actingFor.name} (out of office)` : record.manager.name },
      { title: 'What', value: CATEGORY_LABELS[record.details.category] },
      { title: 'From', value: SOURCE_LABELS[record.details.source] },
      { title: 'Where', value: platformName(record.details.platform, record.details.platformOther) },
      { title: 'When', value: formatLocalDate(record.details.happenedOn) },
      ...(record.outcome ? [{ title: 'Outcome', value: OUTCOME_LABELS[record.outcome] }] : []),
    ],
    description: record.details.description,
    links: record.details.links.map((text) => ({ text })),
    evidence: evidenceLines(record.evidence),
    supportShown: isReporter,
    support: supportView(settings.support),
    ...historyLines(record.history, record.earlierSteps ?? 0, (step) => ({ when: formatLondonDateTime(step.at), what: `${STEP_WORDS[step.action]} by ${step.by.name}`, comment: step.note ?? '' })),
    can: { ...can, anything: Object.values(can).some(Boolean) },
    outcomeChoices: OUTCOMES.map((outcome) => ({ title: OUTCOME_LABELS[outcome], value: outcome })),
    noteValue: clipText(extras.values?.note ?? '', NOTE_MAX),
    noteError: extras.fieldErrors?.note ?? '',
    outcomeError: extras.fieldErrors?.outcome ?? '',
    refreshUserIds: [viewer.id],
  };
}

/** The card lists the latest few files (their names and types, cut to a line); the rest are counted. */
const EVIDENCE_SHOWN = 5;
const EVIDENCE_LINE = 100;

function evidenceLines(evidence: readonly EvidenceFile[]): { text: string }[] {
  const shown = evidence.slice(-EVIDENCE_SHOWN).map((file) => ({ text: clipText(`${file.name} (${file.contentType})`, EVIDENCE_LINE) }));
  const more = evidence.length - shown.length;
  return more > 0 ? [...shown, { text: `and ${more} earlier file${more === 1 ? '' : 's'}` }] : shown;
}

export function permittedActions(record: AbuseReport, viewer: Actor, now: Date): Record<'acknowledge' | 'addNote' | 'investigate' | 'close', boolean> {
  const accepts = (command: AbuseReportCommand) => {
    const decision = decide(record, command, { actor: viewer, now });
    return decision.ok && decision.events.length > 0;
  };
  return {
    acknowledge: accepts({ type: 'acknowledge' }),
    addNote: accepts({ type: 'addNote', note: 'a note from the card' }),
    investigate: accepts({ type: 'startInvestigation' }),
    close: accepts({ type: 'close', outcome: 'other', note: 'a note from the card' }),
  };
}

/** Who acts next and by when. */
export function nextStep(record: AbuseReport, workingTime: WorkingTime, settings: AbuseReportSettings = DEFAULT_ABUSE_REPORT_SETTINGS): string {
  switch (record.state) {
    case 'reported': {
      const by = acknowledgeBy(record, workingTime, settings.urgentEscalationMinutes);
      if (record.escalatedAt) return `Not acknowledged in time: the Incident team has been asked to pick it up.`;
      return record.urgent
        ? `URGENT: ${record.manager.name} to contact the reporter now and acknowledge, by ${formatDeadline(by)}; the Incident team has been told.`
        : `${record.manager.name} to acknowledge, by ${formatDeadline(by)}; the Incident team has been told.`;
    }
    case 'acknowledged': return 'The Incident team (Health & Safety) to investigate.';
    case 'investigating': return 'The Incident team to close the record with an outcome.';
    case 'closed': return 'Closed. The record stays confidential, and is anonymised when its retention period ends.';
  }
}
