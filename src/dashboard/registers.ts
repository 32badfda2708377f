import type { CaseService } from '../cases/case-service';
import type { Directory } from '../directory/directory';
import type { Actor } from '../domain/people';
import { prefixOf } from '../domain/references';
import type { WorkingTime } from '../domain/working-time';
import type { CaseStore } from '../store/case-store';
import type { Inbox } from '../store/inbox';
import { registerRow as ainmRegisterRow } from '../workflows/abuse-report/register';
import type { AbuseReport } from '../workflows/abuse-report/model';
import type { AccessRequest } from '../workflows/access-request/model';
import { activeAccess, registerRow as accessRegisterRow } from '../workflows/access-request/register';
import { openPosts } from '../workflows/customer-post/desk';
import type { PagedRow } from './paging';

/** The registers the dashboard lists (issue 14), by the name in `/api/dashboard/registers/:name`. */
export const REGISTER_NAMES = ['access', 'desk', 'ainm', 'myTeam'] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];

export interface Column {
  readonly key: string;
  readonly label: string;
}

export interface Register {
  readonly columns: readonly Column[];
  readonly defaultSort: string;
  /** Said (403) to someone the register is not for. */
  readonly refusal: string;
  allowed(actor: Actor): Promise<boolean>;
  /** Every row the person may see; only called once `allowed`. */
  rows(actor: Actor, now: Date): Promise<PagedRow[]>;
}

export interface RegisterDeps {
  /** Read for the access register: only active requests are queried, not every request. */
  readonly cases: CaseStore;
  readonly services: readonly CaseService<unknown, { readonly type: string }>[];
  readonly inbox: Inbox;
  readonly directory: Directory;
  readonly workingTime: WorkingTime;
}

/**
 * Who may see a register is the bot's own rule for the same list: the access register and AINM register exports'
 * `allowed`, the desk's team queue, and for "my team", being someone's line manager in the directory; each row of
 * "my team" is then checked with its workflow's `canSee`, as the bot checks a case before showing it.
 */
export function createRegisters(deps: RegisterDeps): Readonly<Record<RegisterName, Register>> {
  const service = (prefix: string) => deps.services.find((candidate) => candidate.definition.rules.prefix === prefix);
  const exportAllowed = (prefix: string, name: string) => async (actor: Actor) => {
    const owner = service(prefix);
    return Boolean(owner?.definition.exports?.(owner).find((file) => file.name === name)?.allowed(actor));
  };
  const stateLabel = (reference: string, state: string) => service(prefixOf(reference) ?? '')?.definition.rules.stateLabel(state).label ?? state;
  const reportsOf = async (actor: Actor) => (await deps.directory.everyone()).filter((person) => person.managerId === actor.id && person.id !== actor.id);

  return {
    access: {
      columns: cols(['reference', 'Reference'], ['person', 'Person'], ['sites', 'Sites'], ['access', 'Access'], ['from', 'From'], ['until', 'Until'], ['approvedBy', 'Approved by'], ['signedOffBy', 'Signed off by']),
      defaultSort: 'person',
      refusal: 'The access register is kept by the Communications Team.',
      allowed: exportAllowed('AR', 'accessRegister'),
      async rows() {
        // The bot's register (activeAccess), given only the active requests: the state is a column the query filters on.
        const active = { async *snapshots() { for await (const stored of deps.cases.snapshotsIn<AccessRequest>('AR', ['active'])) yield stored.snapshot; } };
        return (await activeAccess(active)).map((request) => ({ reference: request.reference, cells: accessRegisterRow(request), status: request.details.kind }));
      },
    },
    desk: {
      columns: cols(['reference', 'Reference'], ['summary', 'Post'], ['state', 'State'], ['dueAt', 'Due'], ['nextStep', 'Next step']),
      defaultSort: 'dueAt',
      refusal: 'The desk is the Communications Team\'s.',
      allowed: async (actor) => (await openPosts(deps.inbox, actor)) !== undefined,
      async rows(actor) {
        return ((await openPosts(deps.inbox, actor)) ?? []).map((entry) => ({
          reference: entry.reference, status: entry.state,
          cells: { reference: entry.reference, summary: entry.summary, state: stateLabel(entry.reference, entry.state), dueAt: entry.dueAt ?? '', nextStep: entry.nextStep },
        }));
      },
    },
    ainm: {
      columns: cols(['reference', 'Reference'], ['reportedAt', 'Reported'], ['category', 'Category'], ['fromWhom', 'From'], ['platform', 'Platform'], ['urgent', 'Urgent'],
        ['state', 'State'], ['outcome', 'Outcome'], ['manager', 'Line manager'], ['hoursToAcknowledge', 'Working hours to acknowledge']),
      defaultSort: 'reportedAt',
      refusal: 'The AINM register is the Incident team\'s.',
      allowed: exportAllowed('AINM', 'ainmRegister'),
      async rows(actor) {
        const owner = service('AINM') as CaseService<AbuseReport> | undefined;
        const rows: PagedRow[] = [];
        for await (const record of owner?.snapshots() ?? []) {
          if (!owner?.definition.workflow.canSee(record, actor)) continue;
          const row = ainmRegisterRow(record, deps.workingTime);
          const cells = Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value)]));
          rows.push({ reference: record.reference, cells, status: record.state });
        }
        return rows;
      },
    },
    myTeam: {
      columns: cols(['reference', 'Reference'], ['person', 'Team member'], ['part', 'Their part'], ['summary', 'Summary'], ['state', 'State'], ['updatedAt', 'Last change']),
      defaultSort: 'updatedAt',
      refusal: 'This list is for line managers: nobody in the directory reports to you.',
      allowed: async (actor) => (await reportsOf(actor)).length > 0,
      async rows(actor) {
        const rows: PagedRow[] = [];
        const seen = new Set<string>();
        for (const report of await reportsOf(actor)) {
          for (const entry of await deps.inbox.list(report.id)) {
            if (seen.has(`${report.id}|${entry.reference}`)) continue;
            seen.add(`${report.id}|${entry.reference}`);
            const owner = service(prefixOf(entry.reference) ?? '');
            const snapshot = owner ? await owner.load(entry.reference) : undefined;
            // The manager sees a report's case only where the bot would show it to them (an AINM record they manage, an escalated notice).
            if (!owner || snapshot === undefined || !owner.definition.workflow.canSee(snapshot, actor)) continue;
            rows.push({
              reference: entry.reference, status: entry.state,
              cells: { reference: entry.reference, person: report.name, part: entry.role.replace(/_/g, ' '), summary: entry.summary, state: stateLabel(entry.reference, entry.state), updatedAt: entry.updatedAt },
            });
          }
        }
        return rows;
      },
    },
  };
}

/** Whether `actor` is a manager (the "my team" register), the Communications Team and so on: the views the page offers. */
export async function registerViews(registers: Readonly<Record<RegisterName, Register>>, actor: Actor): Promise<string[]> {
  const views: string[] = [];
  for (const name of REGISTER_NAMES) if (await registers[name].allowed(actor)) views.push(`register:${name}`);
  return views;
}

export function isRegisterName(name: string): name is RegisterName {
  return (REGISTER_NAMES as readonly string[]).includes(name);
}

function cols(...pairs: [string, string][]): Column[] {
  return pairs.map(([key, label]) => ({ key, label }));
}
