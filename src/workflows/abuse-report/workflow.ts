import type { CaseWorkflow } from '../../domain/decider';
import type { WorkingTime } from '../../domain/working-time';
import { abuseReportEffects } from './effects';
import { AinmCommand, AinmEvent, AinmRecord, canSeeRecord, decide, evolve } from './model';
import { abuseReportParticipants } from './presenter';

/** The AINM record state machine with what follows each event: what the generic transition shell runs. */
export function abuseReportWorkflow(workingTime: WorkingTime): CaseWorkflow<AinmRecord, AinmCommand, AinmEvent> {
  return {
    decide, evolve, effects: abuseReportEffects(workingTime), stateOf: (record) => record.state,
    participants: abuseReportParticipants, canSee: canSeeRecord,
  };
}
