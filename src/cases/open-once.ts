import type { Actor } from '../domain/people';
import { CasePrefix, prefixOf } from '../domain/references';
import type { CaseStore } from '../store/case-store';
import type { ReferenceCounter } from '../store/counters';
import type { IdempotencyStore } from '../store/idempotency';
import type { ClaimedTimer } from '../store/timers';
import type { TransitionOutcome } from './transition';

export type OpenCaseOutcome<S> =
  | { readonly kind: 'created'; readonly snapshot: S }
  /** The same form was sent before (a double click, or Teams delivering the submit again). */
  | { readonly kind: 'duplicate'; readonly snapshot?: S };

export interface OpenCaseDeps {
  readonly cases: CaseStore;
  readonly counter: ReferenceCounter;
  readonly idempotency: IdempotencyStore;
}

export interface OpenCaseRequest<S> {
  readonly actor: Actor;
  /** The form's token, from card data: only a well-formed one is used as a key. */
  readonly formToken: unknown;
  readonly prefix: CasePrefix;
  readonly year: number;
  /**
   * The opening transition, already checked by a dry run: a refusal here is a fault. `isNew`: the reference
   * was allocated for this submit just now, so the transition need not read it first.
   */
  open(reference: string, isNew: boolean, held?: Promise<ClaimedTimer>): Promise<TransitionOutcome<S>>;
  /** Starts writing the new case's outbox retry timer (EffectRelay.hold), so it is written while the token is claimed. */
  hold?(reference: string): Promise<ClaimedTimer>;
  /** Deletes a retry timer written for a case this submit does not open (EffectRelay.drop). */
  drop?(claim: ClaimedTimer): void;
}

/**
 * Opens a case from a form exactly once, for every workflow. The reference is taken first and the form's
 * token claimed for it, so the claim always says which case the form makes: a repeat (a double click,
 * Teams delivering the submit again, or the person sending it again after a fault) shows that case, or
 * opens it under that reference if the earlier turn failed before storing it (storage down mid-turn, when
 * nothing could be cleaned up). Two deliveries racing to open the same reference are settled by the
 * case store: the snapshot is created only once, and the loser shows the winner's case.
 *
 * A first submit costs three round trips: the counter, the claim and the case's transaction. The token is
 * not looked up before the counter is, which would be a fourth for every submit; the price is that a
 * repeat leaves its number unused, so references are unique and in order but may skip a number.
 */
export async function openCaseOnce<S>(deps: OpenCaseDeps, request: OpenCaseRequest<S>): Promise<OpenCaseOutcome<S>> {
  const token = deps.idempotency.isValidToken(request.formToken) ? request.formToken : undefined;
  const reference = await deps.counter.next(request.prefix, request.year);
  const held = request.hold?.(reference);
  if (token) {
    // Held while the token is claimed; a repeat opens nothing under this reference, so its timer goes.
    held?.catch(() => undefined);
    const claim = await deps.idempotency.claim(request.actor.id, token, reference);
    if (!claim.claimed) {
      void held?.then((timer) => request.drop?.(timer), () => undefined);
      return repeat(deps, request, claim.reference);
    }
  }
  return openAs(deps, request, reference, true, held);
}

/** The same form again: the case it made, or, if that case was never stored, the case opened now under its reference. */
async function repeat<S>(deps: OpenCaseDeps, request: OpenCaseRequest<S>, reference: string | undefined): Promise<OpenCaseOutcome<S>> {
  // A claim without a reference (made before claims named one) is still being processed, or was abandoned;
  // a token claimed by another kind of form (forged card data) never opens or shows that case.
  if (!reference || prefixOf(reference) !== request.prefix) return { kind: 'duplicate' };
  const earlier = await deps.cases.load<S>(reference);
  if (earlier) return { kind: 'duplicate', snapshot: earlier.snapshot };
  return openAs(deps, request, reference, false);
}

async function openAs<S>(deps: OpenCaseDeps, request: OpenCaseRequest<S>, reference: string, isNew: boolean, held?: Promise<ClaimedTimer>): Promise<OpenCaseOutcome<S>> {
  const outcome = await request.open(reference, isNew, held);
  if (!outcome.ok) {
    // Another delivery of the same form opened this reference first (the opening transition refuses an existing case).
    const opened = await deps.cases.load<S>(reference);
    if (opened) return { kind: 'duplicate', snapshot: opened.snapshot };
    throw new Error(`${reference} refused after its dry run: ${outcome.code}`);
  }
  return { kind: 'created', snapshot: outcome.snapshot };
}
