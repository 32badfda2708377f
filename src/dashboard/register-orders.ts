import type { CaseSummary } from './statistics';

/**
 * The orders a register can be listed in (issue 14: "sort"), as pure functions. A register reads its rows a page at a
 * time from the statistics table, in the table's own order (ascending row keys), so an order is only honest across
 * pages if the table holds the rows in it: the first order of a kind is its summaries' own row keys (newest first);
 * every other order of the kind is an index, a copy of each summary under a row key that sorts in that order
 * (`!<order>|<value>|<summary key>`), written in the same transaction as the summary (src/store/statistics.ts). A
 * copy, not a pointer: a page is still one range query.
 */
export interface RegisterOrder {
  readonly id: string;
  /** Said above the table and offered in the page's "Order" list. */
  readonly label: string;
}

interface IndexedOrder extends RegisterOrder {
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

/**
 * Each listed kind's orders: the first is its summaries' own order (newest first); the rest are indexes. Kept small:
 * every index is one more row written with every step of every case of the kind.
 */
const ORDERS: Readonly<Record<string, { readonly first: RegisterOrder; readonly indexes: readonly IndexedOrder[] }>> = {
  AR: {
    first: { id: 'newest', label: 'Newest request first' },
    indexes: [OLDEST, { id: 'ending', label: 'Access ending soonest first', valueOf: (summary) => sortable(summary.cells?.until) }],
  },
  CP: {
    first: { id: 'newest', label: 'Newest post first' },
    indexes: [OLDEST, { id: 'due', label: 'Due soonest first', valueOf: (summary) => sortable(summary.cells?.dueAt || summary.dueAt) }],
  },
  AINM: {
    first: { id: 'newest', label: 'Newest report first' },
    // Urgent reports (someone in danger) first, then open ones, each newest first: what the Incident team acts on.
    indexes: [OLDEST, { id: 'urgent', label: 'Urgent and open first', valueOf: (summary) => `${summary.cells?.urgent === 'Yes' ? 0 : 1}${summary.open ? 0 : 1}` }],
  },
};

/** The orders a kind's register offers, its own (newest first) first; none for a kind no register lists. */
export function ordersOf(prefix: string): RegisterOrder[] {
  const orders = ORDERS[prefix];
  return orders ? [orders.first, ...orders.indexes.map(({ id, label }) => ({ id, label }))] : [];
}

/** The index an order of a kind is read from; undefined for the kind's own order (its summaries' row keys). */
export function isIndexedOrder(prefix: string, id: string): boolean {
  return Boolean(ORDERS[prefix]?.indexes.some((order) => order.id === id));
}

/** Where a summary's copy in each of its kind's indexes goes: order id -> row key (the summary's own key last). */
export function indexKeysOf(summary: CaseSummary, summaryKey: string): Map<string, string> {
  return new Map((ORDERS[summary.prefix]?.indexes ?? []).map((order) => [order.id, `${indexPrefix(order.id)}${order.valueOf(summary)}|${summaryKey}`]));
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
