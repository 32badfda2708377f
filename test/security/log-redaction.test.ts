import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { RestError } from '@azure/data-tables';
import sinon from 'sinon';
import { createLogger } from '../../src/logger';
import { BotHarness, cardText, PEOPLE } from '../support/bot-harness';
import { NOW, validForm } from '../bot/conversation-helpers';

/**
 * The logger's redaction (src/logger.ts): a backstop for a log call that passes more than ids. Fields that
 * hold what people typed or are called come out as [redacted], at the top level and one level down, and so
 * do the request and config an HTTP client error carries. Then, a whole failing turn: its error line does
 * not carry what the person typed, even when the storage error carries the request it failed on.
 */

const SECRET = 'Tenant panel in Possilpark needs live answers on Facebook.';

function captured(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { chunks.push(String(chunk)); done(); } });
  return { logger: createLogger('debug', sink), lines: () => chunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown>) };
}

describe('security: the logger redacts free text and names', () => {
  it('redacts text, name, comment and businessCase one level down', () => {
    const { logger, lines } = captured();
    logger.info({ activity: { text: SECRET, name: 'Alex Wilber', id: 'aad-alex' }, form: { comment: SECRET, businessCase: SECRET } }, 'a careless line');
    assert.deepEqual(lines()[0]!.activity, { text: '[redacted]', name: '[redacted]', id: 'aad-alex' });
    assert.deepEqual(lines()[0]!.form, { comment: '[redacted]', businessCase: '[redacted]' });
  });

  it('redacts them at the top level too, and in child loggers', () => {
    const { logger, lines } = captured();
    logger.child({ reference: 'AR-2026-00001' }).warn({ text: SECRET, name: 'Alex Wilber', comment: SECRET, businessCase: SECRET }, 'another');
    const [line] = lines();
    assert.deepEqual([line!.text, line!.name, line!.comment, line!.businessCase], ['[redacted]', '[redacted]', '[redacted]', '[redacted]']);
    assert.equal(line!.reference, 'AR-2026-00001', 'references stay');
  });

  it('redacts the config and request an HTTP client error carries (they hold the body sent)', () => {
    const { logger, lines } = captured();
    logger.error({ err: { message: 'Request failed with status code 502', config: { data: SECRET }, request: { body: SECRET } } }, 'send failed');
    const err = lines()[0]!.err as Record<string, unknown>;
    assert.deepEqual([err.config, err.request, err.message], ['[redacted]', '[redacted]', 'Request failed with status code 502']);
    assert.ok(!JSON.stringify(lines()).includes('Possilpark'));
  });
});

describe('security: a failing turn logs no free text', () => {
  let bot: BotHarness;

  before(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
  });
  afterEach(() => sinon.restore());
  after(async () => bot.stop());

  it('logs a storage fault during a submit with a correlation id, not the business case the request carried', async () => {
    // What the Tables SDK throws: the error carries the request (the entity, with the business case) and the response.
    const fault = Object.assign(new RestError('The remote server returned an error: (400) Bad Request.', { statusCode: 400 }), {
      request: { body: JSON.stringify({ snapshot: { businessCase: SECRET } }) }, response: { bodyAsText: SECRET },
    });
    sinon.stub(bot.tables.cases, 'submitTransaction').rejects(fault);
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ businessCase: SECRET }));
    assert.match(cardText(card), /Something went wrong/);
    await bot.idle();
    const failed = bot.logLines.filter((line) => line.includes('turn failed'));
    assert.equal(failed.length, 1, 'the fault is logged once');
    assert.match(failed[0]!, /"correlationId":"[0-9a-f]{8}"/);
    for (const line of bot.logLines) {
      assert.ok(!line.includes('Possilpark'), `free text in ${line}`);
      assert.ok(!line.includes(PEOPLE.alex.name), `a name in ${line}`);
    }
  });
});
