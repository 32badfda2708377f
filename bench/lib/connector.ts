import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made to the Bot Connector, as the driver saw it arrive. */
export interface ConnectorCall {
  /** performance.now() in the driver when the request arrived: the same clock the turns are timed with. */
  readonly at: number;
  readonly method: string;
  readonly conversationId: string;
  /** The id of the message this call sent or updated (the stand-in's answer, or the id in the path of an update). */
  readonly activityId: string;
  /** Bytes of the card JSON it carried (0 without a card). */
  readonly cardBytes: number;
}

interface Waiter {
  readonly since: number;
  readonly expected: number;
  readonly resolve: (calls: ConnectorCall[]) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The cases whose calls a step waits for. Not CP: the question form "Ask a colleague" sends, and the question's cards,
 * name the customer post they are asked from, and must be filed under the reply and the question (IR) instead.
 */
const REFERENCE = /\b(?:AR|AINM|TD|SC|IR)-\d{4}-\d{5,}\b/;

/**
 * The Bot Connector stand-in the bot sends to during the benchmark. Every call is filed under a key that ties it
 * to the turn that caused it: a card about a case under `ref:<reference>` (it is on the card), any other reply to
 * a message under `reply:<incoming activity id>` (it is in the path). A step waits for the calls of its key.
 */
export class BenchConnector {
  private server?: http.Server;
  private counter = 0;
  private readonly calls = new Map<string, ConnectorCall[]>();
  private readonly waiters = new Map<string, Waiter>();
  /** Calls that matched no key (welcome cards on install, or nothing known): counted, not kept. */
  unkeyed = 0;
  total = 0;

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('connector stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Resolves with the calls of `key` made since `since` once there are `expected` of them, or, after `timeoutMs`,
   * with what arrived (the caller sees fewer than expected). `expected` 0 resolves at once.
   */
  waitFor(key: string, since: number, expected: number, timeoutMs: number): Promise<ConnectorCall[]> {
    const now = this.callsOf(key, since);
    if (now.length >= expected) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(this.callsOf(key, since));
      }, timeoutMs);
      this.waiters.set(key, { since, expected, resolve, timer });
    });
  }

  /** The calls of `key` since `since`, without waiting. */
  callsOf(key: string, since: number): ConnectorCall[] {
    return (this.calls.get(key) ?? []).filter((call) => call.at >= since);
  }

  /** Drops what is kept for a key (a case whose workflow is over). */
  forget(key: string): void {
    this.calls.delete(key);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
      const match = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
      if (!match) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"error":{"code":"NotFound"}}');
        return;
      }
      const method = req.method ?? '';
      const body = raw ? JSON.parse(raw) as { members?: { id: string }[]; attachments?: { content?: unknown }[] } : {};
      this.total++;
      if (!match[1]) {
        // Opening a 1:1 chat: the driver's conversations are `personal-<id>`.
        const conversationId = `personal-${body.members?.[0]?.id ?? 'unknown'}`;
        return this.answer(res, 201, { id: conversationId, activityId: `a-${++this.counter}` });
      }
      const conversationId = match[1];
      const inPath = match[2];
      const activityId = method === 'PUT' && inPath ? inPath : `a-${++this.counter}`;
      const content = body.attachments?.[0]?.content;
      const cardBytes = content ? Buffer.byteLength(JSON.stringify(content)) : 0;
      const reference = REFERENCE.exec(raw)?.[0];
      // A card about a case names it; otherwise a POST with an activity id in the path replies to that activity (a
      // proactive send names botbuilder's made-up continuation activity there instead, but always carries a case card).
      const key = reference ? `ref:${reference}` : method === 'POST' && inPath ? `reply:${inPath}` : undefined;
      if (key) this.record(key, { at, method, conversationId, activityId, cardBytes });
      else this.unkeyed++;
      this.answer(res, method === 'PUT' ? 200 : 201, { id: activityId });
    });
  }

  private record(key: string, call: ConnectorCall): void {
    const list = this.calls.get(key);
    if (list) list.push(call);
    else this.calls.set(key, [call]);
    const waiter = this.waiters.get(key);
    if (!waiter) return;
    const calls = this.callsOf(key, waiter.since);
    if (calls.length < waiter.expected) return;
    clearTimeout(waiter.timer);
    this.waiters.delete(key);
    waiter.resolve(calls);
  }

  private answer(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
