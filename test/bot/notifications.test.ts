import assert from 'node:assert/strict';
import { createCaseStore } from '../../src/store/case-store';
import sinon from 'sinon';
import { BotHarness, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, cardsMatching, formSubmission, newCardsIn, NOW, submitRequest, validForm } from './conversation-helpers';

const REF = 'AR-2026-00001';
const UNREACHABLE = /I couldn't reach Megan Bowen in Teams/;
const MAX_CARD_BYTES = 28 * 1024;

describe('proactive notifications over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  /** Text messages (not cards) the bot sent into a person's chat: an apology there means a notification went wrong. */
  const textsFor = (person: PersonKey) => bot.connector.textsIn(bot.personalConversation(person));

  describe('when the approver cannot be reached', () => {
    it('tells the requester when a chat with the approver cannot be opened (app not installed for them)', async () => {
      await bot.install('alex');
      bot.connector.faults.set('created-aad-megan', [{ status: 403, code: 'BotNotInConversationRoster' }]);

      const sent = await submitRequest(bot, 'alex');
      assert.match(cardText(sent), /Sent to Megan Bowen/);

      const told = cardsMatching(bot, 'alex', UNREACHABLE);
      assert.equal(told.length, 1, 'the requester is told once');
      assert.match(cardText(told[0]), /withdraw and choose another approver/);
      const opened = bot.connector.calls.filter((call) => call.path === '/v3/conversations' && call.conversationId === 'created-aad-megan');
      assert.equal(opened.length, 1, 'one attempt to open the chat: a 403 is final');
    });

    const STATUS_FOR: Record<string, string> = { BotNotInConversationRoster: 'not_installed', ConversationBlockedByUser: 'blocked', BotDisabledByAdmin: 'disabled' };
    for (const code of ['BotNotInConversationRoster', 'ConversationBlockedByUser', 'BotDisabledByAdmin']) {
      it(`tells the requester when sending to the approver's chat is refused with 403 ${code}, and records it on the case`, async () => {
        await bot.install('alex');
        await bot.install('megan');
        bot.connector.faults.set(bot.personalConversation('megan'), [{ status: 403, code }, { status: 403, code }]);

        await submitRequest(bot, 'alex');
        assert.equal(cardsMatching(bot, 'alex', UNREACHABLE).length, 1, 'the requester is told the approver could not be reached');
        assert.deepEqual(textsFor('megan'), [], 'the approver is not sent an apology instead');
        assert.deepEqual(textsFor('alex'), []);
        const recorded = await createCaseStore(bot.tables.cases).undelivered('AR-2026-00001');
        assert.deepEqual(recorded.map(({ personId, status }) => ({ personId, status })), [{ personId: 'aad-megan', status: STATUS_FOR[code] }]);
      });
    }

    it('does not tell the requester anything when the approver was reached', async () => {
      await bot.install('alex');
      await submitRequest(bot, 'alex'); // megan never wrote to the bot: the bot opens a chat with her
      assert.equal(cardsMatching(bot, 'alex', UNREACHABLE).length, 0);
      assert.equal(newCardsIn(bot, 'created-aad-megan').length, 1, 'the manager got the request in a new chat');
      assert.match(cardText(newCardsIn(bot, 'created-aad-megan')[0]), /Alex Wilber asks for view access to Facebook, LinkedIn/);
    });
  });

  describe('when Teams is busy', () => {
    /** Cards with the request that reached the manager: attempts at her chat minus the faults it answered. */
    function deliveredToMegan(injected: number): number {
      const attempts = cardsMatching(bot, 'megan', /Alex Wilber asks for/).length;
      const refused = injected - (bot.connector.faults.get(bot.personalConversation('megan'))?.length ?? 0);
      assert.ok(refused >= 1, 'the faults were met');
      return attempts - refused;
    }

    it('delivers the approver\'s card exactly once after a 429 with Retry-After', async () => {
      await bot.install('alex');
      await bot.install('megan');
      bot.connector.faults.set(bot.personalConversation('megan'), [{ status: 429, retryAfterSeconds: 1 }]);

      await submitRequest(bot, 'alex');
      assert.equal(deliveredToMegan(1), 1, 'delivered exactly once');
      assert.deepEqual(textsFor('megan'), [], 'no apology was sent in its place');
      assert.equal(cardsMatching(bot, 'alex', UNREACHABLE).length, 0, 'a busy service is not "unreachable"');

      const approved = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(approved.card), /You approved this request/);
    });

    it('keeps the approver\'s card through a longer throttle and delivers it exactly once when the outbox is retried', async () => {
      await bot.install('alex');
      await bot.install('megan');
      // Retry-After 0 is not waited for by the HTTP client: these outlast the retries made during the turn.
      const throttled = [1, 2, 3, 4, 5, 6].map(() => ({ status: 429, retryAfterSeconds: 0 }));
      bot.connector.faults.set(bot.personalConversation('megan'), [...throttled]);

      await submitRequest(bot, 'alex');
      assert.deepEqual(textsFor('megan'), [], 'no apology is sent in place of the card');
      assert.equal(cardsMatching(bot, 'alex', UNREACHABLE).length, 0, 'a busy service is not "unreachable"');

      const refused = throttled.length - (bot.connector.faults.get(bot.personalConversation('megan'))?.length ?? 0);
      bot.connector.faults.delete(bot.personalConversation('megan')); // the throttle ends
      bot.advanceClock(60_000); // past the retry wait
      await bot.runtime.scheduler.tick(); // the retry timer of the outbox fires
      await bot.idle();

      const attempts = cardsMatching(bot, 'megan', /Alex Wilber asks for/).length;
      assert.equal(attempts - refused, 1, 'delivered exactly once');
      assert.deepEqual(textsFor('megan'), []);
      const approved = await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      assert.match(cardText(approved.card), /You approved this request/);
    });
  });

  describe('when one member of a team cannot be reached for a while', () => {
    it('does not send the other members a second sign-off card when the team notification is retried', async () => {
      for (const person of ['alex', 'megan', 'adele', 'patti'] as const) await bot.install(person);
      await submitRequest(bot, 'alex', { kind: 'post' });
      bot.connector.faults.set(bot.personalConversation('patti'), [1, 2, 3, 4, 5, 6].map(() => ({ status: 429, retryAfterSeconds: 0 })));
      await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();
      bot.connector.faults.delete(bot.personalConversation('patti'));
      bot.advanceClock(60_000);
      await bot.runtime.scheduler.tick();
      await bot.idle();
      assert.equal(cardsMatching(bot, 'adele', /needs your sign-off/).length, 1, 'adele is asked once');
    });
  });

  describe('card size', () => {
    /** Every card the bot sent, updated or answered a click with. */
    function everyCard(answers: readonly CardJson[]): CardJson[] {
      const sent = bot.connector.calls.filter((call) => call.body.attachments)
        .map((call) => (call.body.attachments as { content: CardJson }[])[0]!.content);
      return [...sent, ...answers];
    }

    it('keeps every card under 28 KB, even with the longest business case and comments in a long history', async () => {
      for (const person of ['alex', 'megan', 'adele', 'patti'] as const) await bot.install(person);
      // Two-byte letters (Welsh, Polish names) and characters JSON escapes make the bytes larger than the length.
      const longText = (n: number) => 'Łódź "Tŷ" café — ŵ & <b>ŷ</b> \\ '.repeat(200).slice(0, n);
      const answers: CardJson[] = [];
      const click = async (person: PersonKey, verb: string, data: Record<string, unknown>) => {
        const { card } = await bot.click(person, verb, data);
        answers.push(card);
        await bot.idle();
        return card;
      };

      await bot.say('alex', 'request access');
      answers.push(await submitRequest(bot, 'alex', { kind: 'post', businessCase: longText(2000), sites: 'facebook,x,linkedin,instagram,snapchat,viva_engage,youtube,vimeo,tiktok,other', otherSite: longText(59) }));
      for (let round = 0; round < 6; round++) {
        await click('megan', 'accessRequest.requestInfo', { reference: REF, comment: longText(500) });
        const form = await click('alex', 'accessRequest.edit', { reference: REF });
        const submission = formSubmission(form, { businessCase: longText(2000 - round) });
        await click('alex', submission.verb, submission.data);
      }
      await click('megan', 'accessRequest.approve', { reference: REF, comment: longText(500) });
      await click('adele', 'accessRequest.commsSignOff', { reference: REF, comment: longText(500) });
      await click('patti', 'accessRequest.revoke', { reference: REF, comment: longText(500) });
      await click('alex', 'case.show', { reference: REF });
      await click('alex', 'accessRequest.submit', validForm({ businessCase: longText(2001) }));
      assert.match(cardText(answers.at(-2)), /Revoked/, 'the flow ran to the end');

      const cards = everyCard(answers);
      assert.ok(cards.length > 30, `checked ${cards.length} cards`);
      const sizes = cards.map((card) => Buffer.byteLength(JSON.stringify(card), 'utf8'));
      const largest = Math.max(...sizes);
      assert.ok(largest < MAX_CARD_BYTES, `the largest card is ${largest} bytes`);
    });

    it('keeps the request form under 28 KB with a large staff directory and the longest inputs shown back', async () => {
      await bot.stop();
      const staff = Array.from({ length: 400 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Gwenllian Llewelyn-Pryce-Ó Súilleabháin ${i}`, roles: [] as never[] }));
      bot = await new BotHarness({ now: () => NOW, people: [...Object.values(PEOPLE), ...staff] }).start();
      await bot.install('alex');
      const form = await ask(bot, 'alex', 'request access');
      const refused = await bot.click('alex', 'accessRequest.submit', validForm({
        businessCase: '€ŵ"'.repeat(700).slice(0, 2000), sites: 'other', otherSite: 'ŵ'.repeat(60), startDate: '2020-01-01',
      }));
      assert.match(cardText(refused.card), /Please check the highlighted fields/);
      for (const card of [form, refused.card]) {
        const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
        assert.ok(bytes < MAX_CARD_BYTES, `the form is ${bytes} bytes`);
      }
    });
  });
});
