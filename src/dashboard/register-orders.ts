import type { RegisterOrderChoice } from './register-query';
import type { CaseSummary } from './statistics';

/**
 * The orders a register can be listed in (issue 14: "sort"), as pure functions. A register reads its rows a page at a
 * time from the statistics table, in the table's own order (ascending row keys), so an order is only honest across
 * pages if the table holds the rows in it: the first order of a kind is its summaries' own row keys (newest first);
 * every other order of the kind is an index, a copy of each summary under a row key that sorts in that order
 * (`!<order>|<value>|<summary key>`), written in the same transaction as the summary (src/store/statistics.ts). A
 * copy, not a pointer: a page is still one range query.
 */
interface IndexedOrder extends RegisterOrderChoice {
  /** The part of the index row key that sorts; the summary key follows it (ties newest first). */
  valueOf(summary: CaseSummary): string;
}

/** The last character a value may sort by: rows with no value for an order (no deadline) come after the rest. */
const LAST = '~';

/** ISO moments and dates sort as text; anything else (never expected) sorts last rather than into a row key. */
function sortable(value: string | undefined): string {
  return value && /^[0-9A-Za-z:.\-]{1,40}$/.test(value) ? value : LAST;
}

/** A reference's year and number, oldest first: `AINM-2026-00042` -> `2026-000000042`. */
export function oldestFirstValue(reference: string): string {
  const match = /^[A-Z]{2,5}-(\d{4})-(\d{5,9})$/.exec(reference);
  return match ? `${match[1]}-${match[2]!.padStart(9, '0')}` : LAST;
}

const OLDEST: IndexedOrder = { id: 'oldest', label: 'Oldest first', valueOf: (summary) => oldestFirstValue(summary.reference) };

interface KindOrders {
  readonly first: RegisterOrderChoice;
  readonly indexes: readonly IndexedOrder[];
  /** The summaries its register lists (the register's own filter, src/dashboard/registers.ts): only these are copied. */
  listed(summary: CaseSummary): boolean;
}

/**
 * Each listed kind's orders: the first is its summaries' own order (newest first); the rest are indexes. Kept small:
 * every index is one more row written with every step of every listed case of the kind.
 */
const ORDERS: Readonly<Record<string, KindOrders>> = {
  AR: {
    first: { id: 'newest', label: 'Newest request first' },
    indexes: [OLDEST, { id: 'ending', label: 'Access ending soonest first', valueOf: (summary) => sortable(summary.cells?.until) }],
    listed: (summary) => summary.state === 'active',
  },
  CP: {
    first: { id: 'newest', label: 'Newest post first' },
    indexes: [OLDEST, { id: 'due', label: 'Due soonest first', valueOf: (summary) => sortable(summary.cells?.dueAt || summary.dueAt) }],
    listed: (summary) => summary.open,
  },
  AINM: {
    first: { id: 'newest', label: 'Newest report first' },
    // What the Incident team acts on: open reports first, those with someone in danger (urgent) on top; then the closed.
    indexes: [OLDEST, { id: 'open', label: 'Open first, urgent on top', valueOf: (summary) => `${summary.open ? 0 : 1}${summary.cells?.urgent === 'Yes' ? 0 : 1}` }],
    listed: () => true,
  },
};

/** The orders a kind's register offers, its own (newest first) first; none for a kind no register lists. */
export function ordersOf(prefix: string): RegisterOrderChoice[] {
  const orders = ORDERS[prefix];
  return orders ? [orders.first, ...orders.indexes.map(({ id, label }) => ({ id, label }))] : [];
}

/** How a page of a kind in `id` order is read: its summaries' own rows, one of its indexes, or not at all (no such order). */
export function orderSource(prefix: string, id: string | undefined): 'summaries' | 'index' | undefined {
  const orders = ORDERS[prefix];
  if (id === undefined || id === (orders?.first.id ?? 'newest')) return 'summaries';
  return orders?.indexes.some((order) => order.id === id) ? 'index' : undefined;
}

/**
 * Where a summary's copy in each of its kind's indexes goes: order id -> row key (the summary's own key last). None
 * for a summary its register does not list (closed, not yet active): nothing to keep in order for a page.
 */
export function indexKeysOf(summary: CaseSummary, summaryKey: string): Map<string, string> {
  const orders = ORDERS[summary.prefix];
  if (!orders?.listed(summary)) return new Map();
  return new Map(orders.indexes.map((order) => [order.id, `${indexPrefix(order.id)}${order.valueOf(summary)}|${summaryKey}`]));
}

/**
 * The row keys of one index start with this. `!` sorts before the digits a summary's own key starts with (and before
 * `~`, which a key that is not a reference starts with), so a kind's summaries are the row keys from `0` up.
 */
export function indexPrefix(orderId: string): string {
  return `!${orderId}|`;
}

/** The first row key of a kind's summaries (above every index row). */
export const FIRST_SUMMARY_KEY = '0';

/** A line of "my team": the manager's reports' inbox lines, read whole, so any order of them is true on every page. */
interface TeamLine {
  readonly reference: string;
  readonly cells: Readonly<Record<string, string>>;
}

const byNewestReference = (a: TeamLine, b: TeamLine) => b.reference.localeCompare(a.reference, 'en', { numeric: true });
const byPerson = (a: TeamLine, b: TeamLine) => (a.cells.person ?? '').localeCompare(b.cells.person ?? '');
const byLatestChange = (a: TeamLine, b: TeamLine) => (b.cells.updatedAt ?? '').localeCompare(a.cells.updatedAt ?? '');

/** "My team"'s orders, the first its usual; each total (ties broken by reference, then person) so a page boundary never moves a line. */
export const TEAM_ORDERS: readonly (RegisterOrderChoice & { compare(a: TeamLine, b: TeamLine): number })[] = [
  { id: 'latest', label: 'Latest change first', compare: (a, b) => byLatestChange(a, b) || byNewestReference(a, b) || byPerson(a, b) },
  { id: 'earliest', label: 'Longest unchanged first', compare: (a, b) => byLatestChange(b, a) || byNewestReference(b, a) || byPerson(a, b) },
  { id: 'person', label: 'By team member', compare: (a, b) => byPerson(a, b) || byLatestChange(a, b) || byNewestReference(a, b) },
];
