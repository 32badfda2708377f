import assert from 'node:assert/strict';
import { DEFAULT_POLICY_URL } from '../../src/config';
import { BotHarness, buttonVerbs, cardText, CardJson, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, factTexts, formSubmission, inputValue, newCardsFor, NOW } from './conversation-helpers';

const CALL_999 = /If you are in immediate danger, call 999 now/;
const EAP = /livewell\.optum\.com/;
const CHANNEL = { id: '19:housing-team@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: '11111111-2222-3333-4444-555555555555' };

/** Types free text and returns every card the bot answered with, in order. */
async function tell(bot: BotHarness, person: PersonKey, text: string): Promise<CardJson[]> {
  const before = newCardsFor(bot, person).length;
  const answer = await bot.say(person, text);
  assert.equal(answer.status, 200);
  return newCardsFor(bot, person).slice(before);
}

function openUrls(card: unknown): string[] {
  return [...JSON.stringify(card).matchAll(/"type":"Action\.OpenUrl","title":"[^"]*","url":"([^"]+)"/g)].map((match) => match[1]!);
}

describe('free text, understood (issue 13, "Understanding")', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of Object.keys(PEOPLE) as PersonKey[]) await bot.install(person);
  });
  afterEach(async () => bot.stop());

  describe('abuse and danger', () => {
    for (const [phrase, platform] of [['I\'m being harassed on Facebook', 'facebook'], ['a tenant is threatening me on twitter', 'x'], ['im getting abuse on insta from a tenant', 'instagram'], ['someone is doxxing me', '']] as const) {
      it(`answers "${phrase}" with the report form${platform ? `, ${platform} chosen` : ''}`, async () => {
        const form = await ask(bot, 'alex', phrase);
        assert.match(cardText(form), /Report abuse or harassment/);
        assert.equal(inputValue(form, 'platform'), platform);
        assert.equal(inputValue(form, 'immediateDanger'), 'false');
      });
    }

    it('answers "he said he\'ll kill me" with 999 first, then the support details, then the form marked urgent', async () => {
      const cards = await tell(bot, 'alex', 'he said he\'ll kill me');
      assert.equal(cards.length, 2, 'a safety card, then the form');
      const [safety, form] = cards as [CardJson, CardJson];
      const safetyLines = cardText(safety).split('\n');
      assert.match(safetyLines[0]!, CALL_999, '999 is the first line');
      assert.match(safetyLines.slice(1).join('\n'), EAP, 'then the Employee Assistance Programme');
      assert.equal(inputValue(form, 'immediateDanger'), 'true', 'the form is marked urgent');
      assert.doesNotMatch(cardText(form), /999/, 'the 999 line is said once, on the safety card above the form');
      assert.ok(buttonVerbs(form).includes('abuseReport.submit'));

      const submission = formSubmission(form, {
        category: 'threat', source: 'tenant_or_customer', platform: 'facebook', description: 'He wrote under my post that he will kill me.',
      });
      const { card: receipt } = await bot.click('alex', submission.verb, submission.data);
      await bot.idle();
      assert.match(cardText(receipt), CALL_999, 'the report went in as urgent');
    });

    for (const phrase of ['THERE IS A MAN OUTSIDE MY HOUSE', 'im scared to go home tonight', 'a tenant on fb says theyre going to hurt my kids']) {
      it(`treats "${phrase}" as danger`, async () => {
        const cards = await tell(bot, 'megan', phrase);
        assert.match(cardText(cards[0]), CALL_999);
        assert.equal(inputValue(cards[1], 'immediateDanger'), 'true');
      });
    }

    it('does not alarm anyone over "I killed it in the meeting 😂"', async () => {
      const cards = await tell(bot, 'alex', 'I killed it in the meeting 😂');
      assert.equal(cards.length, 1);
      assert.doesNotMatch(cardText(cards[0]), /999/);
    });
  });

  describe('access, takedowns and concerns', () => {
    for (const [phrase, sites] of [['I need Twitter for work', 'x'], ['can I use LinkedIn for the job', 'linkedin'], ['need fb and insta for my role', 'facebook,instagram']] as const) {
      it(`answers "${phrase}" with the access request, ${sites} ticked`, async () => {
        const form = await ask(bot, 'alex', phrase);
        assert.ok(buttonVerbs(form).includes('accessRequest.submit'));
        assert.equal(inputValue(form, 'sites'), sites);
        assert.equal(inputValue(form, 'approver'), PEOPLE.megan.id, 'the rest is filled in as usual');
      });
    }

    it('gives the Communications Team the takedown form for "remove a post"', async () => {
      const form = await ask(bot, 'adele', 'can we get that facebook post removed');
      assert.ok(buttonVerbs(form).includes('takedown.issue'));
      assert.equal(inputValue(form, 'platform'), 'facebook');
    });

    for (const phrase of ['remove a post', 'a tenant complained on Facebook', 'someone posted about us']) {
      it(`tells staff who say "${phrase}" to talk to their manager or the Communications Team`, async () => {
        const answer = await ask(bot, 'alex', phrase);
        assert.match(cardText(answer), /line manager or a member of the Communications Team/);
        assert.ok(!buttonVerbs(answer).includes('takedown.issue'));
      });
    }

    it('gives the Communications Team the form to log a customer\'s post on the desk, with the site named', async () => {
      const form = await ask(bot, 'patti', 'a tenant complained on Facebook');
      assert.deepEqual(buttonVerbs(form).filter((verb) => verb === 'customerPost.log'), ['customerPost.log']);
      assert.equal(inputValue(form, 'platform'), 'facebook');
    });
  });

  describe('policy, lists and what it cannot place', () => {
    for (const phrase of ['policy', 'what can I post?', 'Guidelines please']) {
      it(`answers "${phrase}" with the policy card and its link`, async () => {
        const card = await ask(bot, 'alex', phrase);
        assert.match(cardText(card), /Social media: the rules for staff/);
        assert.deepEqual(openUrls(card), [DEFAULT_POLICY_URL]);
      });
    }

    it('answers "what\'s waiting" with the needs-my-action list', async () => {
      assert.match(cardText(await ask(bot, 'megan', 'what\'s waiting for me?')), /Waiting for you/);
    });

    const shortList = async (person: PersonKey) => factTexts(await ask(bot, person, 'qwertyuiop zxcv')).map((fact) => fact.split(':')[0]);
    it('answers gibberish with a short list of what this person can do', async () => {
      assert.deepEqual(await shortList('alex'), ['report abuse', 'request access', 'my actions', 'policy']);
    });

    it('adds team commands only for the team', async () => {
      assert.deepEqual((await shortList('adele')).slice(4), ['issue takedown', 'takedowns']);
      assert.deepEqual((await shortList('isaiah')).slice(4), ['incidents']);
    });

    it('keeps the typed commands as they were', async () => {
      const help = await ask(bot, 'alex', 'help');
      assert.doesNotMatch(cardText(help), /didn't recognise/, 'help is the help card, not the short list');
      assert.ok(factTexts(help).length > 4);
      assert.match(cardText(await ask(bot, 'alex', 'my cases')), /My cases/);
      assert.equal(inputValue(await ask(bot, 'alex', 'report abuse'), 'platform'), '');
    });

    it('never writes what was typed to the log', async () => {
      await tell(bot, 'alex', 'Mrs McGlinchey said she will kill me on Facebook');
      const logs = bot.logLines.join('\n');
      assert.match(logs, /free text understood/);
      assert.doesNotMatch(logs, /McGlinchey/);
    });
  });

  describe('in a channel', () => {
    const sayInChannel = async (person: PersonKey, text: string) => {
      const before = bot.connector.cardsIn(CHANNEL.id).length;
      await bot.post('/api/messages', bot.activity(person, { type: 'message', text, conversation: CHANNEL }));
      return bot.connector.cardsIn(CHANNEL.id).slice(before);
    };

    it('keeps reports and requests in the 1:1 chat', async () => {
      for (const phrase of ['I\'m being harassed on Facebook', 'I need Twitter for work', 'what\'s waiting', 'remove a post']) {
        const cards = await sayInChannel('adele', phrase);
        assert.equal(cards.length, 1, phrase);
        assert.match(cardText(cards[0]), /Ask me in our 1:1 chat/, phrase);
      }
    });

    it('still gives 999 and support at once when danger is written there', async () => {
      const cards = await sayInChannel('alex', 'he said he\'ll kill me');
      assert.match(cardText(cards[0]), CALL_999);
      assert.match(cardText(cards[0]), EAP);
      assert.match(cardText(cards[1]), /Ask me in our 1:1 chat/);
    });

    it('answers "policy" there', async () => {
      assert.match(cardText((await sayInChannel('alex', 'policy'))[0]), /Social media: the rules for staff/);
    });
  });
});
