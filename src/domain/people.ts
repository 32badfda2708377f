/**
 * Roles held through membership of a configured team or list (DESIGN.md, "People and roles"). `safeguarding`:
 * the safeguarding lead, told of urgent and safeguarding reports; `itSecurity`: told of social-engineering attempts.
 */
export const TEAM_ROLES = ['comms', 'incident', 'admin', 'safeguarding', 'itSecurity'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** A person as the workflows record them: the Entra ID (AAD) object id and a display name, nothing more. */
export interface Person {
  readonly id: string;
  readonly name: string;
}

/** The person acting in a turn, with the team roles the directory gives them. Never taken from card data. */
export interface Actor extends Person {
  readonly roles: readonly TeamRole[];
}

/** The scheduler and timers act as the system. */
export const SYSTEM: Actor = { id: 'system', name: 'Social Media Desk', roles: [] };

/**
 * The directory sync from Entra ID, when it moves a waiting approval to someone else (a new line manager, or the
 * manager of an approver who left): the audit trail names it, not a person.
 */
export const DIRECTORY_SYNC: Actor = { id: 'system:directory-sync', name: 'Directory sync', roles: [] };

export function hasRole(actor: Actor, role: TeamRole): boolean {
  return actor.roles.includes(role);
}

export function samePerson(a: Person | undefined, b: Person | undefined): boolean {
  return a !== undefined && b !== undefined && a.id === b.id;
}
