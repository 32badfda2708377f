import type { Application, TurnState } from '@microsoft/teams-ai';
import type { CloudAdapter } from 'botbuilder';
import restify from 'restify';
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
}

/** Activities larger than this are not from Teams (a card action is a few KB). */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * The HTTP surface: POST /api/messages (Bot Framework), HEAD /api/messages (the Agents Playground
 * probes it), GET /healthz (process up) and GET /readyz (store reachable). A body that is not an
 * activity gets a 400 before botbuilder sees it.
 */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'social-media-desk', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    const problem = activityProblem(req.body);
    if (problem) {
      deps.logger.info({ problem }, 'request to /api/messages refused');
      res.send(400, { error: 'bad_request', message: problem });
      return;
    }
    const requestDone = deps.metrics?.beginRequest();
    if (requestDone) res.once('finish', requestDone);
    try {
      await deps.adapter.process(req, res, async (context) => {
        await deps.app.run(context);
      });
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
  if (deps.metrics) debugMetricsRoutes(server, deps.metrics);
  return server;
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
