import type { CaseWorkflow, CommandContext } from '../domain/decider';
import type { CardLocation, Effect, Participant } from '../domain/effects';
import type { Rejection } from '../domain/outcome';
import { CaseStore, ConcurrencyError, PendingEffect } from '../store/case-store';

type WorkflowEvent = { readonly type: string; readonly at: string; readonly by: { readonly id: string } };

export type TransitionOutcome<S> =
  | {
    readonly ok: true; readonly snapshot: S; readonly changed: boolean; readonly pending: readonly PendingEffect[];
    /** The stored version after the transition: with `snapshot`, what the effect relay would otherwise read back. */
    readonly version: number;
  }
  | (Rejection & { readonly snapshot?: S });

const MAX_ATTEMPTS = 4;

/**
 * Load -> decide -> evolve -> commit, with the etag read. A lost race (another writer got there first)
 * reloads and decides again, so the loser is told what happened ("already approved by ...") instead of
 * overwriting it. The snapshot, events and outbox are stored in one transaction or not at all; so is
 * the card the new case was opened from (`origin`), which later transitions update in place.
 *
 * `isNew` says the reference was allocated for this command a moment ago, so there is nothing to read:
 * the first attempt decides on no case, and if one exists after all (a repeat of the same form racing
 * this one) the create fails, the case is read, and the command is decided again on it.
 */
export async function runTransition<S, C, E extends WorkflowEvent>(
  store: CaseStore,
  workflow: CaseWorkflow<S, C, E>,
  reference: string,
  command: C,
  context: CommandContext,
  origin?: CardLocation,
  isNew = false,
): Promise<TransitionOutcome<S>> {
  for (let attempt = 1; ; attempt++) {
    const stored = isNew && attempt === 1 ? undefined : await store.load<S>(reference);
    const before = stored?.snapshot;
    const decision = workflow.decide(before, command, context);
    if (!decision.ok) return before === undefined || !workflow.canSee(before, context.actor) ? decision : { ...decision, snapshot: before };
    if (decision.events.length === 0) {
      if (before === undefined) throw new Error(`${reference}: a command on a new case must cause an event`);
      return { ok: true, snapshot: before, changed: false, pending: [], version: stored?.version ?? 0 };
    }
    const after = decision.events.reduce<S | undefined>((state, event) => workflow.evolve(state, event), before) as S;
    const effects: Effect[] = [
      { kind: 'refreshCards', ...(origin ? { except: origin } : {}) },
      { kind: 'inbox', formerParticipants: formerParticipants(workflow.participants, before, after) },
      ...workflow.effects(decision.events, before, after),
    ];
    try {
      const { effectRows, version } = await store.commit({
        reference, snapshot: after, state: workflow.stateOf(after), events: decision.events, effects,
        ...(stored ? { expected: { etag: stored.etag, version: stored.version } } : {}),
        ...(before === undefined && origin ? { cardCopies: [{ viewerId: context.actor.id, ...origin }] } : {}),
      });
      return { ok: true, snapshot: after, changed: true, pending: effectRows, version };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

function formerParticipants<S>(participants: (snapshot: S) => Participant[], before: S | undefined, after: S): Participant[] {
  if (before === undefined) return [];
  const key = (p: Participant) => `${p.role}|${p.userId}`;
  const current = new Set(participants(after).map(key));
  return participants(before).filter((p) => !current.has(key(p)));
}
