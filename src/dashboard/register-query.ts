/**
 * What the dashboard's server and page say to each other about registers: the names in
 * `/api/dashboard/registers/:name` and the query string of a page. No imports: the page (web/dashboard, built for
 * the browser) imports these types from here, so the two cannot drift apart.
 */

/** The registers the dashboard lists (issue 14). */
export const REGISTER_NAMES = ['access', 'desk', 'ainm', 'myTeam'] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];

/** One of the orders a register can be listed in: `id` is what `sort=` names. */
export interface RegisterOrderChoice {
  readonly id: string;
  readonly label: string;
}

/**
 * A register page's query. A register is listed in one of its own orders (`sort`; empty: its first, the newest case
 * first), each one the table keeps, so a page is in that order across every page (src/dashboard/register-orders.ts).
 */
export interface RegisterQuery {
  readonly q: string;
  /** One of the register's order ids; empty for its first. */
  readonly sort: string;
  /** A state's code or label; for the access register, the kind of access (`view`, `post`). */
  readonly status: string;
  readonly pageSize: number;
  /** The token the previous page ended with. */
  readonly continuation?: string;
}
