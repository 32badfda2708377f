import http from 'node:http';

/** One keep-alive connection pool for the whole driver: Teams keeps its connections to a bot open too. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

export function request(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(url, {
      method, agent,
      headers: { ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.end(payload);
  });
}

export const postJson = (url: string, body: unknown, headers?: Record<string, string>) => request(url, 'POST', body, headers);
export const getJson = async <T>(url: string): Promise<T> => {
  const answer = await request(url, 'GET');
  if (answer.status !== 200) throw new Error(`GET ${url} answered ${answer.status}`);
  return JSON.parse(answer.text) as T;
};

export function closeConnections(): void {
  agent.destroy();
}
