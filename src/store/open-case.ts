import type { CardLocation } from '../domain/effects';
import type { Actor } from '../domain/people';
import type { CasePrefix } from '../domain/references';
import type { CaseStore } from './case-store';
import type { ReferenceCounter } from './counters';
import type { IdempotencyStore } from './idempotency';
import type { TransitionOutcome } from './run-transition';

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
  /** The message the form was on: it now shows the case, so later changes update it. */
  readonly origin?: CardLocation;
  /** The opening transition, already checked by a dry run: a refusal here is a fault. */
  open(reference: string): Promise<TransitionOutcome<S>>;
}

/**
 * Opens a case from a form exactly once, for every workflow: claims the form token, takes the next
 * reference, runs the opening transition and remembers the card. If anything fails the claim is
 * released, so the person can simply send the form again.
 */
export async function openCaseOnce<S>(deps: OpenCaseDeps, request: OpenCaseRequest<S>): Promise<OpenCaseOutcome<S>> {
  const { actor, origin } = request;
  const token = deps.idempotency.isValidToken(request.formToken) ? request.formToken : undefined;
  if (token) {
    const claim = await deps.idempotency.claim(actor.id, token);
    if (!claim.claimed) {
      const earlier = claim.reference ? (await deps.cases.load<S>(claim.reference))?.snapshot : undefined;
      return earlier === undefined ? { kind: 'duplicate' } : { kind: 'duplicate', snapshot: earlier };
    }
  }
  try {
    const reference = await deps.counter.next(request.prefix, request.year);
    const outcome = await request.open(reference);
    if (!outcome.ok) throw new Error(`${reference} refused after its dry run: ${outcome.code}`);
    if (token) await deps.idempotency.complete(actor.id, token, reference);
    if (origin) await deps.cases.saveCardCopy(reference, { viewerId: actor.id, ...origin });
    return { kind: 'created', snapshot: outcome.snapshot };
  } catch (error) {
    if (token) await deps.idempotency.release(actor.id, token).catch(() => undefined);
    throw error;
  }
}
