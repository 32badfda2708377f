import type { CaseWorkflow } from '../domain/decider';
import type { CardLocation } from '../domain/effects';
import { reject } from '../domain/outcome';
import type { Actor } from '../domain/people';
import { CasePrefix, prefixOf } from '../domain/references';
import type { EffectRelay } from '../notify/effect-relay';
import type { Directory } from '../directory/directory';
import type { WorkingTime } from '../domain/working-time';
import type { CaseStore } from '../store/case-store';
import type { ReferenceCounter } from '../store/counters';
import type { IdempotencyStore } from '../store/idempotency';
import type { Inbox } from '../store/inbox';
import { runTransition, TransitionOutcome } from '../store/run-transition';

/** What every workflow's service is built from. */
export interface CaseServiceDeps {
  readonly cases: CaseStore;
  readonly counter: ReferenceCounter;
  readonly idempotency: IdempotencyStore;
  readonly inbox: Inbox;
  readonly directory: Directory;
  readonly relay: EffectRelay;
  readonly workingTime: WorkingTime;
}

type WorkflowEvent = { readonly type: string; readonly at: string; readonly by: { readonly id: string } };

/**
 * What every workflow's service does with its own cases: run a transition and hand its effects to the relay,
 * and load a case. A reference from card data may name a case of another workflow: to this one, it does not
 * exist, and is answered with `notFound` exactly as a reference nobody has.
 */
export function caseAccess<S, C, E extends WorkflowEvent>(
  deps: { readonly cases: CaseStore; readonly relay: EffectRelay },
  workflow: CaseWorkflow<S, C, E>,
  prefix: CasePrefix,
  notFound: string,
) {
  async function load(reference: string): Promise<S | undefined> {
    if (prefixOf(reference) !== prefix) return undefined;
    return (await deps.cases.load<S>(reference))?.snapshot;
  }

  return {
    async act(reference: string, command: C, actor: Actor, now: Date, origin?: CardLocation, isNew = false): Promise<TransitionOutcome<S>> {
      if (prefixOf(reference) !== prefix) return reject('not_found', notFound);
      const outcome = await runTransition(deps.cases, workflow, reference, command, { actor, now }, origin, isNew);
      if (outcome.ok) deps.relay.dispatch(reference, outcome.pending, outcome);
      return outcome;
    },
    load,
    /** The case if `viewer` has a part in it; else undefined, as for a case that does not exist. */
    async loadFor(reference: string, viewer: Actor): Promise<S | undefined> {
      const snapshot = await load(reference);
      return snapshot && workflow.canSee(snapshot, viewer) ? snapshot : undefined;
    },
  };
}
