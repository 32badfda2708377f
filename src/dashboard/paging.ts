import { createHash } from 'node:crypto';
import type { RegisterQuery } from './register-query';

export type { RegisterQuery } from './register-query';

/**
 * A register's query (search, status, order, page size) and its pages. A register is listed in one of a few orders
 * it offers, each one the table keeps rows in (src/dashboard/register-orders.ts): a page is read from the table a page
 * at a time, so sorting by any column on request could only sort the page, and would say more than it knows. A page ends with a continuation
 * token: where the next page starts (Azure Tables' own token and the rows of that table page already shown) and a
 * fingerprint of the query it belongs to. It is opaque to the page and checked here and by the store: anything that
 * does not decode to exactly that, or belongs to another query, is refused (400). A token only says where a page
 * starts: every row of every page is checked against the person asking.
 */

export interface PagedRow {
  readonly reference: string;
  readonly cells: Readonly<Record<string, string>>;
  /** The row's state code, matched by the `status` filter beside its label. */
  readonly status: string;
}

/** Where a page starts: a table page (Azure Tables' continuation token; none: the first) and how many of its rows were shown. */
export interface PagePosition {
  readonly table?: string;
  readonly skip: number;
}

export type QueryProblem = { readonly ok: false; readonly message: string };
export type RegisterPageResult = { readonly ok: true; readonly rows: PagedRow[]; readonly continuation?: string };

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
const MAX_SEARCH = 100;
const MAX_TOKEN = 900;
const MAX_SKIP = 100_000;
export const STALE_TOKEN = 'That page link is not valid any more. Start again from the first page.';

/** Reads the query string; a problem is said in words the page can show. */
export function parseRegisterQuery(params: URLSearchParams): { ok: true; query: RegisterQuery } | QueryProblem {
  for (const name of ['q', 'status', 'sort', 'pageSize', 'continuation']) if (params.getAll(name).length > 1) return bad(`Give ${name} once.`);
  if (params.has('dir')) return bad('Choose an order by its name, with sort= (for example sort=oldest): each register says the orders it offers.');
  const q = (params.get('q') ?? '').trim();
  const sort = (params.get('sort') ?? '').trim();
  if (sort.length > 40 || !/^[a-zA-Z]*$/.test(sort)) return bad('That is not one of this register\'s orders.');
  const status = (params.get('status') ?? '').trim();
  if (q.length > MAX_SEARCH) return bad(`Search for at most ${MAX_SEARCH} characters.`);
  if (status.length > 60) return bad('That status is not one of this register\'s.');
  const size = params.get('pageSize');
  const pageSize = size === null || size === '' ? DEFAULT_PAGE_SIZE : Number(size);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE || !/^\d+$/.test(size ?? '25')) return bad(`pageSize is a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  const continuation = params.get('continuation') || undefined;
  return { ok: true, query: { q, status, sort, pageSize, ...(continuation ? { continuation } : {}) } };
}

/** Whether a row is one the query's search and status ask for (what the table cannot filter by itself). */
export function matches(row: PagedRow, query: Pick<RegisterQuery, 'q' | 'status'>): boolean {
  const needle = query.q.toLowerCase();
  const wanted = query.status.toLowerCase();
  return (!needle || row.reference.toLowerCase().includes(needle) || Object.values(row.cells).some((cell) => cell.toLowerCase().includes(needle)))
    && (!wanted || row.status.toLowerCase() === wanted || (row.cells.state ?? '').toLowerCase() === wanted);
}

/** Where the page of `query` starts: the first page, or its token's position; undefined for a forged or foreign token. */
export function positionOf(name: string, query: RegisterQuery): PagePosition | undefined {
  if (!query.continuation) return { skip: 0 };
  return readToken(query.continuation, fingerprintOf(name, query));
}

export function continuationAt(name: string, query: RegisterQuery, position: PagePosition): string {
  return Buffer.from(JSON.stringify({ v: 2, f: fingerprintOf(name, query), s: position.skip, ...(position.table ? { t: position.table } : {}) })).toString('base64url');
}

function fingerprintOf(name: string, query: RegisterQuery): string {
  return createHash('sha256').update(JSON.stringify([name, query.q, query.status, query.sort, query.pageSize])).digest('base64url').slice(0, 16);
}

function readToken(token: string, fingerprint: string): PagePosition | undefined {
  if (token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, f, s, t, ...rest } = parsed as Record<string, unknown>;
    if (v !== 2 || f !== fingerprint || Object.keys(rest).length > 0) return undefined;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_SKIP) return undefined;
    if (t !== undefined && (typeof t !== 'string' || t.length === 0 || t.length > 600)) return undefined;
    return { skip: s, ...(typeof t === 'string' ? { table: t } : {}) };
  } catch {
    return undefined;
  }
}

export function bad(message: string): QueryProblem {
  return { ok: false, message };
}
