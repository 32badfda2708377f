import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { MAX_BODY_BYTES } from '../../src/server';
import { BotHarness, cardText } from '../support/bot-harness';
import { ask, NOW } from '../bot/conversation-helpers';

/**
 * Issue 10: requests that once ended the process or filled its memory or disk, sent over a real socket
 * before any token check: compressed bodies (restify 11 inflates them without an error listener or a
 * limit), multipart bodies (written to the temp folder), bodies over the limit with and without a length,
 * bodies and headers that never finish. Each must get a short answer, and the bot must go on answering.
 */

interface RawAnswer {
  /** The status line's code, or 0 when the connection closed without an answer. */
  readonly status: number;
  readonly text: string;
  /** How long until the server closed the connection. */
  readonly closedAfterMs: number;
}

/** Sends `head` and then each body part (waiting `pauseMs` between them) and reads until the server closes. */
function rawRequest(port: number, head: string, parts: readonly Buffer[] = [], pauseMs = 0, giveUpMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let writing = true;
    const finish = () => {
      writing = false;
      clearTimeout(guard);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, text: received.slice(received.indexOf('\r\n\r\n') + 4), closedAfterMs: Date.now() - started });
    };
    const guard = setTimeout(() => {
      socket.destroy();
    }, giveUpMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.on('connect', async () => {
      socket.write(head);
      for (const part of parts) {
        if (pauseMs) await new Promise((wait) => setTimeout(wait, pauseMs));
        if (!writing || socket.destroyed) return;
        if (!socket.write(part)) await new Promise((drained) => socket.once('drain', drained));
      }
    });
  });
}

const chunk = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);

/** A gzip stream of `inflatedBytes` zeros, made without holding them: the classic decompression bomb. */
async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (piece: Buffer) => out.push(piece));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < inflatedBytes; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((drained) => gzip.once('drain', drained));
  }
  await new Promise((ended) => gzip.end(ended));
  return Buffer.concat(out);
}

describe('security: hostile HTTP requests before any token check', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  let port: number;
  const head = (lines: readonly string[]) => `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;
  const activityJson = () => Buffer.from(JSON.stringify(bot.activity('alex', { type: 'message', text: 'help' })));
  const stillAnswers = async () => {
    assert.equal((await bot.get('/healthz')).status, 200, '/healthz still answers');
    assert.match(cardText(await ask(bot, 'alex', 'help')), /Hello Alex Wilber/, 'a normal message still gets its answer');
  };

  before(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    port = (bot.runtime.server.address() as AddressInfo).port;
    await bot.install('alex');
  });
  after(async () => bot.stop());

  it('answers a gzip body that is not gzip with 415, and stays up', async () => {
    const garbage = Buffer.from('this is not gzip at all');
    const answer = await rawRequest(port, head(['Content-Type: application/json', 'Content-Encoding: gzip', `Content-Length: ${garbage.length}`]), [garbage]);
    assert.equal(answer.status, 415);
    assert.deepEqual(JSON.parse(answer.text), { error: 'unsupported_encoding', message: 'send the body uncompressed (Content-Encoding: identity)' });
    await stillAnswers();
  });

  it('answers a gzip bomb with 415 without inflating it: resident memory stays near where it was', async () => {
    const bomb = await gzipBomb(200 * 1024 * 1024);
    assert.ok(bomb.length < MAX_BODY_BYTES, `the bomb (${bomb.length} bytes) is under the body limit, so only the encoding check stops it`);
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    const answer = await rawRequest(port, head(['Content-Type: application/json', 'Content-Encoding: gzip', `Content-Length: ${bomb.length}`]), [bomb]);
    const grewBy = process.memoryUsage().rss - before;
    assert.equal(answer.status, 415);
    assert.ok(grewBy < 64 * 1024 * 1024, `RSS grew by ${Math.round(grewBy / 1024 / 1024)} MB for a 200 MB bomb`);
    await stillAnswers();
  });

  it('refuses every other encoding, and a valid gzip of a real activity too (Teams never compresses)', async () => {
    for (const encoding of ['deflate', 'br', 'gzip, identity', 'x-unknown', 'GZIP']) {
      const answer = await rawRequest(port, head(['Content-Type: application/json', `Content-Encoding: ${encoding}`, 'Content-Length: 2']), [Buffer.from('{}')]);
      assert.equal(answer.status, 415, encoding);
    }
    const zipped = gzipSync(activityJson());
    assert.equal((await rawRequest(port, head(['Content-Type: application/json', 'Content-Encoding: gzip', `Content-Length: ${zipped.length}`]), [zipped])).status, 415);
    const plain = activityJson();
    assert.equal((await rawRequest(port, head(['Content-Type: application/json', 'Content-Encoding: identity', `Content-Length: ${plain.length}`]), [plain])).status, 200, 'identity is fine');
    await stillAnswers();
  });

  describe('with the temp folder watched', () => {
    let watched: string;
    let previous: string | undefined;
    beforeEach(() => {
      previous = process.env.TMPDIR;
      watched = mkdtempSync(path.join(tmpdir(), 'smd-upload-'));
      process.env.TMPDIR = watched;
    });
    afterEach(() => {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(watched, { recursive: true, force: true });
    });

    it('answers a 20 MB multipart body with 415 and writes nothing to the temp folder', async () => {
      const boundary = 'smdboundary';
      const file = Buffer.alloc(20 * 1024 * 1024, 0x61);
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        file, Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const answer = await rawRequest(port, head([`Content-Type: multipart/form-data; boundary=${boundary}`, `Content-Length: ${body.length}`]), [body]);
      assert.equal(answer.status, 415);
      assert.equal(JSON.parse(answer.text).error, 'unsupported_media_type');
      assert.deepEqual(readdirSync(watched), [], 'no upload was written to the temp folder');
      await stillAnswers();
    });

    it('lets a client that keeps its connection and sends the whole 20 MB read the 415 (the rest is read and dropped)', async () => {
      const boundary = 'smdboundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n\r\n`), Buffer.alloc(20 * 1024 * 1024, 0x62), Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const answer = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
      assert.equal(answer.status, 415);
      assert.equal(((await answer.json()) as { error: string }).error, 'unsupported_media_type');
      assert.deepEqual(readdirSync(watched), []);
      const tooLarge = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', body: Buffer.alloc(3 * 1024 * 1024, 0x20), headers: { 'Content-Type': 'application/json' } });
      assert.equal(tooLarge.status, 413, 'a large JSON body sent whole gets its 413 too');
      await stillAnswers();
    });
  });

  it('refuses bodies that are not JSON (form, text, another charset) with 415 and accepts JSON in UTF-8', async () => {
    const plain = activityJson();
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1', 'application/jsonx', 'application/xml']) {
      assert.equal((await rawRequest(port, head([`Content-Type: ${type}`, `Content-Length: ${plain.length}`]), [plain])).status, 415, type);
    }
    assert.equal((await rawRequest(port, head([`Content-Length: ${plain.length}`]), [plain])).status, 415, 'no Content-Type');
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"']) {
      assert.equal((await rawRequest(port, head([`Content-Type: ${type}`, `Content-Length: ${plain.length}`]), [plain])).status, 200, type);
    }
  });

  it('answers a declared length over the limit with 413 before the body is sent', async () => {
    const answer = await rawRequest(port, head(['Content-Type: application/json', `Content-Length: ${MAX_BODY_BYTES + 1}`]));
    assert.equal(answer.status, 413);
    assert.deepEqual(JSON.parse(answer.text), { error: 'payload_too_large', message: `the body must be at most ${MAX_BODY_BYTES} bytes` });
    await stillAnswers();
  });

  it('answers a chunked body over the limit (no Content-Length) with 413 once the limit is passed, holding no more of it', async () => {
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const parts = Array.from({ length: Math.ceil(MAX_BODY_BYTES / piece.length) + 1 }, () => chunk(piece));
    const answer = await rawRequest(port, head(['Content-Type: application/json', 'Transfer-Encoding: chunked']), parts);
    assert.equal(answer.status, 413);
    await stillAnswers();
  });

  it('accepts a body exactly at the limit and refuses one byte more (the limit counts the bytes received)', async () => {
    const activity = activityJson();
    const padded = (size: number) => Buffer.concat([activity.subarray(0, activity.length - 1), Buffer.from(`,"padding":"${' '.repeat(size - activity.length - 13)}"}`)]);
    assert.equal(padded(MAX_BODY_BYTES).length, MAX_BODY_BYTES);
    const chunked = ['Content-Type: application/json', 'Transfer-Encoding: chunked'];
    assert.equal((await rawRequest(port, head(chunked), [chunk(padded(MAX_BODY_BYTES)), Buffer.from('0\r\n\r\n')])).status, 200);
    assert.equal((await rawRequest(port, head(chunked), [chunk(padded(MAX_BODY_BYTES + 1)), Buffer.from('0\r\n\r\n')])).status, 413);
  });

  it('answers bodies that are not UTF-8, not JSON or nested absurdly deep with 400', async () => {
    const bodies: [string, Buffer][] = [
      ['invalid UTF-8', Buffer.concat([activityJson().subarray(0, 20), Buffer.from([0xc3, 0x28, 0xff]), activityJson().subarray(20)])],
      ['broken JSON', Buffer.from('{"type":"message",')],
      ['nesting 5,000 deep', Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
      ['an activity with a value 100 deep', Buffer.from(JSON.stringify(bot.activity('alex', { type: 'message', text: 'help' })).replace(/}$/, `,"value":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`))],
    ];
    for (const [what, body] of bodies) {
      const answer = await rawRequest(port, head(['Content-Type: application/json', `Content-Length: ${body.length}`]), [body]);
      assert.equal(answer.status, 400, what);
    }
    await stillAnswers();
  });

  describe('slow clients, with the time limits shortened', () => {
    let http: Server;
    let saved: [number, number];
    beforeEach(() => {
      http = bot.runtime.server.server as Server;
      saved = [http.headersTimeout, http.requestTimeout];
      http.headersTimeout = 1_000;
      http.requestTimeout = 2_000;
    });
    afterEach(() => {
      [http.headersTimeout, http.requestTimeout] = saved;
    });

    it('has limits by default: 10 s for the headers, 30 s for the whole request', () => {
      assert.deepEqual(saved, [10_000, 30_000]);
    });

    it('cuts off a chunked body that never ends with 408, and stays up', async () => {
      const answer = await rawRequest(port, head(['Content-Type: application/json', 'Transfer-Encoding: chunked']), [chunk(Buffer.from('{"type":'))]);
      assert.equal(answer.status, 408);
      assert.ok(answer.closedAfterMs < 5_000, `closed after ${answer.closedAfterMs} ms`);
      await stillAnswers();
    });

    it('cuts off a client that sends its headers a byte at a time with 408', async () => {
      const text = head(['Content-Type: application/json', 'Content-Length: 2']);
      const answer = await rawRequest(port, text.slice(0, 10), [...text.slice(10)].map((character) => Buffer.from(character)), 200);
      assert.equal(answer.status, 408);
      assert.ok(answer.closedAfterMs < 5_000, `closed after ${answer.closedAfterMs} ms`);
      await stillAnswers();
    });

    it('cuts off a client that sends its body a byte at a time with 408', async () => {
      const body = activityJson();
      const answer = await rawRequest(port, head(['Content-Type: application/json', `Content-Length: ${body.length}`]), [...body].map((byte) => Buffer.from([byte])), 100);
      assert.equal(answer.status, 408);
      await stillAnswers();
    });
  });
});
