import type { AnyWorkflowDefinition } from '../cases/definition';
import { Actor, TEAM_ROLES } from '../domain/people';
import { prefixOf } from '../domain/references';
import type { WorkingTime } from '../domain/working-time';
import { clocksOf } from './clocks';
import { registerCellsOf } from './register-cells';
import type { CaseSummary } from './statistics';

/** Nobody: a viewer with no part in any case, so `canSee` answers for a role alone. */
const NOBODY_ID = '\u0000dashboard-audience';

/** The team roles that see a case whatever its people: the workflow's own `canSee`, asked for each role alone. */
export function audienceOf(definition: AnyWorkflowDefinition, snapshot: unknown): string {
  const asRole = (role: Actor['roles'][number]): Actor => ({ id: NOBODY_ID, name: '', roles: [role] });
  return TEAM_ROLES.filter((role) => definition.workflow.canSee(snapshot, asRole(role))).sort().join(',');
}

/**
 * Summarises cases for the statistics table from their workflows' definitions: state and closed states from the
 * rules, who sees them from `canSee`, the deadline from the inbox lines the bot lists them with.
 */
export function createCaseSummariser(definitions: readonly AnyWorkflowDefinition[], workingTime: WorkingTime) {
  const byPrefix = new Map(definitions.map((definition) => [definition.rules.prefix, definition]));
  return {
    /** Undefined for a reference no workflow owns. */
    summarise(reference: string, snapshot: unknown, version: number, now: Date): CaseSummary | undefined {
      const prefix = prefixOf(reference);
      const definition = prefix ? byPrefix.get(prefix) : undefined;
      if (!prefix || !definition) return undefined;
      const state = definition.workflow.stateOf(snapshot);
      const open = !definition.rules.closedStates.includes(state);
      const entries = definition.presenter.inboxEntries(snapshot as never, now);
      const dues = open ? entries.flatMap((entry) => (entry.dueAt ? [entry.dueAt] : [])).sort() : [];
      const cells = registerCellsOf(prefix, snapshot, entries, workingTime);
      return {
        reference, prefix, version, state, open, audience: audienceOf(definition, snapshot),
        ...(dues[0] ? { dueAt: dues[0], dueDay: workingTime.londonDate(new Date(dues[0])) } : {}),
        clocks: clocksOf(prefix, snapshot, now, workingTime),
        ...(cells ? { cells } : {}),
      };
    },
    definition(prefix: string): AnyWorkflowDefinition | undefined {
      return byPrefix.get(prefix);
    },
  };
}

export type CaseSummariser = ReturnType<typeof createCaseSummariser>;
