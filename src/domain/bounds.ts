import { Decision, reject } from './outcome';

/**
 * A case snapshot is stored as JSON in one table string property (store/case-store.ts), and Azure holds at
 * most 32,768 UTF-16 characters there (store/entity-limits.ts). The models keep every snapshot below this,
 * for any input they accept, with room to spare for a field added later.
 */
export const SNAPSHOT_MAX_CHARS = 30 * 1024;

/** Characters a value takes once stored as JSON: quotes, backslashes and line breaks count twice, lone surrogates six times. */
export function encodedLength(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

/** A case's visible history as the snapshot keeps it: the latest steps, and how many older ones only the audit events hold. */
export interface KeptHistory<Step> {
  readonly history: readonly Step[];
  readonly earlierSteps: number;
}

/**
 * Appends `latest` and keeps the newest steps: at most `maxSteps`, and no more than fit in `maxChars` of
 * JSON (the newest step always stays). Every step is also an audit event row, so nothing is lost: the
 * snapshot and the card only show the latest part, and count the rest in `earlierSteps`.
 */
export function keepLatestSteps<Step>(kept: KeptHistory<Step>, latest: Step, maxSteps: number, maxChars: number): KeptHistory<Step> {
  const all = [...kept.history, latest];
  let chars = 0;
  let first = all.length;
  while (first > 0 && all.length - first < maxSteps) {
    const size = encodedLength(all[first - 1]) + 1;
    if (first < all.length && chars + size > maxChars) break;
    chars += size;
    first--;
  }
  return { history: all.slice(first), earlierSteps: kept.earlierSteps + first };
}

/**
 * The last line of defence: a decision whose result would not fit in its table property is refused with
 * `message`, so a person is told what to change and nothing is stored, instead of a storage error.
 */
export function withinSnapshotLimit<S, E>(
  decision: Decision<E>, state: S | undefined, evolve: (state: S | undefined, event: E) => S, message: string,
): Decision<E> {
  if (!decision.ok || decision.events.length === 0) return decision;
  const after = decision.events.reduce<S | undefined>(evolve, state);
  return encodedLength(after) <= SNAPSHOT_MAX_CHARS ? decision : reject('invalid', message);
}

/** A text limit a model enforces itself (the forms and card inputs cut to it too), with a message saying how long it is. */
export function tooLong(text: string | undefined, max: number, what: string): string | undefined {
  const length = text?.length ?? 0;
  return length > max ? `Keep the ${what} to ${max.toLocaleString('en-GB')} characters (it has ${length.toLocaleString('en-GB')}).` : undefined;
}
