import type { CaseService } from '../cases/case-service';
import type { Directory } from '../directory/directory';
import type { Actor } from '../domain/people';
import { prefixOf } from '../domain/references';
import type { Inbox } from '../store/inbox';
import type { StatisticsStore, SummaryFilter } from '../store/statistics';
import { worksTheDesk } from '../workflows/customer-post/desk';
import { bad, continuationAt, matches, PagedRow, PagePosition, positionOf, QueryProblem, RegisterPageResult, RegisterQuery, STALE_TOKEN } from './paging';
import { ordersOf, TEAM_ORDERS } from './register-orders';
import { REGISTER_NAMES, RegisterName, RegisterOrderChoice } from './register-query';
import { CaseSummary, seenByRole } from './statistics';

export { REGISTER_NAMES } from './register-query';
export type { RegisterName } from './register-query';

export interface Column {
  readonly key: string;
  readonly label: string;
}

export interface Register {
  readonly columns: readonly Column[];
  /** The orders its rows can be listed in (`sort=` names one), the first when none is asked for. */
  readonly orders: readonly RegisterOrderChoice[];
  /** Said (403) to someone the register is not for. */
  readonly refusal: string;
  allowed(actor: Actor): Promise<boolean>;
  /** One page of the rows the person may see; only called once `allowed`. */
  page(actor: Actor, query: RegisterQuery): Promise<RegisterPageResult | QueryProblem>;
}

export interface RegisterDeps {
  /** The case summaries the engine keeps as transitions commit: registers read these, never the cases. */
  readonly store: StatisticsStore;
  readonly services: readonly CaseService<unknown, { readonly type: string }>[];
  readonly inbox: Inbox;
  readonly directory: Directory;
}

/** Rows looked at, at most, for one page of a search: a search that finds little answers with a shorter page and a Next. */
const SCAN_LIMIT = 2000;
/** Table rows read at a time while searching (the table cannot search inside a row): a few round trips, not one a row. */
const SEARCH_PAGE = 200;

/**
 * Who may see a register is the bot's own rule for the same list: the access register and AINM register exports'
 * `allowed`, the desk's (the Communications Team's, as its lists in the bot), and for "my team", being someone's line manager in the directory. Each row is
 * then shown only if the person may see that case, as the bot checks a case before showing it: a team role of theirs
 * sees it whole (the summary's audience, from the workflow's `canSee`), or, in "my team", they have a part in it
 * (their own inbox, from the workflow's participants).
 */
export function createRegisters(deps: RegisterDeps): Readonly<Record<RegisterName, Register>> {
  const service = (prefix: string) => deps.services.find((candidate) => candidate.definition.rules.prefix === prefix);
  const exportAllowed = (prefix: string, name: string) => async (actor: Actor) => {
    const owner = service(prefix);
    return Boolean(owner?.definition.exports?.(owner).find((file) => file.name === name)?.allowed(actor));
  };
  const stateLabel = (reference: string, state: string) => service(prefixOf(reference) ?? '')?.definition.rules.stateLabel(state).label ?? state;
  const reportsOf = async (actor: Actor) => (await deps.directory.everyone()).filter((person) => person.managerId === actor.id && person.id !== actor.id);
  const fromSummaries = (name: RegisterName, prefix: string, filter: SummaryFilter, row: (summary: CaseSummary) => PagedRow) =>
    (actor: Actor, query: RegisterQuery) => summaryPage(deps.store, { name, prefix, filter, row, orders: ordersOf(prefix) }, actor, query);

  return {
    access: {
      columns: cols(['reference', 'Reference'], ['person', 'Person'], ['sites', 'Sites'], ['access', 'Access'], ['from', 'From'], ['until', 'Until'], ['approvedBy', 'Approved by'], ['signedOffBy', 'Signed off by']),
      orders: ordersOf('AR'),
      refusal: 'The access register is kept by the Communications Team.',
      allowed: exportAllowed('AR', 'accessRegister'),
      // Active access only: the state is a column the table filters on. The status filter is the kind of access.
      page: fromSummaries('access', 'AR', { states: ['active'] }, (summary) => ({ reference: summary.reference, cells: summary.cells ?? {}, status: summary.cells?.kind ?? '' })),
    },
    desk: {
      columns: cols(['reference', 'Reference'], ['summary', 'Post'], ['state', 'State'], ['dueAt', 'Due'], ['nextStep', 'Next step']),
      orders: ordersOf('CP'),
      refusal: 'The desk is the Communications Team\'s.',
      // The bot's own rule for its desk lists, without reading the team's queue on every page.
      allowed: (actor) => Promise.resolve(worksTheDesk(actor)),
      page: fromSummaries('desk', 'CP', { open: true }, (summary) => ({
        reference: summary.reference, status: summary.state,
        cells: { reference: summary.reference, summary: summary.cells?.summary ?? '', state: stateLabel(summary.reference, summary.state), dueAt: summary.cells?.dueAt ?? summary.dueAt ?? '', nextStep: summary.cells?.nextStep ?? '' },
      })),
    },
    ainm: {
      columns: cols(['reference', 'Reference'], ['reportedAt', 'Reported'], ['category', 'Category'], ['fromWhom', 'From'], ['platform', 'Platform'], ['urgent', 'Urgent'],
        ['state', 'State'], ['outcome', 'Outcome'], ['hoursToAcknowledge', 'Working hours to acknowledge']),
      orders: ordersOf('AINM'),
      refusal: 'The AINM register is the Incident team\'s.',
      allowed: exportAllowed('AINM', 'ainmRegister'),
      page: fromSummaries('ainm', 'AINM', {}, (summary) => ({ reference: summary.reference, cells: summary.cells ?? {}, status: summary.state })),
    },
    myTeam: {
      columns: cols(['reference', 'Reference'], ['person', 'Team member'], ['part', 'Their part'], ['summary', 'Summary'], ['state', 'State'], ['updatedAt', 'Last change']),
      // Read whole (a manager's reports' inbox lines) and sorted here: any order is as true on every page.
      orders: TEAM_ORDERS.map(({ id, label }) => ({ id, label })),
      refusal: 'This list is for line managers: nobody in the directory reports to you.',
      allowed: async (actor) => (await reportsOf(actor)).length > 0,
      async page(actor, query) {
        const start = positionOf('myTeam', query);
        if (!start || start.table) return bad(STALE_TOKEN);
        const order = query.sort ? TEAM_ORDERS.find((choice) => choice.id === query.sort) : TEAM_ORDERS[0];
        if (!order) return bad(unknownOrder(TEAM_ORDERS));
        // The reports' inbox lines (the bot's "my cases", one partition a person), in the order asked for.
        const lines = (await Promise.all((await reportsOf(actor)).map(async (report) => (await deps.inbox.list(report.id)).map((entry) => ({ report, entry }))))).flat();
        const seen = new Set<string>();
        const candidates = lines.flatMap(({ report, entry }): PagedRow[] => {
          if (seen.has(`${report.id}|${entry.reference}`)) return [];
          seen.add(`${report.id}|${entry.reference}`);
          return [{
            reference: entry.reference, status: entry.state,
            cells: { reference: entry.reference, person: report.name, part: entry.role.replace(/_/g, ' '), summary: entry.summary, state: stateLabel(entry.reference, entry.state), updatedAt: entry.updatedAt },
          }];
        }).filter((row) => matches(row, query)).sort(order.compare);
        // The manager sees a report's case only where the bot would show it to them: a case they have a part in (an AINM
        // record they manage, an approval, an escalated notice: in their own inbox, by the workflows' participants), or
        // one a team role of theirs sees whole (its summary's audience, read a page's worth at a time).
        const theirs = new Set((await deps.inbox.list(actor.id)).map((entry) => entry.reference));
        const rows: PagedRow[] = [];
        let next = start.skip;
        while (rows.length < query.pageSize && next < candidates.length) {
          const batch = candidates.slice(next, next + query.pageSize - rows.length);
          const summaries = actor.roles.length ? await deps.store.summaries(batch.filter((row) => !theirs.has(row.reference)).map((row) => row.reference)) : new Map<string, CaseSummary>();
          for (const row of batch) {
            next++;
            const summary = summaries.get(row.reference);
            if (theirs.has(row.reference) || (summary && seenByRole(summary, actor))) rows.push(row);
          }
        }
        return { ok: true, rows, ...(next < candidates.length ? { continuation: continuationAt('myTeam', query, { skip: next }) } : {}) };
      },
    },
  };
}

interface SummaryRegister {
  readonly name: RegisterName;
  readonly orders: readonly RegisterOrderChoice[];
  readonly prefix: string;
  readonly filter: SummaryFilter;
  readonly row: (summary: CaseSummary) => PagedRow;
}

/**
 * One page of a register read from its kind's summaries in the order asked for (the table keeps each: the summaries'
 * own rows newest first, or an index of copies, src/dashboard/register-orders.ts), with Azure Tables'
 * own paging: without a search, a page is one table page of `pageSize` rows; a search reads table pages of
 * {@link SEARCH_PAGE} until the page is full (at most {@link SCAN_LIMIT} rows). A page that ends inside a table page
 * says so in its token (the table page's token and how many of its rows were looked at).
 */
async function summaryPage(store: StatisticsStore, register: SummaryRegister, actor: Actor, query: RegisterQuery): Promise<RegisterPageResult | QueryProblem> {
  const start = positionOf(register.name, query);
  if (!start) return bad(STALE_TOKEN);
  const order = query.sort || register.orders[0]!.id;
  if (!register.orders.some((choice) => choice.id === order)) return bad(unknownOrder(register.orders));
  const size = query.q || query.status ? Math.max(SEARCH_PAGE, query.pageSize) : query.pageSize;
  const rows: PagedRow[] = [];
  const page = (position: PagePosition | undefined): RegisterPageResult => ({ ok: true, rows, ...(position ? { continuation: continuationAt(register.name, query, position) } : {}) });
  let table = start.table;
  let skip = start.skip;
  let scanned = 0;
  for (;;) {
    const read = await store.summaryPage(register.prefix, register.filter, { size, order, ...(table ? { continuation: table } : {}) });
    if (!read) return bad(STALE_TOKEN);
    const { summaries } = read;
    for (let index = skip; index < summaries.length; index++) {
      const summary = summaries[index]!;
      // Every row, whatever the token said: a token only says where a page starts.
      if (!seenByRole(summary, actor)) continue;
      const row = register.row(summary);
      if (!matches(row, query)) continue;
      rows.push(row);
      if (rows.length < query.pageSize) continue;
      if (index + 1 < summaries.length) return page({ ...(table ? { table } : {}), skip: index + 1 });
      return page(read.continuation ? { table: read.continuation, skip: 0 } : undefined);
    }
    scanned += Math.max(0, summaries.length - skip);
    skip = 0;
    if (!read.continuation) return page(undefined);
    table = read.continuation;
    if (scanned >= SCAN_LIMIT) return page({ table, skip: 0 });
  }
}

/** Every row of a register for `query` (the CSV download): its pages, a thousand rows at a time, followed to the end. */
export async function allRows(register: Register, actor: Actor, query: RegisterQuery): Promise<PagedRow[] | QueryProblem> {
  const rows: PagedRow[] = [];
  let continuation: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await register.page(actor, { q: query.q, status: query.status, sort: query.sort, pageSize: 1000, ...(continuation ? { continuation } : {}) });
    if (!page.ok) return page;
    rows.push(...page.rows);
    continuation = page.continuation;
    if (!continuation) break;
  }
  return rows;
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

/** The chosen order's label, said above the table: the first order's when none was asked for. */
export function orderLabel(register: Pick<Register, 'orders'>, query: Pick<RegisterQuery, 'sort'>): string {
  return (register.orders.find((order) => order.id === query.sort) ?? register.orders[0])?.label ?? '';
}

/** Names the register's orders (a sort it does not offer, a forged one). */
function unknownOrder(orders: readonly RegisterOrderChoice[]): string {
  return `This register can be listed: ${orders.map((order) => `${order.label.toLowerCase()} (sort=${order.id})`).join(', ')}.`;
}

function cols(...pairs: [string, string][]): Column[] {
  return pairs.map(([key, label]) => ({ key, label }));
}
