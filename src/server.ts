import type { Application, TurnState } from '@microsoft/teams-ai';
import type { CloudAdapter } from 'botbuilder';
import restify from 'restify';
import { processActivity } from './bot/process-activity';
import { registerDashboardPage } from './http/dashboard-page';
import { DashboardApiDeps, registerDashboardApi } from './http/dashboard-api';
import { readJsonBody } from './http/json-body';
import { headerRefusal, HttpRefusal } from './http/request-guard';
import type { Logger } from './logger';
import type { TableMetrics } from './store/table-metrics';

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly app: Application<TurnState>;
  readonly logger: Logger;
  /** True when storage answers: GET /readyz. */
  readonly ready: () => Promise<boolean>;
  /** The benchmark's table-call counters (BENCH_METRICS=1): adds GET /debug/metrics and POST /debug/metrics/reset, loopback only. */
  readonly metrics?: TableMetrics;
  /** Time limits for slow clients; the defaults suit Teams, tests shorten them. */
  readonly timeouts?: Partial<ServerTimeouts>;
  /** The dashboard tab's JSON API (/api/dashboard/...): its identity check, numbers and registers. */
  readonly dashboardApi?: DashboardApiDeps;
  /** Where the dashboard tab's built page is (dist/web/dashboard by default). */
  readonly dashboardDirectory?: string;
}

/** How long a client may take to send its request: a slow or stalled client must not hold a connection. */
export interface ServerTimeouts {
  /** From connecting to the end of the request headers. */
  readonly headersMs: number;
  /** From connecting to the end of the request body. */
  readonly requestMs: number;
  /** How often the HTTP server looks for connections past those limits. */
  readonly checkEveryMs: number;
}

const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, checkEveryMs: 1_000 };

/** Activities larger than this are not from Teams (a card action is a few KB; Teams caps a message near 100 KB). */
export const MAX_BODY_BYTES = 512 * 1024;

/**
 * The HTTP surface: POST /api/messages (Bot Framework), HEAD /api/messages (the Agents Playground
 * probes it), GET /healthz (process up) and GET /readyz (store reachable). A body that is not an
 * activity gets a 400 before botbuilder sees it.
 */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'social-media-desk', handleUncaughtExceptions: false });
  boundSlowClients(server, { ...DEFAULT_TIMEOUTS, ...deps.timeouts });
  // No restify body parser is mounted (it inflates gzip without limits or error handling, and writes multipart
  // bodies to disk): headers are checked before routing and /api/messages reads its own bounded JSON.
  server.pre((req, res, next) => {
    const refusal = headerRefusal(req.headers, req.method === 'POST' && req.getPath() === '/api/messages');
    if (!refusal) return next();
    refuse(deps.logger, req, res, refusal);
    return next(false);
  });

  server.post('/api/messages', async (req, res) => {
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    if (!body.ok) return void refuse(deps.logger, req, res, body);
    req.body = body.value;
    const problem = activityProblem(req.body);
    if (problem) {
      deps.logger.info({ problem }, 'request to /api/messages refused');
      res.send(400, { error: 'bad_request', message: problem });
      return;
    }
    const requestDone = deps.metrics?.beginRequest();
    if (requestDone) res.once('finish', requestDone);
    try {
      const turn = await processActivity(deps.adapter, String(req.headers.authorization ?? ''), req.body, async (context) => {
        await deps.app.run(context);
      });
      if (turn.kind === 'tokenRefused') {
        deps.logger.warn({ status: 401, reason: turn.reason }, 'channel token refused');
        res.send(401, { error: 'unauthorized', message: 'the request does not carry a valid Bot Framework token' });
        return;
      }
      const answer = turn.invokeResponse;
      if (answer?.body !== undefined) res.send(answer.status ?? 200, answer.body);
      else res.send(answer?.status ?? 200);
    } catch (error) {
      deps.logger.error({ failure: { message: String((error as Error).message).slice(0, 200) } }, 'adapter failed');
      if (!res.headersSent) res.send(500, { error: 'internal_error' });
    }
  });
  server.head('/api/messages', async (_req, res) => {
    res.send(200);
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const ready = await deps.ready().catch(() => false);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'storage unreachable' });
  });
  registerDashboardPage(server, deps.dashboardDirectory);
  if (deps.dashboardApi) registerDashboardApi(server, deps.dashboardApi);
  if (deps.metrics) debugMetricsRoutes(server, deps.metrics);
  return server;
}

/**
 * Answers a refused request with a short JSON error. Whatever is left of the body is read and dropped (never
 * kept: the request timeout bounds how long), so a client still sending can read the answer instead of a reset.
 */
function refuse(logger: Logger, req: restify.Request, res: restify.Response, refusal: HttpRefusal): void {
  logger.info({ status: refusal.status, error: refusal.error }, 'request refused');
  req.resume();
  if (res.headersSent || res.socket?.destroyed) return;
  res.send(refusal.status, { error: refusal.error, message: refusal.message });
}

/**
 * Node's own limits on slow clients (a client that sends headers or a body a byte at a time gets a 408 and
 * loses the connection). Set before listening: the server reads the checking interval when it starts.
 */
function boundSlowClients(server: restify.Server, timeouts: ServerTimeouts): void {
  const http = server.server as import('node:http').Server & { connectionsCheckingInterval: number };
  http.headersTimeout = timeouts.headersMs;
  http.requestTimeout = timeouts.requestMs;
  http.connectionsCheckingInterval = timeouts.checkEveryMs;
}

/**
 * `npm run bench` reads the table-call counters and the process's memory here; only registered with
 * BENCH_METRICS=1, and only answered to loopback callers. `?gc=1` collects garbage first when node runs
 * with --expose-gc, so heap samples of the leak check compare like with like.
 */
function debugMetricsRoutes(server: restify.Server, metrics: TableMetrics): void {
  const loopback = (req: restify.Request) => ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '');
  server.get('/debug/metrics', async (req, res) => {
    if (!loopback(req)) return void res.send(404, { error: 'not_found' });
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc && new URL(req.url ?? '', 'http://localhost').searchParams.get('gc') === '1') gc();
    res.send(200, metrics.report());
  });
  server.post('/debug/metrics/reset', async (req, res) => {
    if (!loopback(req)) return void res.send(404, { error: 'not_found' });
    metrics.reset();
    res.send(204);
  });
}

/** Why a body is not a Bot Framework activity we can answer, or undefined if it is one. */
export function activityProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON activity';
  const activity = body as Record<string, unknown>;
  const text = (value: unknown) => typeof value === 'string' && value.length > 0 && value.length <= 512;
  const id = (value: unknown) => typeof value === 'object' && value !== null && text((value as { id?: unknown }).id);
  if (!text(activity.type)) return 'type is missing';
  if (!text(activity.channelId)) return 'channelId is missing';
  if (!text(activity.serviceUrl) || !/^https?:\/\/[^\s]+$/i.test(String(activity.serviceUrl))) return 'serviceUrl must be an http(s) URL';
  if (!id(activity.conversation)) return 'conversation.id is missing';
  // Replies put it in a URL path and an HTTP header (x-ms-conversation-id): Teams' ids are printable ASCII.
  if (!/^[\x20-\x7e]+$/.test(String((activity.conversation as { id: string }).id))) return 'conversation.id must be printable ASCII';
  if (!id(activity.from)) return 'from.id is missing';
  if (!id(activity.recipient)) return 'recipient.id is missing';
  return typeProblem(activity);
}

/**
 * Fields botbuilder, teams-ai and the bot read as text or lists: of another type (a number, an object,
 * a list instead of text) or far longer than Teams sends, they would fail the turn half-way, so they are
 * refused here. Absent and `null` mean "not given" where the readers allow it.
 */
function typeProblem(activity: Record<string, unknown>): string | undefined {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const optionalText = (value: unknown, max: number) => value === undefined || value === null || (typeof value === 'string' && value.length <= max);
  for (const [name, max] of [['id', 512], ['replyToId', 512], ['name', 512], ['action', 512], ['locale', 64], ['timestamp', 64], ['localTimestamp', 64], ['text', MAX_BODY_BYTES]] as const) {
    if (!optionalText(activity[name], max)) return `${name} must be text`;
  }
  // Activity ids go into reply URLs and, as the clicked card's place, into stored rows: Teams' are printable ASCII.
  for (const name of ['id', 'replyToId']) {
    if (typeof activity[name] === 'string' && !/^[\x20-\x7e]*$/.test(activity[name])) return `${name} must be printable ASCII`;
  }
  for (const [name, value] of [['conversation', activity.conversation], ['from', activity.from], ['recipient', activity.recipient]] as const) {
    const party = value as Record<string, unknown>;
    for (const field of ['name', 'aadObjectId', 'tenantId', 'conversationType']) {
      if (!optionalText(party[field], 512)) return `${name}.${field} must be text`;
    }
  }
  if (activity.channelData !== undefined && activity.channelData !== null && !isObject(activity.channelData)) return 'channelData must be an object';
  for (const name of ['attachments', 'membersAdded', 'membersRemoved']) {
    const list = activity[name];
    if (list !== undefined && list !== null && (!Array.isArray(list) || !list.every(isObject))) return `${name} must be a list of objects`;
  }
  const entities = activity.entities;
  if (entities === undefined) return undefined;
  if (!Array.isArray(entities) || !entities.every((entity) => isObject(entity) && typeof entity.type === 'string')) return 'entities must be a list of typed objects';
  // botbuilder removes the bot's @mention from the text: each mention must say whom, and the text must be there.
  const mentions = entities.filter((entity) => String(entity.type).toLowerCase() === 'mention');
  if (mentions.some((mention) => !isObject(mention.mentioned) || typeof mention.mentioned.id !== 'string')) return 'a mention must say who is mentioned';
  if (mentions.length > 0 && activity.type === 'message' && typeof activity.text !== 'string') return 'a message with mentions must have text';
  return undefined;
}
