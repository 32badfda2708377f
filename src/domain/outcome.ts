/**
 * Expected outcomes of a command. Refusals are values with a code and a message a person can read;
 * exceptions are kept for faults (storage down) and handled in one place.
 */
export type RejectionCode =
  | 'invalid'
  | 'forbidden'
  | 'not_found'
  | 'already_decided'
  | 'wrong_state';

export interface Rejection {
  readonly ok: false;
  readonly code: RejectionCode;
  /** Shown to the person as is: says what happened and what they can do. */
  readonly message: string;
  /** Per-field messages, shown next to the inputs of a form. */
  readonly fieldErrors?: Readonly<Record<string, string>>;
}

export interface Accepted<E> {
  readonly ok: true;
  /** Empty when the command repeats what already happened (a double click): nothing changes. */
  readonly events: readonly E[];
}

export type Decision<E> = Accepted<E> | Rejection;

export function reject(code: RejectionCode, message: string, fieldErrors?: Record<string, string>): Rejection {
  return fieldErrors ? { ok: false, code, message, fieldErrors } : { ok: false, code, message };
}

export function accept<E>(...events: E[]): Accepted<E> {
  return { ok: true, events };
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
