import type { Application, TurnState } from '@microsoft/teams-ai';
import type { CloudAdapter } from 'botbuilder';
import restify from 'restify';
import type { Logger } from './logger';

export interface ServerDeps {
  readonly adapter: CloudAdapter;
  readonly app: Application<TurnState>;
  readonly logger: Logger;
  /** True when storage answers: GET /readyz. */
  readonly ready: () => Promise<boolean>;
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
  return server;
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
  if (!id(activity.from)) return 'from.id is missing';
  if (!id(activity.recipient)) return 'recipient.id is missing';
  return undefined;
}
