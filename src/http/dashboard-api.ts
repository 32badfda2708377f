import type restify from 'restify';
import type { DashboardNumbers } from '../dashboard/numbers';
import type { DashboardIdentity } from '../dashboard/identity';
import { parseRegisterQuery } from '../dashboard/paging';
import { allRows, isRegisterName, orderLabel, Register, RegisterName, registerViews } from '../dashboard/registers';
import type { Directory } from '../directory/directory';
import { csvFile } from '../domain/csv';
import type { Actor } from '../domain/people';
import type { Logger } from '../logger';

export interface DashboardApiDeps {
  readonly identity: DashboardIdentity;
  readonly numbers: DashboardNumbers;
  readonly registers: Readonly<Record<RegisterName, Register>>;
  readonly directory: Directory;
  /** The bot's app id: rows' deep links open its chat (empty locally, where there is no Teams to open). */
  readonly appId: string;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** Personal data: never kept by a browser or a proxy. */
const API_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'X-Content-Type-Options': 'nosniff' } as const;
const UNAUTHORIZED = 'Your sign-in could not be checked. Close the tab and open it again; if it keeps happening, ask IT.';

type Handler = (actor: Actor, req: restify.Request, res: restify.Response, local: boolean) => Promise<void>;

/**
 * The dashboard's JSON API under /api/dashboard (issue 14). Every call checks who asks (the Teams SSO token, or
 * locally the person chosen), and every answer is `no-store`. What each person sees is decided here, by the same
 * rules as the bot (src/dashboard/registers.ts, numbers.ts): nothing is filtered in the browser.
 */
export function registerDashboardApi(server: restify.Server, deps: DashboardApiDeps): void {
  const route = (path: string, handler: Handler) => server.get(path, async (req: restify.Request, res: restify.Response) => {
    for (const [name, value] of Object.entries(API_HEADERS)) res.setHeader(name, value);
    try {
      const who = await deps.identity.identify({ headers: req.headers, remoteAddress: req.socket.remoteAddress });
      if (!who.ok) return void res.send(who.status, who.status === 401 ? { error: UNAUTHORIZED } : { error: 'Not found.' });
      await handler(who.actor, req, res, who.local);
    } catch (error) {
      deps.logger.error({ route: path, failure: { message: String((error as Error).message).slice(0, 200) } }, 'dashboard API failed');
      if (!res.headersSent) res.send(500, { error: 'Something went wrong on our side. Try again in a minute.' });
    }
  });

  route('/api/dashboard/me', async (actor, _req, res, local) => {
    const views = ['overview'];
    if (await deps.numbers.hasServiceLevels(actor)) views.push('serviceLevels');
    views.push(...await registerViews(deps.registers, actor));
    res.send(200, { name: actor.name, roles: [...actor.roles], local, views });
  });

  route('/api/dashboard/overview', async (actor, _req, res) => {
    res.send(200, await deps.numbers.overview(actor, deps.now()));
  });

  route('/api/dashboard/service-levels', async (actor, _req, res) => {
    const levels = await deps.numbers.serviceLevels(actor, deps.now());
    if (!levels) return void res.send(403, { error: 'The service levels are for the Communications Team, the Incident team and admins.' });
    res.send(200, levels);
  });

  route('/api/dashboard/registers/:name', async (actor, req, res) => {
    const found = await registerFor(actor, req, res);
    if (!found) return;
    const page = await found.register.page(actor, found.query);
    if (!page.ok) return void res.send(400, { error: page.message });
    res.send(200, {
      columns: found.register.columns,
      order: orderLabel(found.register, found.query),
      sort: found.query.sort || found.register.orders[0]?.id,
      orders: found.register.orders,
      rows: page.rows.map((row) => ({ reference: row.reference, cells: row.cells, deepLink: deepLink(deps.appId, row.reference) })),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    });
  });

  route('/api/dashboard/registers/:name/csv', async (actor, req, res) => {
    const found = await registerFor(actor, req, res);
    if (!found) return;
    const rows = await allRows(found.register, actor, found.query);
    if (!Array.isArray(rows)) return void res.send(400, { error: rows.message });
    const labels = found.register.columns.map((column) => column.label);
    const body = csvFile(labels, rows.map((row) => Object.fromEntries(found.register.columns.map((column) => [column.label, row.cells[column.key] ?? '']))), { bom: true });
    const day = deps.now().toISOString().slice(0, 10);
    res.writeHead(200, { ...API_HEADERS, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${found.name}-register-${day}.csv"` });
    res.end(body);
  });

  // Choosing who you are comes before being anyone: answered without an identity, loopback and local mode only.
  server.get('/api/dashboard/local/people', async (req: restify.Request, res: restify.Response) => {
    for (const [name, value] of Object.entries(API_HEADERS)) res.setHeader(name, value);
    if (!deps.identity.isLocal({ remoteAddress: req.socket.remoteAddress })) return void res.send(404, { error: 'Not found.' });
    res.send(200, await localPeople(deps.directory));
  });

  async function registerFor(actor: Actor, req: restify.Request, res: restify.Response) {
    const name = String(req.params?.name ?? '');
    if (!isRegisterName(name)) return void res.send(404, { error: 'There is no register of that name.' });
    const register = deps.registers[name];
    if (!(await register.allowed(actor))) return void res.send(403, { error: register.refusal });
    const params = new URL(req.url ?? '', 'http://localhost').searchParams;
    const parsed = parseRegisterQuery(params);
    if (!parsed.ok) return void res.send(400, { error: parsed.message });
    return { name, register, query: parsed.query };
  }
}

async function localPeople(directory: Directory): Promise<{ id: string; name: string; roles: string[] }[]> {
  return (await directory.everyone()).map((person) => ({ id: person.id, name: person.name, roles: [...person.roles] }));
}

/**
 * Opens the bot's 1:1 chat in Teams with the reference typed, ready to send (Microsoft Learn, "Deep link to start
 * a new chat": `users` takes the bot as `28:<app id>`); the bot answers a reference with the case's card.
 */
export function deepLink(appId: string, reference: string): string {
  if (!appId) return '';
  return `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(`28:${appId}`)}&message=${encodeURIComponent(reference)}`;
}
