import { caseListCard, CaseListEntry, StateLabel } from '../cards/case-list';
import type { CardRenderer } from '../cards/render';
import type { Notifier } from '../cases/delivery';
import type { Actor } from '../domain/people';
import type { Logger } from '../logger';
import type { Directory } from './directory';
import type { LeaverCases } from './directory-sync';

export interface LeaverNoticeDeps {
  readonly directory: Directory;
  readonly notifier: Notifier;
  readonly renderer: CardRenderer;
  readonly stateLabel: StateLabel;
  /** Whether this person may see the case at all (an AINM record is for the Incident team and admins only). */
  readonly canSee: (reference: string, viewer: Actor) => Promise<boolean>;
  readonly logger: Logger;
}

/**
 * Issue 15: a leaver's open cases are shown to the Communications Team and the administrators, as one list card
 * in each one's chat (each line opens the case, "Back to the list" not offered: it is a one-off). Each sees only
 * the cases they may open anyway: a Comms member never learns of an AINM record through it.
 */
export function createLeaverNotice(deps: LeaverNoticeDeps) {
  return async (leavers: readonly LeaverCases[]): Promise<void> => {
    const recipients = new Map([...await deps.directory.membersOf('comms'), ...await deps.directory.membersOf('admin')].map((person) => [person.id, person]));
    for (const recipient of recipients.values()) {
      const viewer: Actor = { id: recipient.id, name: recipient.name, roles: recipient.roles };
      const entries: CaseListEntry[] = [];
      for (const leaver of leavers) entries.push(...await linesFor(deps, leaver, viewer));
      if (entries.length === 0) continue;
      const card = caseListCard(deps.renderer, 'People who left: their open cases', entries, deps.stateLabel, '', 'case.show');
      const delivery = await deps.notifier.sendCard(recipient.id, card);
      if (delivery.status !== 'sent') deps.logger.warn({ job: 'directory-sync', recipientId: recipient.id, status: delivery.status }, 'leavers\' cases not delivered');
    }
  };
}

async function linesFor(deps: LeaverNoticeDeps, leaver: LeaverCases, viewer: Actor): Promise<CaseListEntry[]> {
  const lines: CaseListEntry[] = [];
  for (const entry of leaver.openCases) {
    if (!await deps.canSee(entry.reference, viewer)) continue;
    const moved = leaver.moved.find((move) => move.reference === entry.reference);
    const stuck = leaver.stuck.includes(entry.reference);
    lines.push({
      ...entry,
      summary: `${leaver.person.name} (left): ${entry.summary}`,
      nextStep: moved ? `Now waits for ${moved.to.name}, ${leaver.person.name}'s manager` : stuck ? `Waited for ${leaver.person.name}; nobody in the directory could take it over` : entry.nextStep,
      mark: `Their part: ${entry.role.replace(/_/g, ' ')}`,
    });
  }
  return lines;
}
