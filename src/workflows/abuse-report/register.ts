import { platformName } from '../../domain/platforms';
import type { WorkingTime } from '../../domain/working-time';
import { ABUSE_REPORT_STATE_LABELS, CATEGORY_LABELS, OUTCOME_LABELS, SOURCE_LABELS } from './labels';
import type { AbuseReport } from './model';

/**
 * One line of the Group's AINM register: what the export and the webhook carry. No description, links
 * or evidence: those stay in Teams, with the people who may see them.
 */
export interface AinmRegisterRow {
  readonly reference: string;
  readonly reportedAt: string;
  readonly happenedOn: string;
  readonly acknowledgedAt: string;
  readonly closedAt: string;
  readonly category: string;
  readonly fromWhom: string;
  readonly platform: string;
  readonly urgent: boolean;
  readonly state: string;
  readonly outcome: string;
  readonly manager: string;
  /** Working hours (09:00-17:00, Mon-Fri, Scottish bank holidays excluded) from report to acknowledgement. */
  readonly hoursToAcknowledge: number | null;
}

export const REGISTER_COLUMNS: readonly (keyof AinmRegisterRow)[] = [
  'reference', 'reportedAt', 'happenedOn', 'acknowledgedAt', 'closedAt', 'category', 'fromWhom', 'platform',
  'urgent', 'state', 'outcome', 'manager', 'hoursToAcknowledge',
];

export function registerRow(record: AbuseReport, workingTime: WorkingTime): AinmRegisterRow {
  const hours = record.acknowledgedAt
    ? Math.round(workingTime.workingMillisBetween(new Date(record.reportedAt), new Date(record.acknowledgedAt)) / 360_000) / 10
    : null;
  return {
    reference: record.reference,
    reportedAt: record.reportedAt,
    happenedOn: record.details.happenedOn,
    acknowledgedAt: record.acknowledgedAt ?? '',
    closedAt: record.closedAt ?? '',
    category: CATEGORY_LABELS[record.details.category],
    fromWhom: SOURCE_LABELS[record.details.source],
    platform: platformName(record.details.platform, record.details.platformOther),
    urgent: record.urgent,
    state: ABUSE_REPORT_STATE_LABELS[record.state].label,
    outcome: record.outcome ? OUTCOME_LABELS[record.outcome] : '',
    manager: record.manager.name,
    hoursToAcknowledge: hours,
  };
}
