import type { CardLocation } from '../domain/effects';
import { reject, Rejection } from '../domain/outcome';
import { Actor, SYSTEM } from '../domain/people';
import { prefixOf } from '../domain/references';
import type { WorkingTime } from '../domain/working-time';
import { Logger, logRefusal } from '../logger';
import type { CaseStore } from '../store/case-store';
import type { ReferenceCounter } from '../store/counters';
import type { IdempotencyStore } from '../store/idempotency';
import type { ClaimedTimer, TimerRow } from '../store/timers';
import type { CaseAction, WorkflowDefinition, WorkflowEvent } from './definition';
import { openCaseOnce } from './open-once';
import type { EffectRelay } from './relay';
import { runTransition, TransitionOutcome } from './transition';

/** What the engine runs every workflow's cases with. */
export interface CaseServiceDeps {
  readonly cases: CaseStore;
  readonly counter: ReferenceCounter;
  readonly idempotency: IdempotencyStore;
  readonly relay: EffectRelay;
  readonly workingTime: WorkingTime;
  readonly logger: Logger;
}

export type OpenOutcome<S> =
  | { readonly kind: 'opened'; readonly snapshot: S }
  | { readonly kind: 'invalid'; readonly rejection: Rejection }
  /** The same form was sent before (a double click, or Teams delivering the submit again); its case if stored. */
  | { readonly kind: 'duplicate'; readonly snapshot?: S };

/** Fires one timer: a system command on its case. */
export type TimerHandler = (timer: TimerRow, now: Date) => Promise<void>;

/** One workflow's cases, as `createCaseService` gives them. */
export interface CaseService<S = unknown, C extends { readonly type: string } = { readonly type: string }> {
  readonly definition: WorkflowDefinition<S, C, WorkflowEvent>;
  load(reference: string): Promise<S | undefined>;
  /** The case if `viewer` has a part in it; else undefined, as for a case that does not exist. `verb`: for the log line. */
  loadFor(reference: string, viewer: Actor, verb: string): Promise<S | undefined>;
  act(reference: string, command: C, actor: Actor, now: Date, origin?: CardLocation, isNew?: boolean): Promise<TransitionOutcome<S>>;
  /** Remembers a message showing this case to `viewerId`, so later transitions update it in place. */
  rememberCard(reference: string, viewerId: string, location: CardLocation): Promise<void>;
  /**
   * Opens a case from a form: the command is decided first on no case (a dry run, nothing stored), then the
   * case is opened once per form token under a new reference (open-once.ts).
   */
  open(action: CaseAction, command: C): Promise<OpenOutcome<S>>;
  /**
   * The case as `action.actor` opens it: first what opening it does (the definition's `onView`); when the card
   * replaces a clicked one (`remember`), that message is kept so later changes update it in place.
   */
  show(action: Pick<CaseAction, 'actor' | 'now' | 'verb' | 'origin'>, reference: string, remember: boolean): Promise<S | undefined>;
  /** What the scheduler does when each of this workflow's timers comes due. */
  timerHandlers(): Record<string, TimerHandler>;
  /** Every case of this workflow, for exports. */
  snapshots(): AsyncIterable<S>;
}

/**
 * Runs one workflow's cases: the same code for every workflow, what differs is in its definition.
 *
 * A reference from card data may name a case of another workflow: to this one it does not exist, and is
 * answered exactly as a reference nobody has. Every action and view passes here, so this is where a refusal
 * (not theirs to see, not theirs to do, no such case, not at this step) is logged: once, with ids and codes
 * only (logger.ts, `logRefusal`).
 */
export function createCaseService<S, C extends { readonly type: string }, E extends WorkflowEvent>(
  deps: CaseServiceDeps, definition: WorkflowDefinition<S, C, E>,
): CaseService<S, C> {
  const { workflow, rules } = definition;
  const ours = (reference: string) => prefixOf(reference) === rules.prefix;

  async function load(reference: string): Promise<S | undefined> {
    return ours(reference) ? (await deps.cases.load<S>(reference))?.snapshot : undefined;
  }

  async function act(reference: string, command: C, actor: Actor, now: Date, origin?: CardLocation, isNew = false, held?: Promise<ClaimedTimer>): Promise<TransitionOutcome<S>> {
    // The outbox's retry timer is written while the case is read (or, for a new case, while its form token is claimed).
    const outbox = ours(reference) ? { claim: held ?? deps.relay.hold(reference), drop: deps.relay.drop } : undefined;
    const outcome = outbox
      ? await runTransition(deps.cases, workflow, reference, command, { actor, now }, origin, isNew, outbox)
      : reject('not_found', definition.notFound(reference));
    if (outcome.ok) deps.relay.dispatch(reference, outcome.pending, outcome);
    else logRefusal(deps.logger, { reference, verb: `${rules.name}.${command.type}`, actorId: actor.id, code: outcome.code });
    return outcome;
  }

  async function loadFor(reference: string, viewer: Actor, verb: string): Promise<S | undefined> {
    const snapshot = await load(reference);
    if (snapshot && workflow.canSee(snapshot, viewer)) return snapshot;
    logRefusal(deps.logger, { reference, verb, actorId: viewer.id, code: snapshot ? 'forbidden' : 'not_found' });
    return undefined;
  }

  async function rememberCard(reference: string, viewerId: string, location: CardLocation): Promise<void> {
    await deps.cases.saveCardCopy(reference, { viewerId, ...location });
  }

  return {
    definition: definition as unknown as WorkflowDefinition<S, C, WorkflowEvent>,
    load,
    loadFor,
    act,
    rememberCard,

    async open(action, command) {
      const placeholder = `${rules.prefix}-0000-00000`;
      const dryRun = workflow.decide(undefined, { ...command, reference: placeholder }, { actor: action.actor, now: action.now });
      if (!dryRun.ok) return { kind: 'invalid', rejection: dryRun };
      const opened = await openCaseOnce<S>(deps, {
        actor: action.actor, formToken: action.data.formId, prefix: rules.prefix, year: Number(deps.workingTime.londonDate(action.now).slice(0, 4)),
        hold: (reference) => deps.relay.hold(reference),
        drop: deps.relay.drop,
        open: (reference, isNew, held) => act(reference, { ...command, reference }, action.actor, action.now, action.origin, isNew, held),
      });
      return opened.kind === 'created' ? { kind: 'opened', snapshot: opened.snapshot } : opened;
    },

    async show(action, reference, remember) {
      const snapshot = await loadFor(reference, action.actor, action.verb);
      if (!snapshot) return undefined;
      const onView = definition.onView?.(snapshot, action.actor);
      const viewed = onView ? await act(reference, onView, action.actor, action.now) : undefined;
      if (remember && action.origin) await rememberCard(reference, action.actor.id, action.origin);
      return viewed?.ok ? viewed.snapshot : snapshot;
    },

    timerHandlers() {
      return Object.fromEntries(Object.entries(definition.timers).map(([timer, command]): [string, TimerHandler] => [
        timer, async (row, now) => { await act(row.reference, command(row.basis ?? ''), SYSTEM, now); },
      ]));
    },

    async *snapshots() {
      for await (const stored of deps.cases.snapshotsOf<S>(rules.prefix)) yield stored.snapshot;
    },
  };
}
