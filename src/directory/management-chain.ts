import type { DirectoryPerson } from './directory';

/** Far more levels than any organisation chart has; also ends a loop in a mis-seeded directory. */
const MAX_LEVELS = 15;

/** The person's line manager, their manager, and so on up, from the directory. */
export function managementChain(people: ReadonlyMap<string, DirectoryPerson> | readonly DirectoryPerson[], personId: string): DirectoryPerson[] {
  const byId = people instanceof Map ? people : new Map((people as readonly DirectoryPerson[]).map((person) => [person.id, person]));
  const chain: DirectoryPerson[] = [];
  const seen = new Set([personId]);
  let managerId = byId.get(personId)?.managerId;
  while (managerId && !seen.has(managerId) && chain.length < MAX_LEVELS) {
    const manager = byId.get(managerId);
    if (!manager) break;
    chain.push(manager);
    seen.add(managerId);
    managerId = manager.managerId;
  }
  return chain;
}

/** Where someone stands to a person: their line manager, above them, or outside their management chain. */
export type ChainStanding = 'line_manager' | 'above_line_manager' | 'other';

export function standingIn(chain: readonly DirectoryPerson[], personId: string): ChainStanding {
  if (chain[0]?.id === personId) return 'line_manager';
  return chain.some((manager) => manager.id === personId) ? 'above_line_manager' : 'other';
}
