import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { BotHarness, buttonVerbs, cardText, PEOPLE } from '../support/bot-harness';
import { ask, factTexts, lastNewCardFor, newCardsFor, NOW, submitRequest, validForm } from './conversation-helpers';

const REF = 'AR-2026-00001';
const baseUrl = (bot: BotHarness) => `http://127.0.0.1:${(bot.runtime.server.address() as AddressInfo).port}`;
const STACK_LINE = /\n\s+at .+\(|\bat [\w.<>]+ \(\/|node_modules|\.ts:\d+/;

describe('the bot\'s HTTP surface', () => {
  let bot: BotHarness;
  afterEach(async () => {
    sinon.restore();
    await bot?.stop();
  });

  describe('with any tenant allowed', () => {
    beforeEach(async () => {
      bot = await new BotHarness({ now: () => NOW }).start();
    });

    it('answers malformed JSON with 400 and keeps working', async () => {
      const answer = await bot.post('/api/messages', '{"type":"message","text":', 'application/json');
      assert.equal(answer.status, 400);
      await bot.install('alex');
      const help = await ask(bot, 'alex', 'help');
      assert.match(cardText(help), /Hello Alex Wilber/);
    });

    it('answers a JSON body that is not an activity with 400', async () => {
      const complete = bot.activity('alex', { type: 'message', text: 'help' });
      const withoutServiceUrl = { ...complete };
      delete withoutServiceUrl.serviceUrl;
      const withoutConversation = { ...complete };
      delete withoutConversation.conversation;
      for (const [what, body] of [['no serviceUrl', withoutServiceUrl], ['no conversation', withoutConversation], ['an array', [complete]], ['a string', '"hello"'], ['no type', { ...complete, type: '' }]] as const) {
        const answer = await bot.post('/api/messages', body);
        assert.equal(answer.status, 400, what);
      }
      assert.equal(bot.connector.calls.length, 0, 'nothing was sent for them');
      assert.equal((await bot.post('/api/messages', complete)).status, 200, 'the complete activity is answered');
    });

    it('reports itself alive on GET /healthz and ready on GET /readyz while storage answers', async () => {
      const health = await bot.get('/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: 'ok' });
      const ready = await bot.get('/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ready' });
    });

    it('reports not ready on GET /readyz while storage fails, and alive on /healthz', async () => {
      sinon.stub(bot.tables.cases, 'getEntity').rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      const ready = await bot.get('/readyz');
      assert.equal(ready.status, 503);
      assert.equal((await bot.get('/healthz')).status, 200);
    });

    it('answers HEAD /api/messages with 200 (the Agents Playground probes it)', async () => {
      const response = await fetch(`${baseUrl(bot)}/api/messages`, { method: 'HEAD' });
      assert.equal(response.status, 200);
    });

    it('sends the welcome card when the app is installed', async () => {
      const answer = await bot.install('alex');
      assert.equal(answer.status, 200);
      const welcome = lastNewCardFor(bot, 'alex');
      assert.match(cardText(welcome), /Social Media Desk/);
      assert.match(cardText(welcome), /Hello Alex Wilber\./);
      assert.deepEqual(buttonVerbs(welcome), ['menu.myActions', 'menu.reportAbuse', 'menu.requestAccess', 'menu.myCases']);
    });

    it('lists the commands on "help"', async () => {
      await bot.install('alex');
      const help = await ask(bot, 'alex', 'Help!');
      const commands = factTexts(help).map((fact) => fact.split(':')[0]);
      for (const command of ['request access', 'my requests', 'approvals', 'help']) assert.ok(commands.includes(command), `help lists "${command}"`);
      assert.ok(commands.some((command) => /^AR-\d{4}-\d{5}$/.test(command)), 'help shows how to open a case by reference');
    });

    it('answers an unknown command with the help card', async () => {
      await bot.install('alex');
      const answer = await ask(bot, 'alex', 'please make me a sandwich');
      assert.match(cardText(answer), /I didn't recognise that\. Here is what I can do:/);
      assert.ok(factTexts(answer).some((fact) => fact.startsWith('request access:')));
    });

    it('answers a fault inside a message turn with a short apology and a reference, logs the reference, and works on the next turn', async () => {
      await bot.install('alex');
      const find = sinon.stub(bot.runtime.directory, 'find').callThrough();
      find.onFirstCall().rejects(Object.assign(new Error('table service said: internal detail 7f3a at TableClient.getEntity'), { statusCode: 500 }));

      const answer = await bot.say('alex', 'my requests');
      assert.equal(answer.status, 200);
      const apology = bot.connector.textsIn(bot.personalConversation('alex')).at(-1) ?? '';
      const reference = /\(Reference ([0-9a-f]{8})\.\)/.exec(apology)?.[1];
      assert.ok(reference, `the apology has a reference: ${apology}`);
      assert.match(apology, /^Sorry, something went wrong on our side/);
      assert.ok(apology.length < 200, 'the apology is short');
      assert.ok(!apology.includes('internal detail') && !STACK_LINE.test(apology), 'no error text or stack trace reaches the user');

      const logged = bot.logLines.filter((line) => line.includes(reference));
      assert.equal(logged.length, 1, 'one log line carries the correlation id');
      assert.match(logged[0]!, /turn failed/);

      const mine = await ask(bot, 'alex', 'my requests');
      assert.match(cardText(mine), /You have not asked for access yet/);
    });

    it('answers a fault inside a card action with an apology card and 200, and changes nothing', async () => {
      await bot.install('alex');
      await bot.install('megan');
      await submitRequest(bot, 'alex');
      const transaction = sinon.stub(bot.tables.cases, 'submitTransaction').callThrough();
      transaction.onFirstCall().rejects(Object.assign(new Error('Server busy'), { statusCode: 503 }));

      const failed = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(failed.card), /Something went wrong/);
      assert.match(cardText(failed.card), /nothing was changed\. Please try again in a minute\. \(Reference [0-9a-f]{8}\.\)/);
      assert.ok(!STACK_LINE.test(JSON.stringify(failed.card)) && !JSON.stringify(failed.card).includes('Server busy'));
      await bot.idle();
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Waiting for approval/, 'nothing was changed');

      const retried = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(retried.card), /You approved this request/);
      await bot.idle();
      assert.match(cardText(lastNewCardFor(bot, 'alex')), /Megan Bowen approved your request/);
    });

    it('keeps business cases, comments and names out of the logs of a whole request and decision', async () => {
      const businessCase = 'Zanzibar-quokka: I reply to tenants on the Facebook page about repairs.';
      const comment = 'Marmalade-pelican: which pages exactly?';
      for (const person of ['alex', 'megan', 'adele', 'patti'] as const) await bot.install(person);
      // Faults make the bot log: a person it cannot reach, an unknown button.
      bot.connector.faults.set(bot.personalConversation('patti'), [{ status: 403, code: 'BotNotInConversationRoster' }]);
      await bot.click('alex', 'accessRequest.teleport', { reference: REF, note: businessCase });
      await ask(bot, 'alex', 'request access');
      await submitRequest(bot, 'alex', { businessCase, kind: 'post' });
      await bot.click('megan', 'accessRequest.requestInfo', { reference: REF, comment });
      await bot.idle();
      await bot.click('alex', 'accessRequest.resubmit', validForm({ reference: REF, businessCase: `${businessCase} Again.`, kind: 'post' }));
      await bot.idle();
      await bot.click('megan', 'accessRequest.reject', { reference: REF, comment: '' });
      await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: 'Lemon-aardvark approved.' });
      await bot.idle();
      await bot.click('adele', 'accessRequest.commsSignOff', { reference: REF, comment: 'Signed with ocelot-ink.' });
      await bot.click('patti', 'accessRequest.commsSignOff', { reference: REF, comment: '' });
      await bot.idle();
      await ask(bot, 'alex', 'my requests');
      assert.match(cardText(lastNewCardFor(bot, 'alex')), /Active/, 'the flow ran to the end');

      const logs = bot.logLines.join('\n');
      assert.ok(/notification not delivered/.test(logs) && /no handler/.test(logs), 'there are logs to check');
      for (const secret of ['Zanzibar', 'quokka', 'Marmalade', 'pelican', 'Lemon-aardvark', 'ocelot', 'repairs']) {
        assert.ok(!logs.includes(secret), `the logs contain free text "${secret}"`);
      }
      for (const person of Object.values(PEOPLE)) {
        for (const part of person.name.split(' ')) assert.ok(!logs.includes(part), `the logs contain the name part "${part}"`);
      }
    });
  });

  describe('with an allow-list of tenants', () => {
    beforeEach(async () => {
      bot = await new BotHarness({ now: () => NOW, allowedTenantIds: ['other-tenant'] }).start();
    });

    it('refuses messages, installs and card actions from a tenant that is not allowed', async () => {
      assert.equal((await bot.install('alex')).status, 200);
      assert.equal((await bot.say('alex', 'help')).status, 200);
      assert.deepEqual(newCardsFor(bot, 'alex'), [], 'no welcome or help card');

      const { card } = await bot.click('alex', 'accessRequest.submit', validForm());
      assert.match(cardText(card), /not available to your organisation/);
      assert.doesNotMatch(cardText(card), /AR-\d{4}/);
      await bot.idle();
      assert.equal(bot.connector.calls.length, 0, 'nobody was sent anything: no request reached the manager');
      assert.ok(bot.logLines.some((line) => /tenant that is not allowed/.test(line)));
    });
  });
});
