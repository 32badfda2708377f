import assert from 'node:assert/strict';
import sinon from 'sinon';
import { BotHarness, TENANT } from '../support/bot-harness';

const APP_ID = '00000000-0000-4000-8000-00000000b07a';
const NOW = new Date('2026-11-25T10:00:00Z');

/**
 * Issue 10: a refused channel token leaves one structured warning in the bot's log, and nothing on stderr
 * (botbuilder's `CloudAdapter.process` printed each one, stack and all, with console.error) and nothing of
 * the error's text in the answer. The token checks themselves are in auth.test.ts.
 */
describe('security: a refused channel token is logged once, quietly', () => {
  let bot: BotHarness;
  let consoleError: sinon.SinonSpy;
  let stderr: sinon.SinonSpy;

  beforeEach(async () => {
    bot = await new BotHarness({
      now: () => NOW,
      bot: { appId: APP_ID, appPassword: 'not-a-real-secret', appType: 'SingleTenant', tenantId: TENANT },
      // Nothing listens here: none of these tokens gets as far as fetching keys.
      channelAuth: { openIdMetadataUrl: 'http://127.0.0.1:9/v1/.well-known/openidconfiguration', tokenIssuer: 'http://127.0.0.1:9/issuer' },
      allowedTenantIds: [TENANT],
    }).start();
    consoleError = sinon.spy(console, 'error');
    stderr = sinon.spy(process.stderr, 'write');
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  const unsigned = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  const refusals: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['a bearer that is not a JWT', { Authorization: 'Bearer not.a.token' }],
    ['an unsigned token', { Authorization: `Bearer ${unsigned({ iss: 'x', aud: APP_ID, exp: 9_999_999_999 })}` }],
  ];
  for (const [what, headers] of refusals) {
    it(`answers ${what} with 401 and a short JSON error, writes one warning and nothing to stderr`, async () => {
      const logsFrom = bot.logLines.length;
      const answer = await bot.post('/api/messages', bot.activity('alex', { type: 'message', text: 'help' }), 'application/json', headers);
      const stderrWrites = stderr.getCalls().map((call) => String(call.args[0]));
      sinon.restore();
      assert.equal(answer.status, 401);
      assert.deepEqual(answer.body, { error: 'unauthorized', message: 'the request does not carry a valid Bot Framework token' });
      assert.equal(consoleError.callCount, 0, 'nothing printed with console.error');
      assert.deepEqual(stderrWrites, [], 'nothing written to stderr');
      const lines = bot.logLines.slice(logsFrom).map((line) => JSON.parse(line) as Record<string, unknown>);
      const warnings = lines.filter((line) => line.msg === 'channel token refused');
      assert.equal(warnings.length, 1, 'one warning');
      assert.equal(warnings[0]!.level, 40, 'at warn level');
      assert.equal(warnings[0]!.status, 401);
      assert.equal(typeof warnings[0]!.reason, 'string');
      assert.doesNotMatch(JSON.stringify(lines), /\n\s+at |node_modules|not\.a\.token|eyJ/, 'no stack trace and no token in the log');
    });
  }
});
