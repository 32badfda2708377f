import type { CaseWorkflow } from '../../domain/decider';
import type { WorkingTime } from '../../domain/working-time';
import { accessRequestEffects } from './effects';
import { AccessRequest, AccessRequestCommand, AccessRequestEvent, decide, evolve } from './model';
import { accessRequestParticipants } from './presenter';
import { canSeeAccessRequest } from './view';

/** The access-request state machine with what follows each event: what the generic transition shell runs. */
export function accessRequestWorkflow(workingTime: WorkingTime): CaseWorkflow<AccessRequest, AccessRequestCommand, AccessRequestEvent> {
  return {
    decide, evolve, effects: accessRequestEffects(workingTime), stateOf: (request) => request.state,
    participants: accessRequestParticipants, canSee: canSeeAccessRequest,
  };
}
