/**
 * What the dashboard's server and page say to each other about registers: the names in
 * `/api/dashboard/registers/:name` and the query string of a page. No imports: the page (web/dashboard, built for
 * the browser) imports these types from here, so the two cannot drift apart.
 */

/** The registers the dashboard lists (issue 14). */
export const REGISTER_NAMES = ['access', 'desk', 'ainm', 'myTeam'] as const;
export type RegisterName = (typeof REGISTER_NAMES)[number];

/**
 * A register page's query. No sort: each register is listed in one order (the newest case first; "my team" the latest
 * change first), read from the table a page at a time (src/dashboard/paging.ts says why).
 */
export interface RegisterQuery {
  readonly q: string;
  /** A state's code or label; for the access register, the kind of access (`view`, `post`). */
  readonly status: string;
  readonly pageSize: number;
  /** The token the previous page ended with. */
  readonly continuation?: string;
}
