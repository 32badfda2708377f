import assert from 'node:assert/strict';
import type { CommandContext } from '../../src/domain/decider';
import type { Decision, RejectionCode } from '../../src/domain/outcome';
import type { Actor } from '../../src/domain/people';

/** A workflow's pure halves, as the model tests see them. */
export interface DeciderUnderTest<S, C, E> {
  decide(state: S | undefined, command: C, context: CommandContext): Decision<E>;
  evolve(state: S | undefined, event: E): S;
}

/**
 * The one given/when/then harness for every workflow's decider (CONVENTIONS.md, "the decider pattern"):
 * `given(events).when(command, actor[, now]).then(events)` returns the state after them;
 * `.thenRejects(code, message[, fieldErrors])` checks the refusal exactly (no field errors unless named);
 * `.thenNothingHappens()` is an accepted command with no event (a repeat).
 */
export function deciderSpec<S, C, E>(decider: DeciderUnderTest<S, C, E>, defaultNow: Date) {
  return function given(history: readonly E[]) {
    const state = history.reduce<S | undefined>(decider.evolve, undefined);
    return {
      state,
      when(command: C, actor: Actor, now: Date = defaultNow) {
        const decision = decider.decide(state, command, { actor, now });
        return {
          decision,
          then(expected: readonly E[]): S | undefined {
            assert.ok(decision.ok, `expected acceptance, got ${JSON.stringify(decision)}`);
            assert.deepEqual(decision.events, expected);
            return decision.events.reduce<S | undefined>(decider.evolve, state);
          },
          thenNothingHappens(): void {
            assert.ok(decision.ok, `expected a no-op, got ${JSON.stringify(decision)}`);
            assert.deepEqual(decision.events, []);
          },
          thenRejects(code: RejectionCode, message: RegExp | string, fieldErrors?: Record<string, string>): void {
            assert.equal(decision.ok, false, `expected a refusal, got ${JSON.stringify(decision)}`);
            if (decision.ok) return;
            assert.equal(decision.code, code, decision.message);
            if (typeof message === 'string') assert.equal(decision.message, message);
            else assert.match(decision.message, message);
            assert.deepEqual(decision.fieldErrors, fieldErrors, 'field errors');
          },
        };
      },
    };
  };
}
