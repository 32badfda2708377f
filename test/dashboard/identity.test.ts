import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, JWTPayload, SignJWT } from 'jose';
import { BotHarness, PEOPLE, TENANT } from '../support/bot-harness';
import { api } from './dashboard-client';

/** The dashboard's own app registration (DASHBOARD_CLIENT_ID), not the bot's managed identity. */
const APP_ID = '0c4d1f5e-7b1a-4f7e-9c55-5b0c1d2e3f40';
const BOT_APP_ID = '5a6b7c8d-1111-4222-8333-944455566677';
const DOMAIN = 'desk.wheatley-example.net';
const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';
const NOW_S = () => Math.floor(Date.now() / 1000);
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * The dashboard's identity check in Teams mode (an app id is configured): tokens signed with a local key, checked
 * as the tab's Teams SSO tokens are (signature, audience, issuer, expiry, tenant) by the real server over HTTP.
 */
describe('dashboard API identity: Teams SSO tokens (bot over HTTP, Azurite)', function () {
  this.timeout(60_000);
  let bot: BotHarness;
  let sign: (claims: JWTPayload, options?: { expiresIn?: number; key?: SigningKey }) => Promise<string>;
  let strangerKey: SigningKey;

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    sign = async (claims, options = {}) => new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
      .setIssuedAt(NOW_S() - 60).setNotBefore(NOW_S() - 60).setExpirationTime(NOW_S() + (options.expiresIn ?? 3600))
      .sign(options.key ?? privateKey);
    bot = await new BotHarness({
      bot: { appId: BOT_APP_ID, appPassword: 'unused', tenantId: TENANT }, allowedTenantIds: [TENANT],
      dashboard: { domain: DOMAIN, clientId: APP_ID, keys: createLocalJWKSet({ keys: [jwk] }) },
    }).start();
  });
  after(async () => bot.stop());

  /** A v1 token as Teams gives the tab: audience the application ID URI, issuer the tenant's STS. */
  const v1 = (overrides: JWTPayload = {}) => ({
    aud: `api://${DOMAIN}/${APP_ID}`, iss: `https://sts.windows.net/${TENANT}/`, tid: TENANT, oid: PEOPLE.adele.id, ver: '1.0', ...overrides,
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('knows the person from a valid v1 token, and from a valid v2 token', async () => {
    const me = await api(bot, '/me', bearer(await sign(v1())));
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { name: 'Adele Vance', roles: ['comms'], local: false, views: ['overview', 'register:access', 'register:desk'] });
    assert.equal(me.headers.get('cache-control'), 'no-store');
    const v2 = await api(bot, '/me', bearer(await sign(v1({ aud: APP_ID, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, ver: '2.0' }))));
    assert.equal(v2.status, 200);
  });

  const refused: [string, () => Promise<Record<string, string>>][] = [
    ['no token at all', async () => ({})],
    ['a token for another app (wrong audience)', async () => bearer(await sign(v1({ aud: 'api://elsewhere.example.com/other-app' })))],
    ['a token for the bot\'s own app id, not the dashboard\'s', async () => bearer(await sign(v1({ aud: BOT_APP_ID })))],
    ['a token from a tenant not allowed', async () => bearer(await sign(v1({ tid: OTHER_TENANT, iss: `https://sts.windows.net/${OTHER_TENANT}/` })))],
    ['a token whose issuer is another tenant\'s', async () => bearer(await sign(v1({ iss: `https://sts.windows.net/${OTHER_TENANT}/` })))],
    ['an expired token', async () => bearer(await sign(v1(), { expiresIn: -600 }))],
    ['an unsigned token (alg none)', async () => bearer(unsigned(v1()))],
    ['a token signed with a key Entra ID never published', async () => bearer(await sign(v1(), { key: strangerKey }))],
    ['a token for someone not in the directory', async () => bearer(await sign(v1({ oid: 'aad-nobody' })))],
    ['a local person choice instead of a token', async () => ({ 'X-Dashboard-User': PEOPLE.adele.id })],
    ['a token that is not a JWT', async () => bearer('not-a-token')],
  ];
  for (const [what, headers] of refused) {
    it(`refuses ${what} with 401, a friendly message and nothing more`, async () => {
      const answer = await api(bot, '/overview', await headers());
      assert.equal(answer.status, 401);
      assert.deepEqual(Object.keys(answer.body as object), ['error']);
      assert.match((answer.body as { error: string }).error, /sign-in could not be checked/);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
    });
  }

  it('logs why a token was refused, never the token', async () => {
    const token = await sign(v1({ aud: 'api://elsewhere.example.com/other-app' }));
    await api(bot, '/overview', bearer(token));
    const lines = bot.logLines.filter((line) => line.includes('dashboard identity refused'));
    assert.ok(lines.some((line) => line.includes('ERR_JWT_CLAIM_VALIDATION_FAILED')), lines.join('\n'));
    assert.ok(!bot.logLines.some((line) => line.includes(token.split('.')[2]!)), 'no token in the log');
  });

  it('has no local person chooser in Teams mode', async () => {
    assert.equal((await api(bot, '/local/people')).status, 404);
  });
});

function unsigned(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, iat: NOW_S() - 60, exp: NOW_S() + 3600 })}.`;
}
