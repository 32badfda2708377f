import { teamInbox } from '../../store/inbox';
import type { CardRenderer } from '../../cards/render';
import type { Participant } from '../../domain/effects';
import type { WorkingTime } from '../../domain/working-time';
import type { CasePresenter } from '../../cases/presenter';
import { CATEGORY_LABELS } from './labels';
import { AbuseReport, canSeeAbuseReport } from './model';
import { registerRow } from './register';
import { acknowledgeBy } from './effects';
import { AbuseReportSettings, DEFAULT_ABUSE_REPORT_SETTINGS } from './settings';
import { abuseReportCardView, nextStep } from './view';

export function abuseReportParticipants(record: AbuseReport): Participant[] {
  return [
    { userId: record.reporter.id, role: 'reporter' },
    { userId: record.manager.id, role: 'manager' },
    ...(record.actingFor ? [{ userId: record.actingFor.id, role: 'delegated_by' }] : []),
    { userId: teamInbox('incident'), role: 'incident' },
  ];
}

const AWAITING: Readonly<Record<string, (record: AbuseReport) => boolean>> = {
  reporter: () => false,
  manager: (record) => record.state === 'reported',
  incident: (record) => record.state !== 'closed',
};

export function abuseReportPresenter(
  renderer: CardRenderer, workingTime: WorkingTime, settings: AbuseReportSettings = DEFAULT_ABUSE_REPORT_SETTINGS,
): CasePresenter<AbuseReport> {
  return {
    card(record, viewer, now, headline) {
      if (!canSeeAbuseReport(record, viewer)) {
        return renderer.render('message', { title: 'Not available', message: 'This record is no longer yours to see.', style: 'emphasis', hint: '' });
      }
      return renderer.render('abuse-report', abuseReportCardView(record, viewer, now, workingTime, headline ? { headline } : {}, settings));
    },
    inboxEntries(record) {
      const common = { reference: record.reference, state: record.state, summary: `${CATEGORY_LABELS[record.details.category]}${record.urgent ? ' (urgent)' : ''}`, nextStep: nextStep(record, workingTime, settings) };
      // The manager's acknowledgement is due within a working day (an urgent report: within the hour): lists sort by it.
      const dueAt = record.state === 'reported' ? acknowledgeBy(record, workingTime, settings.urgentEscalationMinutes).toISOString() : undefined;
      return abuseReportParticipants(record).map(({ userId, role }) => ({ ...common, userId, role, awaitingMe: AWAITING[role]?.(record) ?? false, ...(dueAt ? { dueAt } : {}) }));
    },
    undeliverable(record, unreachable) {
      if (unreachable.id !== record.manager.id || record.state !== 'reported') return undefined;
      return {
        to: record.reporter,
        message: `I couldn't reach ${record.manager.name} in Teams. The Incident team has your report; please also tell your manager or a senior member of staff directly.`,
      };
    },
    registerRow: (record) => registerRow(record, workingTime),
  };
}
