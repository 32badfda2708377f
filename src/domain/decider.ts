import type { Effect, Participant } from './effects';
import type { Decision } from './outcome';
import type { Actor } from './people';

/** Who acts and when: time comes in as data, never from a clock inside a model. */
export interface CommandContext {
  readonly actor: Actor;
  readonly now: Date;
}

/**
 * A workflow as a pure state machine (DESIGN.md, "Workflows"): `decide` says what a command causes or
 * why it is refused, `evolve` applies what happened, `effects` says what must follow (notifications,
 * timers). One generic shell runs read -> decide -> append for every workflow.
 */
export interface CaseWorkflow<S, C, E extends { readonly type: string; readonly at: string; readonly by: { readonly id: string } }> {
  decide(state: S | undefined, command: C, context: CommandContext): Decision<E>;
  evolve(state: S | undefined, event: E): S;
  effects(events: readonly E[], before: S | undefined, after: S): Effect[];
  /** The state name, stored beside the snapshot. */
  stateOf(snapshot: S): string;
  /** Whether the actor may see the case: a refusal shows others nothing of it (no snapshot, no names). */
  canSee(snapshot: S, actor: Actor): boolean;
  /** Everyone with a part in the case, for their inboxes. */
  participants(snapshot: S): Participant[];
}
