import assert from 'node:assert/strict';
import sinon from 'sinon';
import { BotHarness, buttonVerbs, cardText, PEOPLE } from '../support/bot-harness';
import {
  ask, BUSINESS_CASE, cardsMatching, errorNextTo, inputValue, newCardsFor, NOW, submitRequest, validForm,
} from './conversation-helpers';

const REF = 'AR-2026-00001';
const referencesOn = (card: unknown) => [...new Set(cardText(card).match(/AR-\d{4}-\d{5}/g) ?? [])].sort();
const approvalsOf = (card: unknown) => (cardText(card).match(/Approved by Megan Bowen/g) ?? []).length;

describe('access request refusals over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of ['alex', 'megan', 'stranger'] as const) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('who may act', () => {
    it('refuses a request whose approver is the requester themselves, on the form, and stores nothing', async () => {
      const form = await ask(bot, 'alex', 'request access');
      assert.ok(!JSON.stringify(form).includes('"value":"aad-alex"'), 'the form does not offer yourself as approver');

      const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approver: PEOPLE.alex.id }));
      assert.match(errorNextTo(card, 'approver') ?? '', /Choose someone other than yourself/);
      assert.match(cardText(card), /nothing has been sent yet/);
      assert.equal(inputValue(card, 'businessCase'), BUSINESS_CASE, 'what was typed is kept');
      await bot.idle();

      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /You have not asked for access yet/);
      assert.deepEqual(newCardsFor(bot, 'megan').filter((c) => /asks for/.test(cardText(c))), []);
    });

    it('refuses a stranger who clicks approve on someone else\'s request without showing them the request', async () => {
      await submitRequest(bot, 'alex');
      // Card data is the client's to forge: it must not decide who acts.
      const { card } = await bot.click('stranger', 'accessRequest.approve', {
        reference: REF, comment: '', approver: PEOPLE.stranger.id, actorId: PEOPLE.megan.id, from: { aadObjectId: PEOPLE.megan.id },
      });
      assert.match(cardText(card), /I can't find AR-2026-00001, or you don't have a part in it/);
      assert.ok(!JSON.stringify(card).includes('housing team'), 'the business case is not shown');
      assert.ok(!JSON.stringify(card).includes(PEOPLE.alex.name), 'the requester is not named');
      assert.deepEqual(buttonVerbs(card), []);
      await bot.idle();

      assert.equal(cardsMatching(bot, 'alex', /approved/).length, 0);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Waiting for approval/);
      assert.deepEqual(referencesOn(await ask(bot, 'megan', 'approvals')), [REF]);
    });

    it('refuses a stranger\'s revoke and withdraw the same way', async () => {
      await submitRequest(bot, 'alex');
      for (const verb of ['accessRequest.withdraw', 'accessRequest.revoke', 'accessRequest.reject', 'accessRequest.commsSignOff']) {
        const { card } = await bot.click('stranger', verb, { reference: REF, comment: 'Some reason that is long enough.' });
        assert.match(cardText(card), /I can't find AR-2026-00001/, verb);
      }
      await bot.idle();
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Waiting for approval/);
    });

    it('does not let the requester approve their own request', async () => {
      await submitRequest(bot, 'alex');
      const { card } = await bot.click('alex', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(card), /You can't approve your own request/);
      assert.match(cardText(card), /Waiting for approval/);
      assert.ok(!buttonVerbs(card).includes('accessRequest.approve'));
      await bot.idle();

      assert.equal(cardsMatching(bot, 'alex', /approved your request/).length, 0);
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Waiting for approval/);
    });
  });

  describe('repeats and races', () => {
    it('records one decision and tells the requester once when the approver clicks approve twice', async () => {
      await submitRequest(bot, 'alex');
      const first = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      const second = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(first.card), /You approved this request/);
      assert.match(cardText(second.card), /Active/, 'the repeat shows the current state');
      assert.doesNotMatch(cardText(second.card), /already/i, 'a repeat by the same person is not an error');
      await bot.idle();

      assert.equal(cardsMatching(bot, 'alex', /approved your request/).length, 1, 'exactly one "approved" notification');
      assert.equal(approvalsOf(await ask(bot, 'alex', `show ${REF}`)), 1, 'one approval in the history');
    });

    it('records one approval when two approve clicks race', async () => {
      await submitRequest(bot, 'alex');
      const answers = await Promise.all([
        bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' }, 'card-a'),
        bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' }, 'card-b'),
      ]);
      for (const answer of answers) assert.match(cardText(answer.card), /Active/);
      await bot.idle();

      assert.equal(approvalsOf(await ask(bot, 'alex', `show ${REF}`)), 1, 'one ApprovedByManager in the history');
      assert.equal(cardsMatching(bot, 'alex', /approved your request/).length, 1);
    });

    it('records one decision when approve and reject race, and tells the loser what happened', async () => {
      await submitRequest(bot, 'alex');
      const [approved, rejected] = await Promise.all([
        bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' }, 'card-a'),
        bot.click('megan', 'accessRequest.reject', { reference: REF, comment: 'Not needed for the role.' }, 'card-b'),
      ]);
      await bot.idle();
      const shown = cardText(await ask(bot, 'alex', `show ${REF}`));
      const decisions = (shown.match(/(Approved|Rejected) by Megan Bowen/g) ?? []);
      assert.equal(decisions.length, 1, `one decision in the history, got ${decisions.join(', ')}`);
      const loser = /Approved/.test(decisions[0]!) ? rejected : approved;
      assert.match(cardText(loser.card), /already (approved|rejected) by Megan Bowen/);
      assert.equal(cardsMatching(bot, 'alex', /(approved|rejected) your request/).length, 1);
    });

    it('creates one request when Teams delivers the same submit twice, and says the second was already sent', async () => {
      const form = validForm();
      const first = await bot.click('alex', 'accessRequest.submit', form);
      const second = await bot.click('alex', 'accessRequest.submit', form);
      assert.match(cardText(first.card), /Sent to Megan Bowen/);
      assert.match(cardText(second.card), /This request was already sent/);
      assert.match(cardText(second.card), /AR-2026-00001/);
      await bot.idle();

      assert.deepEqual(referencesOn(await ask(bot, 'alex', 'my requests')), [REF]);
      assert.equal(cardsMatching(bot, 'megan', /asks for/).length, 1, 'the manager is asked once');
      // The repeat took a number before finding the claim (a lookup first would cost every submit a round trip):
      // the next request gets a later one, never the first request's.
      const next = await submitRequest(bot, 'alex');
      assert.match(cardText(next), /AR-2026-00003/);
      assert.deepEqual(referencesOn(await ask(bot, 'alex', 'my requests')).sort(), [REF, 'AR-2026-00003']);
    });

    it('creates one request when the same submit arrives twice at once', async () => {
      const form = validForm();
      const answers = await Promise.all([bot.click('alex', 'accessRequest.submit', form), bot.click('alex', 'accessRequest.submit', form)]);
      const texts = answers.map((answer) => cardText(answer.card));
      assert.equal(texts.filter((text) => /Sent to Megan Bowen/.test(text)).length, 1, texts.join('\n---\n'));
      assert.equal(texts.filter((text) => /already (sent|on its way)/.test(text)).length, 1);
      await bot.idle();
      assert.deepEqual(referencesOn(await ask(bot, 'alex', 'my requests')), [REF]);
      assert.equal(cardsMatching(bot, 'megan', /asks for/).length, 1);
    });
  });

  describe('form validation', () => {
    it('shows each problem next to its field, keeps what was typed, and stores nothing', async () => {
      const { card } = await bot.click('alex', 'accessRequest.submit', validForm({
        businessCase: 'Need it.', ackPolicy: 'false', ackMonitoring: '', sites: '',
      }));
      assert.match(cardText(card), /Please check the highlighted fields: nothing has been sent yet/);
      assert.match(errorNextTo(card, 'businessCase') ?? '', /at least 20 characters/);
      assert.match(errorNextTo(card, 'ackPolicy') ?? '', /You must confirm you have read and will follow the Social Media Policy/);
      assert.match(errorNextTo(card, 'ackMonitoring') ?? '', /You must acknowledge that your use may be monitored/);
      assert.match(errorNextTo(card, 'sites') ?? '', /Choose at least one site/);
      assert.equal(errorNextTo(card, 'approver'), undefined, 'a field without a problem has no error');
      assert.equal(inputValue(card, 'businessCase'), 'Need it.');
      assert.deepEqual(buttonVerbs(card), ['accessRequest.submit', 'form.cancel']);
      await bot.idle();

      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /You have not asked for access yet/);
      assert.match(cardText(await ask(bot, 'megan', 'approvals')), /Nothing is waiting for you/);
      assert.equal(cardsMatching(bot, 'megan', /asks for/).length, 0, 'the manager is not asked');
    });

    it('refuses dates in the past and periods over twelve months next to the date fields', async () => {
      const past = await bot.click('alex', 'accessRequest.submit', validForm({ startDate: '2026-11-01', endDate: '2027-01-01' }));
      assert.match(errorNextTo(past.card, 'startDate') ?? '', /can't be in the past/);
      const long = await bot.click('alex', 'accessRequest.submit', validForm({ startDate: '2026-11-25', endDate: '2028-01-01' }));
      assert.match(errorNextTo(long.card, 'endDate') ?? '', /at most 12 months/);
      await bot.idle();
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /You have not asked for access yet/);
    });

    it('accepts the corrected form after a refused one', async () => {
      const form = validForm({ businessCase: 'Too short.' });
      const refused = await bot.click('alex', 'accessRequest.submit', form);
      assert.match(errorNextTo(refused.card, 'businessCase') ?? '', /at least 20 characters/);
      const fixed = await bot.click('alex', 'accessRequest.submit', { ...form, businessCase: BUSINESS_CASE });
      assert.match(cardText(fixed.card), /AR-2026-00001/);
      assert.match(cardText(fixed.card), /Sent to Megan Bowen/);
    });
  });

  describe('unexpected input', () => {
    it('answers an unknown button with a 200 invoke response and a "no longer in use" card', async () => {
      const answer = await bot.post('/api/messages', bot.activity('alex', {
        type: 'invoke', name: 'adaptiveCard/action', replyToId: 'old-card',
        value: { action: { type: 'Action.Execute', verb: 'accessRequest.teleport', data: { reference: REF } }, trigger: 'manual' },
      }));
      assert.equal(answer.status, 200, 'never 501');
      const body = answer.body as { statusCode: number; type: string; value: unknown };
      assert.equal(body.statusCode, 200);
      assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(cardText(body.value), /This button is no longer in use/);
    });

    it('answers a card action with no verb or data with a 200 invoke response', async () => {
      const answer = await bot.post('/api/messages', bot.activity('alex', {
        type: 'invoke', name: 'adaptiveCard/action', replyToId: 'old-card', value: { action: { type: 'Action.Execute' }, trigger: 'manual' },
      }));
      assert.equal(answer.status, 200);
      assert.match(cardText((answer.body as { value: unknown }).value), /no longer in use/);
    });

    it('answers an automatic refresh with the current card for the viewer only, updating nobody else\'s message', async () => {
      await submitRequest(bot, 'alex');
      const updatesBefore = bot.connector.calls.filter((call) => call.method === 'PUT').length;
      const answer = await bot.post('/api/messages', bot.activity('megan', {
        type: 'invoke', name: 'adaptiveCard/action', replyToId: 'some-card',
        value: { action: { type: 'Action.Execute', verb: 'accessRequest.refresh', data: { reference: REF } }, trigger: 'automatic' },
      }));
      assert.equal(answer.status, 200);
      const card = (answer.body as { value: unknown }).value;
      assert.match(cardText(card), /Megan Bowen to decide/);
      assert.ok(buttonVerbs(card).includes('accessRequest.approve'));
      await bot.idle();
      assert.equal(bot.connector.calls.filter((call) => call.method === 'PUT').length, updatesBefore);
    });

    it('gives the same "can\'t find" answer for a reference that does not exist and for one the person has no part in', async () => {
      await submitRequest(bot, 'alex');
      const notMine = cardText(await ask(bot, 'stranger', `show ${REF}`));
      const missing = cardText(await ask(bot, 'stranger', 'show AR-2026-00099'));
      assert.match(missing, /I can't find AR-2026-00099, or you don't have a part in it/);
      assert.equal(notMine.replace(REF, 'AR-2026-00099'), missing, 'nothing tells the two apart');
      assert.ok(!notMine.includes('housing team'));

      const clickedNotMine = await bot.click('stranger', 'case.show', { reference: REF });
      const clickedMissing = await bot.click('stranger', 'case.show', { reference: 'AR-2026-00099' });
      assert.equal(JSON.stringify(clickedNotMine.card).replace(REF, 'AR-2026-00099'), JSON.stringify(clickedMissing.card));
    });
  });
});
