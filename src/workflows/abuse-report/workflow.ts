import type { CaseWorkflow } from '../../domain/decider';
import type { WorkingTime } from '../../domain/working-time';
import { abuseReportEffects } from './effects';
import { AinmCommand, AinmEvent, AinmRecord, canSeeRecord, decide, evolve } from './model';
import { abuseReportParticipants } from './presenter';
import { AbuseReportSettings, DEFAULT_ABUSE_REPORT_SETTINGS } from './settings';

/** The AINM record state machine with what follows each event: what the generic transition shell runs. */
export function abuseReportWorkflow(
  workingTime: WorkingTime, settings: AbuseReportSettings = DEFAULT_ABUSE_REPORT_SETTINGS,
): CaseWorkflow<AinmRecord, AinmCommand, AinmEvent> {
  return {
    decide, evolve, effects: abuseReportEffects(workingTime, settings.urgentEscalationMinutes), stateOf: (record) => record.state,
    participants: abuseReportParticipants, canSee: canSeeRecord,
  };
}
