import { addDays, isCalendarDate } from '../domain/calendar-date';
import { reject, Rejection } from '../domain/outcome';
import type { Person } from '../domain/people';

/**
 * Out of office (DESIGN.md, "People and roles": a delegate, "chosen by a manager, until a date, acts for that
 * manager while they are away"). While it lasts, new requests, acknowledgements and escalations meant for the
 * manager go to the delegate; the manager is told and the audit trail names both.
 */
export interface Delegation {
  readonly managerId: string;
  readonly delegate: Person;
  /** The last day away (London date, inclusive). */
  readonly until: string;
  readonly setAt: string;
}

/** Where delegations are kept (src/store/delegations.ts). */
export interface Delegations {
  of(managerId: string): Promise<Delegation | undefined>;
  set(delegation: Delegation): Promise<void>;
  end(managerId: string): Promise<void>;
}

/** About three months: a longer absence is a change of line manager in the directory, not a delegation. */
export const DELEGATION_MAX_DAYS = 92;

/** The delegation as it stands today: none once its last day has passed. */
export function activeDelegation(delegation: Delegation | undefined, today: string): Delegation | undefined {
  return delegation && delegation.until >= today ? delegation : undefined;
}

/** Who a step meant for `person` goes to: their delegate while they are away, or they themselves. */
export interface Route {
  readonly to: Person;
  /** The person away, when a delegate acts for them. */
  readonly actingFor?: Person;
  readonly until?: string;
}

/**
 * Routes a step meant for `person` to their delegate while they are away. One hop only (a delegate who is away
 * too still gets it: a chain of delegates would hide who decides), and never to `never` (the requester or
 * reporter: no one decides about their own request, nor is alerted about their own report).
 */
export async function routeTo(delegations: Delegations, person: Person, today: string, never?: string): Promise<Route> {
  const delegation = activeDelegation(await delegations.of(person.id), today);
  if (!delegation || delegation.delegate.id === never || delegation.delegate.id === person.id) return { to: person };
  return { to: delegation.delegate, actingFor: { id: person.id, name: person.name }, until: delegation.until };
}

/** The out-of-office form, checked: a delegate who is someone else, and a last day from today to three months on. */
export function validateDelegation(
  manager: Person, delegate: Person | undefined, until: unknown, today: string, now: Date,
): Delegation | Rejection {
  const errors: Record<string, string> = {};
  if (!delegate) errors.delegate = 'Choose someone from the staff directory.';
  else if (delegate.id === manager.id) errors.delegate = 'Choose someone other than yourself.';
  const last = typeof until === 'string' ? until.trim() : '';
  const latest = addDays(today, DELEGATION_MAX_DAYS);
  if (!isCalendarDate(last)) errors.until = 'Give your last day away as a date.';
  else if (last < today) errors.until = 'Your last day away can\'t be in the past.';
  else if (last > latest) errors.until = `At most ${DELEGATION_MAX_DAYS} days ahead (until ${latest}); for longer, ask for your reports' line manager to be changed.`;
  if (Object.keys(errors).length > 0 || !delegate) return reject('invalid', 'Please check the highlighted fields: nothing has been changed.', errors);
  return { managerId: manager.id, delegate: { id: delegate.id, name: delegate.name }, until: last, setAt: now.toISOString() };
}
