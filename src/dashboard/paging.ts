import { createHash } from 'node:crypto';

/**
 * Searching, filtering, sorting and paging a register's rows. A page ends with a continuation token: where the
 * next page starts (the last row's sort value and reference) and a fingerprint of the query it belongs to. It is
 * opaque to the page and checked here: anything that does not decode to exactly that, or belongs to another
 * query, is refused (400). A token names no case content, only a sort value of a row the person could see.
 */

export interface RegisterQuery {
  readonly q: string;
  readonly status: string;
  readonly sort: string;
  readonly dir: 'asc' | 'desc';
  readonly pageSize: number;
  readonly continuation?: string;
}

export interface PagedRow {
  readonly reference: string;
  readonly cells: Readonly<Record<string, string>>;
  /** The row's state code, matched by the `status` filter beside its label. */
  readonly status: string;
}

export type QueryProblem = { readonly ok: false; readonly message: string };

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
const MAX_SEARCH = 100;
const MAX_TOKEN = 600;

/** Reads the query string; a problem is said in words the page can show. */
export function parseRegisterQuery(params: URLSearchParams, columns: readonly string[], defaultSort: string): { ok: true; query: RegisterQuery } | QueryProblem {
  const one = (name: string) => params.getAll(name);
  for (const name of ['q', 'status', 'sort', 'dir', 'pageSize', 'continuation']) if (one(name).length > 1) return bad(`Give ${name} once.`);
  const q = (params.get('q') ?? '').trim();
  const status = (params.get('status') ?? '').trim();
  if (q.length > MAX_SEARCH) return bad(`Search for at most ${MAX_SEARCH} characters.`);
  if (status.length > 60) return bad('That status is not one of this register\'s.');
  const sort = params.get('sort') || defaultSort;
  if (!columns.includes(sort)) return bad(`Sort by one of: ${columns.join(', ')}.`);
  const dir = params.get('dir') || 'asc';
  if (dir !== 'asc' && dir !== 'desc') return bad('dir is asc or desc.');
  const size = params.get('pageSize');
  const pageSize = size === null || size === '' ? DEFAULT_PAGE_SIZE : Number(size);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE || !/^\d+$/.test(size ?? '25')) return bad(`pageSize is a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  const continuation = params.get('continuation') || undefined;
  return { ok: true, query: { q, status, sort, dir, pageSize, ...(continuation ? { continuation } : {}) } };
}

/** One page of `rows` for `query` on register `name`; a forged or foreign continuation token is a problem. */
export function pageOf(name: string, rows: readonly PagedRow[], query: RegisterQuery): { ok: true; rows: PagedRow[]; continuation?: string } | QueryProblem {
  const fingerprint = fingerprintOf(name, query);
  let after: readonly [string, string] | undefined;
  if (query.continuation) {
    after = readToken(query.continuation, fingerprint);
    if (!after) return bad('That page link is not valid any more. Start again from the first page.');
  }
  const needle = query.q.toLowerCase();
  const wanted = rows.filter((row) => (!needle || Object.values(row.cells).some((cell) => cell.toLowerCase().includes(needle)) || row.reference.toLowerCase().includes(needle))
    && (!query.status || row.status.toLowerCase() === query.status.toLowerCase() || (row.cells.state ?? '').toLowerCase() === query.status.toLowerCase()));
  const sign = query.dir === 'asc' ? 1 : -1;
  const keyOf = (row: PagedRow): readonly [string, string] => [row.cells[query.sort] ?? '', row.reference];
  const compare = (a: readonly [string, string], b: readonly [string, string]) =>
    sign * (a[0].localeCompare(b[0], 'en', { numeric: true, sensitivity: 'base' }) || a[1].localeCompare(b[1], 'en', { numeric: true }));
  const sorted = [...wanted].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const start = after ? sorted.findIndex((row) => compare(keyOf(row), after!) > 0) : 0;
  const page = start < 0 ? [] : sorted.slice(start, start + query.pageSize);
  const more = start >= 0 && start + query.pageSize < sorted.length;
  const last = page[page.length - 1];
  return { ok: true, rows: page, ...(more && last ? { continuation: writeToken(keyOf(last), fingerprint) } : {}) };
}

/** Every row for `query`, sorted, no paging: the CSV download. */
export function allOf(name: string, rows: readonly PagedRow[], query: RegisterQuery): PagedRow[] | QueryProblem {
  const page = pageOf(name, rows, { ...query, pageSize: Number.MAX_SAFE_INTEGER });
  return page.ok ? page.rows : page;
}

function fingerprintOf(name: string, query: RegisterQuery): string {
  return createHash('sha256').update(JSON.stringify([name, query.q, query.status, query.sort, query.dir])).digest('base64url').slice(0, 16);
}

function writeToken(after: readonly [string, string], fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, a: after, f: fingerprint })).toString('base64url');
}

function readToken(token: string, fingerprint: string): readonly [string, string] | undefined {
  if (token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { v, a, f, ...rest } = parsed as Record<string, unknown>;
    if (v !== 1 || f !== fingerprint || Object.keys(rest).length > 0) return undefined;
    if (!Array.isArray(a) || a.length !== 2 || !a.every((part) => typeof part === 'string' && part.length <= 200)) return undefined;
    return [a[0] as string, a[1] as string];
  } catch {
    return undefined;
  }
}

function bad(message: string): QueryProblem {
  return { ok: false, message };
}
