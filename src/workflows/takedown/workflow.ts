import type { CaseWorkflow } from '../../domain/decider';
import type { WorkingTime } from '../../domain/working-time';
import { takedownEffects } from './effects';
import { canSeeNotice, decide, evolve, TakedownCommand, TakedownEvent, TakedownNotice } from './model';
import { takedownParticipants } from './presenter';

/** The takedown-notice state machine with what follows each event: what the generic transition shell runs. */
export function takedownWorkflow(workingTime: WorkingTime): CaseWorkflow<TakedownNotice, TakedownCommand, TakedownEvent> {
  return {
    decide, evolve, effects: takedownEffects(workingTime), stateOf: (notice) => notice.state,
    participants: takedownParticipants, canSee: canSeeNotice,
  };
}
