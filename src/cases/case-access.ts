// Legacy: what the two workflows not yet on the generic case service (case-service.ts) still use. Removed once they move.
import type { CaseWorkflow } from '../domain/decider';
import type { CardLocation } from '../domain/effects';
import { reject } from '../domain/outcome';
import type { Actor } from '../domain/people';
import { CasePrefix, prefixOf } from '../domain/references';
import type { EffectRelay } from './relay';
import type { Directory } from '../directory/directory';
import { Logger, logRefusal } from '../logger';
import type { WorkingTime } from '../domain/working-time';
import type { CaseStore } from '../store/case-store';
import type { ReferenceCounter } from '../store/counters';
import type { IdempotencyStore } from '../store/idempotency';
import type { Inbox } from '../store/inbox';
import { runTransition, TransitionOutcome } from './transition';

/** What every workflow's service is built from. */
export interface CaseServiceDeps {
  readonly cases: CaseStore;
  readonly counter: ReferenceCounter;
  readonly idempotency: IdempotencyStore;
  readonly inbox: Inbox;
  readonly directory: Directory;
  readonly relay: EffectRelay;
  readonly workingTime: WorkingTime;
  readonly logger: Logger;
}

/** How each workflow's card verbs begin: a refused step is logged as `accessRequest.approve`. */
const VERB_NAMESPACE: Readonly<Record<string, string>> = { AR: 'accessRequest', AINM: 'abuseReport', TD: 'takedown' };

type WorkflowEvent = { readonly type: string; readonly at: string; readonly by: { readonly id: string } };

/**
 * What every workflow's service does with its own cases: run a transition and hand its effects to the relay,
 * and load a case. A reference from card data may name a case of another workflow: to this one, it does not
 * exist, and is answered with `notFound` exactly as a reference nobody has.
 *
 * Every case action and view passes here, so this is where a refusal (not theirs to see, not theirs to do,
 * no such case, not at this step) is logged: once, with ids and codes only (logger.ts, `logRefusal`).
 */
export function caseAccess<S, C extends { readonly type: string }, E extends WorkflowEvent>(
  deps: { readonly cases: CaseStore; readonly relay: EffectRelay; readonly logger: Logger },
  workflow: CaseWorkflow<S, C, E>,
  prefix: CasePrefix,
  notFound: string,
) {
  async function load(reference: string): Promise<S | undefined> {
    if (prefixOf(reference) !== prefix) return undefined;
    return (await deps.cases.load<S>(reference))?.snapshot;
  }

  async function run(reference: string, command: C, actor: Actor, now: Date, origin?: CardLocation, isNew = false): Promise<TransitionOutcome<S>> {
    if (prefixOf(reference) !== prefix) return reject('not_found', notFound);
    const outcome = await runTransition(deps.cases, workflow, reference, command, { actor, now }, origin, isNew);
    if (outcome.ok) deps.relay.dispatch(reference, outcome.pending, outcome);
    return outcome;
  }

  return {
    async act(reference: string, command: C, actor: Actor, now: Date, origin?: CardLocation, isNew = false): Promise<TransitionOutcome<S>> {
      const outcome = await run(reference, command, actor, now, origin, isNew);
      if (!outcome.ok) logRefusal(deps.logger, { reference, verb: `${VERB_NAMESPACE[prefix]}.${command.type}`, actorId: actor.id, code: outcome.code });
      return outcome;
    },
    load,
    /**
     * The case if `viewer` has a part in it; else undefined, as for a case that does not exist. `verb` is
     * what they pressed or typed, for the refusal's log line.
     */
    async loadFor(reference: string, viewer: Actor, verb: string): Promise<S | undefined> {
      const snapshot = await load(reference);
      if (snapshot && workflow.canSee(snapshot, viewer)) return snapshot;
      logRefusal(deps.logger, { reference, verb, actorId: viewer.id, code: snapshot ? 'forbidden' : 'not_found' });
      return undefined;
    },
  };
}
