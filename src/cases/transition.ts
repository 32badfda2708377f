import type { CaseWorkflow, CommandContext } from '../domain/decider';
import type { CardLocation, Effect, Participant } from '../domain/effects';
import type { Rejection } from '../domain/outcome';
import { CardCopy, CaseStore, ConcurrencyError, PendingEffect } from '../store/case-store';
import type { ClaimedTimer } from '../store/timers';

type WorkflowEvent = { readonly type: string; readonly at: string; readonly by: { readonly id: string } };

export type TransitionOutcome<S> =
  | {
    readonly ok: true; readonly snapshot: S; readonly changed: boolean; readonly pending: readonly PendingEffect[];
    /** The stored version after the transition: with `snapshot`, what the effect relay would otherwise read back. */
    readonly version: number;
    /** The case's card copies as read with the snapshot (the form's, for a new case): where its effects update its cards. */
    readonly cardCopies: readonly CardCopy[];
    /** The retry timer its effects are carried out under (see {@link OutboxHold}); none when nothing was stored. */
    readonly retryTimer?: ClaimedTimer;
  }
  | (Rejection & { readonly snapshot?: S });

const MAX_ATTEMPTS = 4;

/**
 * The retry timer of the transition's outbox (EffectRelay.hold), created while the case is read: it must exist
 * before the outbox rows that name it are stored, so a crash right after the commit still leaves it to fire.
 */
export interface OutboxHold {
  readonly claim: Promise<ClaimedTimer>;
  /** Deletes it when nothing was stored. */
  drop(claim: ClaimedTimer): void;
}

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
  outbox?: OutboxHold,
): Promise<TransitionOutcome<S>> {
  // Whatever happens to the transition, an unawaited failure of the timer's write is not left unhandled.
  outbox?.claim.catch(() => undefined);
  const outcome = await decideAndCommit(store, workflow, reference, command, context, origin, isNew, outbox);
  // Refused, or nothing to store: the timer has nothing to recover. (After an error it stays: the commit may
  // have reached the table even if its answer did not, and then the timer is what carries its effects out.)
  if (outbox && !(outcome.ok && outcome.changed)) void outbox.claim.then((claim) => outbox.drop(claim), () => undefined);
  return outcome;
}

async function decideAndCommit<S, C, E extends WorkflowEvent>(
  store: CaseStore, workflow: CaseWorkflow<S, C, E>, reference: string, command: C, context: CommandContext,
  origin: CardLocation | undefined, isNew: boolean, outbox: OutboxHold | undefined,
): Promise<TransitionOutcome<S>> {
  for (let attempt = 1; ; attempt++) {
    // The card copies come with the snapshot (one query), so the relay need not read them again to refresh the cards.
    const stored = isNew && attempt === 1 ? undefined : await store.loadWithCardCopies<S>(reference);
    const before = stored?.snapshot;
    const decision = workflow.decide(before, command, context);
    if (!decision.ok) return before === undefined || !workflow.canSee(before, context.actor) ? decision : { ...decision, snapshot: before };
    if (decision.events.length === 0) {
      if (before === undefined) throw new Error(`${reference}: a command on a new case must cause an event`);
      return { ok: true, snapshot: before, changed: false, pending: [], version: stored?.version ?? 0, cardCopies: stored?.cardCopies ?? [] };
    }
    const after = decision.events.reduce<S | undefined>((state, event) => workflow.evolve(state, event), before) as S;
    const effects: Effect[] = [
      { kind: 'refreshCards', ...(origin ? { except: origin } : {}) },
      { kind: 'inbox', formerParticipants: formerParticipants(workflow.participants, before, after), ...(before === undefined ? { opened: true as const } : {}) },
      ...workflow.effects(decision.events, before, after),
    ];
    const newCopies = before === undefined && origin ? [{ viewerId: context.actor.id, ...origin }] : [];
    const retryTimer = outbox ? await outbox.claim : undefined;
    try {
      const { effectRows, version } = await store.commit({
        reference, snapshot: after, state: workflow.stateOf(after), events: decision.events, effects,
        ...(stored ? { expected: { etag: stored.etag, version: stored.version } } : {}),
        ...(newCopies.length > 0 ? { cardCopies: newCopies } : {}),
        ...(retryTimer ? { retryTimer: retryTimer.rowKey } : {}),
      });
      return { ok: true, snapshot: after, changed: true, pending: effectRows, version, cardCopies: stored?.cardCopies ?? newCopies, ...(retryTimer ? { retryTimer } : {}) };
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
