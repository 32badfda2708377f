import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made to the Bot Connector REST API. */
export interface ConnectorCall {
  readonly method: string;
  readonly path: string;
  readonly conversationId: string;
  readonly activityId?: string;
  readonly body: Record<string, unknown>;
  /** The HTTP status the stand-in answered: a faulted call delivered nothing. */
  readonly status: number;
  /** When the stand-in received it (epoch ms): shows retry waits. */
  readonly at: number;
}

/**
 * `status` is answered (with `Retry-After` if given), unless `dropAfterMs` is set: then nothing is answered and
 * the connection is closed after that many milliseconds (0: at once, a reset; longer than the bot's connector
 * timeout: a request that times out). `status` is what the call is recorded with either way.
 */
export type ConnectorFault = { status: number; code?: string; retryAfterSeconds?: number; dropAfterMs?: number };

/**
 * A local stand-in for the Bot Connector (`/v3/conversations...`): records every send, reply, update
 * and conversation creation the bot makes, answers like the real service, and can be told to fail.
 */
export class ConnectorStandIn {
  readonly calls: ConnectorCall[] = [];
  private server?: http.Server;
  private counter = 0;
  /** Faults by conversation id, consumed one per call; `'*'` matches every conversation. */
  readonly faults = new Map<string, ConnectorFault[]>();
  /**
   * Throttles like Teams' per-bot, per-tenant limit: more than `perSecond` requests in a second (a bucket of that
   * many, refilled at that rate) get 429 with `Retry-After`. Off unless set.
   */
  throttle?: { readonly perSecond: number; readonly retryAfterSeconds: number };
  private bucket = { tokens: 0, at: 0 };

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('connector stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    // A request held open by a `dropAfterMs` fault (an instance that died mid-send) must not hold the stop up.
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Calls that were answered with success (a faulted call delivered nothing). */
  get delivered(): ConnectorCall[] {
    return this.calls.filter((call) => call.status < 300);
  }

  /** Cards delivered (sent or updated) into a conversation, newest last. */
  cardsIn(conversationId: string): Record<string, unknown>[] {
    return this.delivered
      .filter((call) => call.conversationId === conversationId && call.body.attachments)
      .map((call) => (call.body.attachments as { content: Record<string, unknown> }[])[0]!.content);
  }

  /** Text of every message sent into a conversation. */
  textsIn(conversationId: string): string[] {
    return this.delivered.filter((call) => call.conversationId === conversationId && typeof call.body.text === 'string').map((call) => call.body.text as string);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (member && req.method === 'GET') return this.answerMember(res, member[1]!, member[2]!);
    const match = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
    if (!match) return this.answer(res, 404, { error: { code: 'NotFound', message: path } });
    const conversationId = match[1] ?? `created-${(body.members as { id: string }[] | undefined)?.[0]?.id ?? 'unknown'}`;
    const fault = this.takeFault(conversationId) ?? this.throttled();
    this.calls.push({ method: req.method ?? '', path, conversationId, ...(match[2] ? { activityId: match[2] } : {}), body, status: fault?.status ?? 200, at: Date.now() });
    if (fault?.dropAfterMs !== undefined) {
      const timer = setTimeout(() => req.socket.destroy(), fault.dropAfterMs);
      req.socket.once('close', () => clearTimeout(timer));
      return;
    }
    if (fault) {
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
      return this.answer(res, fault.status, { error: { code: fault.code ?? 'Failure', message: 'stand-in fault' } }, headers);
    }
    if (!match[1]) return this.answer(res, 201, { id: conversationId, activityId: `act-${++this.counter}` });
    if (req.method === 'PUT') return this.answer(res, 200, { id: match[2] });
    return this.answer(res, 201, { id: `act-${++this.counter}` });
  }

  /** Teams answers a member lookup by Entra object id with the person's Teams user id (MRI, `29:...`). */
  private answerMember(res: http.ServerResponse, conversationId: string, userId: string): void {
    const fault = this.takeFault(`members:${userId}`);
    this.calls.push({ method: 'GET', path: `/v3/conversations/${conversationId}/members/${userId}`, conversationId, body: {}, status: fault?.status ?? 200, at: Date.now() });
    if (fault) return this.answer(res, fault.status, { error: { code: fault.code ?? 'MemberNotFoundInConversation', message: 'stand-in fault' } });
    this.answer(res, 200, { id: `29:${userId}`, aadObjectId: userId, name: '' });
  }

  private throttled(): ConnectorFault | undefined {
    if (!this.throttle) return undefined;
    const now = performance.now();
    const { perSecond, retryAfterSeconds } = this.throttle;
    this.bucket = { tokens: Math.min(perSecond, (this.bucket.at ? this.bucket.tokens : perSecond) + ((now - (this.bucket.at || now)) / 1000) * perSecond), at: now };
    if (this.bucket.tokens >= 1) {
      this.bucket.tokens -= 1;
      return undefined;
    }
    return { status: 429, code: 'Throttled', retryAfterSeconds };
  }

  private takeFault(conversationId: string): ConnectorFault | undefined {
    for (const key of [conversationId, '*']) {
      const queue = this.faults.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}
