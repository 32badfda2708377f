import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A user as Graph holds it; `managerId` becomes `manager: { id }` when the request expands it. */
export interface StandInUser {
  readonly id?: unknown;
  readonly displayName?: unknown;
  readonly department?: unknown;
  readonly accountEnabled?: unknown;
  readonly mail?: string;
  readonly managerId?: string;
}

export const GRAPH_TOKEN = 'stand-in-token';

/**
 * A local stand-in for Microsoft Graph over real HTTP on loopback: `/users` (with `$select`, `$expand=manager`,
 * `$filter=department eq '...'`) and `/groups/{id}/transitiveMembers/microsoft.graph.user`, `pageSize` items a page
 * with `@odata.nextLink`; `/users/{id}`; `POST /users/{id}/teamwork/installedApps` (installing the bot's app). It refuses any other bearer token than {@link GRAPH_TOKEN}, can answer
 * one request with 429 and Retry-After, and can fail a page. It records every request path.
 */
export class GraphStandIn {
  users: StandInUser[] = [];
  groups = new Map<string, string[]>();
  pageSize = 2;
  /** The next request whose path starts with this is answered 429 with `Retry-After: 1` (once). */
  throttleNext?: string;
  /** Requests with `$skiptoken=<n>` get this answer instead, every time: a page that cannot be read. */
  brokenPage?: { readonly skip: number; readonly status: number; readonly body: string };
  /** The first page's nextLink points to this origin instead of the stand-in's own (a token must never go there). */
  nextLinkOrigin?: string;
  /** Teams apps installed in each user's personal scope (`POST /users/{id}/teamwork/installedApps`), by user id. */
  readonly installedApps = new Map<string, Set<string>>();
  /** An install request's answer: `allow` (201 Created, or 409 Conflict when already installed), or 403 (no permission granted). */
  appInstall: 'allow' | 'forbidden' = 'allow';
  /** Told of each install made: a test lets the Bot Connector stand-in open a chat with that person from then on. */
  onInstall?: (userId: string, teamsAppId: string) => void;
  readonly requests: { readonly method: string; readonly path: string; readonly status: number; readonly at: number; readonly body?: unknown }[] = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1.0`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Paths of the requests made so far (without the query), e.g. `/v1.0/users`. */
  paths(): string[] {
    return this.requests.map((request) => request.path);
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse, received?: unknown): void {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (request.method === 'POST' && received === undefined) {
      // Read the body first (an app install), then answer.
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let body: unknown = null;
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'); } catch { body = null; }
        this.answer(request, response, body);
      });
      return;
    }
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: request.method ?? 'GET', path: url.pathname, status, at: Date.now(), ...(received !== undefined ? { body: received } : {}) });
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${GRAPH_TOKEN}`) return send(401, { error: { code: 'InvalidAuthenticationToken' } });
    if (this.throttleNext && url.pathname.startsWith(this.throttleNext)) {
      this.throttleNext = undefined;
      return send(429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '1' });
    }
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    if (this.brokenPage && skip === this.brokenPage.skip && skip > 0) return send(this.brokenPage.status, this.brokenPage.body);
    const install = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps$/.exec(url.pathname);
    if (install && request.method === 'POST') return this.install(decodeURIComponent(install[1]!), received, send);
    const members = /^\/v1\.0\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(url.pathname);
    if (members) return send(200, this.page(url, (this.groups.get(members[1]!) ?? []).map((id) => ({ id })), skip));
    if (url.pathname === '/v1.0/users') return send(200, this.page(url, this.filtered(url).map((user) => this.shape(user, url)), skip));
    const one = /^\/v1\.0\/users\/([^/]+)$/.exec(url.pathname);
    const user = one ? this.users.find((candidate) => candidate.id === one[1]) : undefined;
    if (user) return send(200, this.shape(user, url));
    return send(404, { error: { code: 'Request_ResourceNotFound' } });
  }

  /**
   * Graph's "Install app for user": the body binds the app from the organisation's catalog
   * (`{"teamsApp@odata.bind": "<graph>/appCatalogs/teamsApps/{id}"}`); 201 Created, 409 Conflict when it is there
   * already, 403 without the TeamsAppInstallation permission, 400 for a body that binds nothing.
   */
  private install(userId: string, body: unknown, send: (status: number, body: unknown) => void): void {
    if (this.appInstall === 'forbidden') return send(403, { error: { code: 'Forbidden', message: 'Missing role permissions on the request.' } });
    const bind = (body as Record<string, unknown> | null)?.['teamsApp@odata.bind'];
    const catalog = `${this.url}/appCatalogs/teamsApps/`;
    const appId = typeof bind === 'string' && bind.startsWith(catalog) ? decodeURIComponent(bind.slice(catalog.length)) : undefined;
    if (!appId) return send(400, { error: { code: 'BadRequest', message: 'teamsApp@odata.bind is required' } });
    const installed = this.installedApps.get(userId) ?? new Set<string>();
    if (installed.has(appId)) return send(409, { error: { code: 'Conflict', message: 'App is already installed.' } });
    this.installedApps.set(userId, installed.add(appId));
    this.onInstall?.(userId, appId);
    return send(201, {});
  }

  private filtered(url: URL): StandInUser[] {
    const filter = url.searchParams.get('$filter');
    if (!filter) return this.users;
    const department = /^department eq '((?:[^']|'')*)'$/.exec(filter)?.[1]?.replace(/''/g, '\'');
    return this.users.filter((user) => user.department === department);
  }

  /** Only the selected fields, and the manager's id when expanded, as Graph answers. */
  private shape(user: StandInUser, url: URL): Record<string, unknown> {
    const selected = (url.searchParams.get('$select') ?? '').split(',');
    const shaped: Record<string, unknown> = {};
    for (const field of selected) if (field in user) shaped[field] = (user as unknown as Record<string, unknown>)[field];
    if ((url.searchParams.get('$expand') ?? '').startsWith('manager')) shaped.manager = user.managerId ? { '@odata.type': '#microsoft.graph.user', id: user.managerId } : null;
    return shaped;
  }

  private page(url: URL, items: unknown[], skip: number): Record<string, unknown> {
    const next = skip + this.pageSize;
    const nextUrl = new URL(`${this.nextLinkOrigin ? `${this.nextLinkOrigin}/v1.0` : this.url}${url.pathname.replace(/^\/v1\.0/, '')}${url.search}`);
    nextUrl.searchParams.set('$skiptoken', String(next));
    return { value: items.slice(skip, next), ...(next < items.length ? { '@odata.nextLink': nextUrl.toString() } : {}) };
  }
}
