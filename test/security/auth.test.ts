import { Application } from '@microsoft/teams-ai';
import { MicrosoftAppCredentials } from 'botframework-connector';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, KeyObject, randomBytes, randomUUID, sign as rsaSign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import sinon from 'sinon';
import { ConfigError, readConfig } from '../../src/config';
import { startBot } from '../../src/index';
import { createLogger } from '../../src/logger';
import { testConnectionString } from '../support/azurite';
import { BotHarness, cardText, PEOPLE, PersonKey, TENANT } from '../support/bot-harness';

/**
 * With an app id every POST /api/messages must carry a Bot Framework token that botbuilder verifies against
 * the channel's OpenID metadata. Here the "channel" is local: an RSA key made for this run, published in a
 * JWKS behind a local OpenID configuration, and the bot pointed at it through the same override production
 * has (BOT_OPENID_METADATA_URL / BOT_TOKEN_ISSUER). Nothing here reaches the internet: the bot's own
 * outbound token (for replies, normally from Entra ID) is the one thing stubbed.
 */

const APP_ID = '00000000-0000-4000-8000-00000000b07a';
const KID = 'channel-key-1';
const NOW = new Date('2026-11-25T10:00:00Z');
const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';

/** The local stand-in for login.botframework.com: an OpenID configuration and the key set it points to. */
class ChannelKeyServer {
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly requests: string[] = [];
  private server?: http.Server;

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** What BOT_OPENID_METADATA_URL would be set to. */
  get metadataUrl(): string {
    return `${this.origin}/v1/.well-known/openidconfiguration`;
  }

  /** What BOT_TOKEN_ISSUER would be set to. */
  get issuer(): string {
    return `${this.origin}/issuer`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const send = (body: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/v1/.well-known/openidconfiguration') {
        return send({ issuer: this.issuer, jwks_uri: `${this.origin}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      }
      if (req.url === '/v1/keys') {
        const { n, e } = this.keys.publicKey.export({ format: 'jwk' });
        return send({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n, e, endorsements: ['msteams'] }] });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

type Header = { alg: string; typ?: string; kid?: string };

/** A compact JWS, signed with node:crypto (RS256) or, for the algorithm-confusion case, HMAC (HS256). */
function jwt(claims: Record<string, unknown>, key: KeyObject | Buffer, header: Header = { alg: 'RS256', typ: 'JWT', kid: KID }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = header.alg === 'none' ? Buffer.alloc(0)
    : header.alg === 'HS256' ? createHmac('sha256', key as Buffer).update(input).digest()
    : rsaSign('sha256', Buffer.from(input), key as KeyObject);
  return `${input}.${signature.toString('base64url')}`;
}

describe('security: Bot Framework authentication on /api/messages', () => {
  const channel = new ChannelKeyServer();
  /** A key the channel never published, for forged signatures. */
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  before(async () => channel.start());
  after(async () => channel.stop());

  const seconds = () => Math.floor(Date.now() / 1000);
  /** The claims a real channel token carries, for the bot's app id and the activity's serviceUrl. */
  const claimsFor = (serviceUrl: string, overrides: Record<string, unknown> = {}) => ({
    iss: channel.issuer, aud: APP_ID, serviceurl: serviceUrl, nbf: seconds() - 60, iat: seconds() - 60, exp: seconds() + 3600, ...overrides,
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('through the bot harness', () => {
    let bot: BotHarness;
    let run: sinon.SinonSpy;
    let find: sinon.SinonSpy;
    let outboundToken: sinon.SinonStub;

    const validHeaders = () => bearer(jwt(claimsFor(bot.connector.url), channel.keys.privateKey));
    /** Posts an activity from `person` with these headers (the harness's own helpers send none). */
    const post = (person: PersonKey, fields: Record<string, unknown>, headers: Record<string, string>) =>
      bot.post('/api/messages', bot.activity(person, fields), 'application/json', headers);
    const submitRequest = (person: PersonKey, headers: Record<string, string>, fields: Record<string, unknown> = {}) => post(person, {
      type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-msg',
      value: {
        action: {
          type: 'Action.Execute', verb: 'accessRequest.submit',
          data: {
            formId: randomUUID(), reference: '', sites: 'facebook,linkedin', otherSite: '', kind: 'view',
            businessCase: 'I answer tenants who message the housing team on Facebook and LinkedIn.',
            startDate: '2026-11-25', endDate: '2027-05-25', approver: PEOPLE.megan.id, ackPolicy: 'true', ackMonitoring: 'true',
          },
        },
        trigger: 'manual',
      },
      ...fields,
    }, headers);
    const rows = async (table: 'cases' | 'conversations' | 'inbox' | 'idempotency') => {
      let count = 0;
      for await (const _row of bot.tables[table].listEntities()) count++;
      return count;
    };

    beforeEach(async () => {
      bot = await new BotHarness({
        now: () => NOW,
        bot: { appId: APP_ID, appPassword: 'not-a-real-secret', appType: 'SingleTenant', tenantId: TENANT },
        channelAuth: { openIdMetadataUrl: channel.metadataUrl, tokenIssuer: channel.issuer },
        allowedTenantIds: [TENANT],
      }).start();
      run = sinon.spy(Application.prototype, 'run');
      find = sinon.spy(bot.runtime.directory, 'find');
      // Replies need the bot's own token from Entra ID (MSAL, internet): the one thing stubbed.
      outboundToken = sinon.stub(MicrosoftAppCredentials.prototype, 'getToken').resolves('outbound-token-for-tests');
      // botbuilder prints every refused token with console.error; the assertions below say what matters.
      sinon.stub(console, 'error');
    });
    afterEach(async () => {
      sinon.restore();
      await bot.stop();
    });

    it('accepts a valid channel token: the bot answers and signs its reply', async () => {
      const answer = await post('alex', { type: 'message', text: 'help' }, validHeaders());
      assert.equal(answer.status, 200);
      assert.ok(run.calledOnce, 'the app ran the turn');
      const sent = bot.connector.delivered.filter((call) => call.conversationId === bot.personalConversation('alex'));
      assert.equal(sent.length, 1, 'one reply reached the connector');
      assert.match(cardText(sent[0]!.body.attachments), /Alex Wilber|request access/i);
      assert.ok(outboundToken.called, 'the reply was sent with the bot\'s own token');
      assert.ok(channel.requests.some((url) => url.endsWith('/keys')), 'the signing keys came from the local OpenID metadata');
    });

    it('accepts a valid token for a request-access submit: the case is created (the refusals below are not vacuous)', async () => {
      assert.equal((await post('megan', { type: 'installationUpdate', action: 'add' }, validHeaders())).status, 200);
      const answer = await submitRequest('alex', validHeaders());
      assert.equal(answer.status, 200);
      const body = answer.body as { type?: string; value?: unknown };
      assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(cardText(body.value), /AR-2026-00001/);
      await bot.idle();
      assert.equal(await rows('cases') > 0, true, 'a case was stored');
      assert.ok(find.called, 'the directory was asked who acts');
    });

    const refusals: { name: string; headers: () => Record<string, string>; fields?: Record<string, unknown> }[] = [
      { name: 'no Authorization header', headers: () => ({}) },
      { name: 'an empty bearer', headers: () => ({ Authorization: 'Bearer ' }) },
      { name: 'a token that is not a JWT', headers: () => ({ Authorization: 'Bearer not.a.token' }) },
      { name: 'another scheme', headers: () => ({ Authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` }) },
      { name: 'an expired token', headers: () => bearer(jwt(claimsFor(bot.connector.url, { iat: seconds() - 7200, nbf: seconds() - 7200, exp: seconds() - 3600 }), channel.keys.privateKey)) },
      { name: 'a token not valid yet', headers: () => bearer(jwt(claimsFor(bot.connector.url, { nbf: seconds() + 3600, exp: seconds() + 7200 }), channel.keys.privateKey)) },
      {
        name: 'a token signed with another key under the channel key\'s id',
        headers: () => bearer(jwt(claimsFor(bot.connector.url), forger.privateKey)),
      },
      {
        name: 'a token signed with another key under an unknown key id',
        headers: () => bearer(jwt(claimsFor(bot.connector.url), forger.privateKey, { alg: 'RS256', typ: 'JWT', kid: 'forged' })),
      },
      {
        name: 'an HS256 token keyed with the public key (algorithm confusion)',
        headers: () => bearer(jwt(claimsFor(bot.connector.url), Buffer.from(channel.keys.publicKey.export({ type: 'spki', format: 'pem' })), { alg: 'HS256', typ: 'JWT', kid: KID })),
      },
      { name: 'an unsigned token (alg none)', headers: () => bearer(jwt(claimsFor(bot.connector.url), Buffer.alloc(0), { alg: 'none', kid: KID })) },
      { name: 'a token for another bot (wrong audience)', headers: () => bearer(jwt(claimsFor(bot.connector.url, { aud: 'some-other-bot' }), channel.keys.privateKey)) },
      { name: 'a token from another issuer', headers: () => bearer(jwt(claimsFor(bot.connector.url, { iss: 'https://api.botframework.com' }), channel.keys.privateKey)) },
      { name: 'a token for another serviceUrl than the activity\'s', headers: () => bearer(jwt(claimsFor('https://smba.trafficmanager.net/emea/'), channel.keys.privateKey)) },
      { name: 'a token without a serviceurl claim', headers: () => bearer(jwt(claimsFor(bot.connector.url, { serviceurl: undefined }), channel.keys.privateKey)) },
      { name: 'a valid token on an activity from a channel the key is not endorsed for', headers: () => validHeaders(), fields: { channelId: 'webchat' } },
    ];

    for (const refusal of refusals) {
      it(`answers 401 to ${refusal.name}, and no handler runs`, async () => {
        const answer = await post('alex', {
          type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-msg',
          value: { action: { type: 'Action.Execute', verb: 'accessRequest.submit', data: { formId: randomUUID(), approver: PEOPLE.megan.id } }, trigger: 'manual' },
          ...refusal.fields,
        }, refusal.headers());
        assert.equal(answer.status, 401, JSON.stringify(answer.body));
        // Same refusal for the full request-access submit and for a typed message.
        assert.equal((await submitRequest('alex', refusal.headers(), refusal.fields)).status, 401);
        assert.equal((await post('alex', { type: 'message', text: 'request access', ...refusal.fields }, refusal.headers())).status, 401);
        await bot.idle();
        assert.equal(run.called, false, 'the app never ran');
        assert.equal(find.called, false, 'the directory was never asked');
        assert.deepEqual(bot.connector.calls, [], 'nothing reached the connector');
        assert.equal(outboundToken.called, false, 'the bot never asked for its own token');
        assert.deepEqual(await Promise.all([rows('cases'), rows('conversations'), rows('inbox'), rows('idempotency')]), [0, 0, 0, 0], 'nothing was stored');
      });
    }

    it('refuses a validly signed activity from a tenant that is not allowed, and logs the tenant but no names', async () => {
      const elsewhere = (fields: Record<string, unknown>) => ({
        conversation: { id: bot.personalConversation('alex'), conversationType: 'personal', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
        ...fields,
      });
      const message = await post('alex', elsewhere({ type: 'message', text: 'request access' }), validHeaders());
      assert.equal(message.status, 200, 'authenticated, so not a 401: the bot refuses it itself');
      const invoke = await post('alex', elsewhere({
        type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-msg',
        value: { action: { type: 'Action.Execute', verb: 'accessRequest.submit', data: { formId: randomUUID() } }, trigger: 'manual' },
      }), validHeaders());
      assert.equal(invoke.status, 200);
      assert.match(cardText((invoke.body as { value?: unknown }).value), /not available to your organisation/);
      await bot.idle();

      assert.equal(find.called, false, 'no handler looked anyone up');
      assert.deepEqual(bot.connector.calls, [], 'nothing was sent');
      assert.deepEqual(await Promise.all([rows('cases'), rows('conversations'), rows('inbox')]), [0, 0, 0]);
      const refusedLines = bot.logLines.filter((line) => line.includes('tenant that is not allowed'));
      assert.equal(refusedLines.length, 2, 'each refused activity is logged');
      for (const line of refusedLines) assert.equal((JSON.parse(line) as { tenantId?: string }).tenantId, OTHER_TENANT);
      const everything = bot.logLines.join('\n');
      for (const person of Object.values(PEOPLE)) assert.equal(everything.includes(person.name), false, `${person.name} is not in the logs`);
    });
  });

  describe('configuration of the token check', () => {
    const refusal = (env: Record<string, string>): ConfigError => {
      try {
        readConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
      }
      return assert.fail('expected the configuration to be refused');
    };
    const withApp = { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TENANT_ID: TENANT };

    it('reads the OpenID metadata URL and issuer exactly as written (an issuer is compared character for character)', () => {
      const config = readConfig({ ...withApp, BOT_OPENID_METADATA_URL: ' https://login.botframework.azure.us/v1/.well-known/openidconfiguration ', BOT_TOKEN_ISSUER: 'https://api.botframework.us' });
      assert.deepEqual(config.channelAuth, { openIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration', tokenIssuer: 'https://api.botframework.us' });
      assert.deepEqual(readConfig(withApp).channelAuth, {});
      assert.equal(readConfig({ ...withApp, BOT_OPENID_METADATA_URL: 'http://127.0.0.1:8080/openid', BOT_TOKEN_ISSUER: 'http://[::1]:8080' }).channelAuth?.tokenIssuer, 'http://[::1]:8080');
    });

    it('refuses plain http beyond loopback, non-URLs, and overrides without an app id', () => {
      assert.equal(refusal({ ...withApp, BOT_OPENID_METADATA_URL: 'http://login.example.com/openid' }).variable, 'BOT_OPENID_METADATA_URL');
      assert.equal(refusal({ ...withApp, BOT_TOKEN_ISSUER: 'api.botframework.com' }).variable, 'BOT_TOKEN_ISSUER');
      assert.equal(refusal({ ...withApp, BOT_TOKEN_ISSUER: 'http://10.0.0.5' }).variable, 'BOT_TOKEN_ISSUER');
      assert.equal(refusal({ BOT_OPENID_METADATA_URL: 'https://login.example.com/openid' }).variable, 'BOT_OPENID_METADATA_URL');
      assert.equal(refusal({ BOT_TOKEN_ISSUER: 'https://api.example.com' }).variable, 'BOT_TOKEN_ISSUER');
    });
  });

  describe('start-up (startBot from src/index.ts, config from readConfig)', () => {
    const capture = () => {
      const lines: Record<string, unknown>[] = [];
      const sink = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } });
      return { lines, logger: createLogger('info', sink) };
    };
    const storage = () => ({ AZURE_TABLES_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: `t${randomBytes(5).toString('hex')}`, PORT: '0' });

    it('without an app id listens on loopback only and says it is unauthenticated', async () => {
      const { lines, logger } = capture();
      const running = await startBot(readConfig(storage()), logger);
      try {
        const listening = lines.find((line) => String(line.msg).startsWith('bot listening'));
        assert.ok(listening, 'a start-up line was logged');
        assert.equal(listening.authenticated, false);
        assert.match(String(listening.msg), /without authentication/);
        assert.match(String(listening.msg), /loopback only/);
        assert.match(String(listening.url), /^http:\/\/127\.0\.0\.1:\d+\/api\/messages$/);
      } finally {
        await running.stop();
      }
    });

    it('with an app id and BOT_OPENID_METADATA_URL / BOT_TOKEN_ISSUER checks tokens against them', async () => {
      sinon.stub(console, 'error');
      const { lines, logger } = capture();
      const running = await startBot(readConfig({
        ...storage(), ...{ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TENANT_ID: TENANT, MICROSOFT_APP_PASSWORD: 'not-a-real-secret' },
        BOT_OPENID_METADATA_URL: channel.metadataUrl, BOT_TOKEN_ISSUER: channel.issuer, ALLOWED_TENANT_IDS: TENANT,
      }), logger);
      try {
        const listening = lines.find((line) => line.msg === 'bot listening');
        assert.ok(listening, 'a start-up line was logged');
        assert.equal(listening.authenticated, true);
        assert.equal(listening.openIdMetadataUrl, channel.metadataUrl);
        assert.equal(listening.tokenIssuer, channel.issuer);
        // A conversationUpdate that names no new member: authenticated, handled, and nothing to send.
        const serviceUrl = 'https://smba.trafficmanager.net/emea/';
        const activity = {
          type: 'conversationUpdate', id: randomUUID(), channelId: 'msteams', serviceUrl,
          conversation: { id: 'personal-aad-alex', conversationType: 'personal', tenantId: TENANT },
          from: { id: '29:aad-alex', aadObjectId: 'aad-alex' }, recipient: { id: '28:desk-bot' }, channelData: { tenant: { id: TENANT } },
        };
        const post = (headers: Record<string, string>) => fetch(running.url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(activity) });
        assert.equal((await post({})).status, 401);
        assert.equal((await post(bearer(jwt(claimsFor(serviceUrl, { aud: 'some-other-bot' }), channel.keys.privateKey)))).status, 401);
        assert.equal((await post(bearer(jwt(claimsFor(serviceUrl), channel.keys.privateKey)))).status, 200);
      } finally {
        sinon.restore();
        await running.stop();
      }
    });
  });
});
