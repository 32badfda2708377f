import type { IncomingMessage } from 'node:http';
import type { HttpRefusal } from './request-guard';

/** What reading a body gave: the parsed JSON, or why it was refused. */
export type JsonBody = { readonly ok: true; readonly value: unknown } | ({ readonly ok: false } & HttpRefusal);

/** Deeper than any activity Teams sends (about 8 levels); generous, and far below what would exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

const tooLarge = (limitBytes: number): JsonBody => ({
  ok: false, status: 413, error: 'payload_too_large', message: `the body must be at most ${limitBytes} bytes`,
});
const badJson = (message: string): JsonBody => ({ ok: false, status: 400, error: 'bad_request', message });

/**
 * Reads a request body as UTF-8 JSON, counting the bytes actually received (not what Content-Length
 * claims, and with no decompression anywhere), so no client can make the process hold more than
 * `limitBytes` of body. A declared length over the limit is refused before a byte is read. A client that
 * stops sending is cut off by the HTTP server's request timeout, which ends this read with a failure.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve(tooLarge(limitBytes));
  return new Promise<JsonBody>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: JsonBody) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        chunks.length = 0;
        settle(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(parseJson(Buffer.concat(chunks, received))));
    req.once('error', () => settle(badJson('the body could not be read')));
    req.once('close', () => settle(badJson('the body ended early')));
  });
}

/** Strict UTF-8 (a byte-order mark is allowed), valid JSON, nested no deeper than MAX_JSON_DEPTH. */
export function parseJson(bytes: Buffer): JsonBody {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return badJson('the body must be UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return badJson('the body must be JSON');
  }
  if (depthOf(value) > MAX_JSON_DEPTH) return badJson(`the body must be nested at most ${MAX_JSON_DEPTH} levels deep`);
  return { ok: true, value };
}

/** Nesting depth of parsed JSON, without recursion (a deep value must not exhaust the stack here either). */
function depthOf(root: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[root, 1]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return deepest;
}
