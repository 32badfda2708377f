import assert from 'node:assert/strict';
import sinon from 'sinon';
import { MAX_CARD_BYTES } from '../../src/cards/render';
import { BotHarness, buttonVerbs, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, cardsMatching, errorNextTo, formSubmission, inputValue, listItems, newCardsFor, NOW } from './conversation-helpers';

// The official renderer's object model parses cards in Node from its dist bundle (no DOM needed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/**
 * Staff concerns over HTTP (issue 12, "Staff concerns"), as the people in Teams see them: Alex raises a concern
 * about a post by Megan, his line manager; Adele and Patti (Communications Team) decide what it becomes. Megan
 * is never told, and never shown it; Alex is told the outcome in general terms.
 */
const REF = 'SC-2026-00001';
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
const POST_LINK = 'https://www.facebook.com/megan.bowen/posts/pfbid0concern';
const WORRY = 'A post shows a tenant\'s front door in Govan with the street name visible.';
const NOT_FOUND = /I can't find that concern, or you don't have a part in it\./;
const TEAM_NOTE = 'Isaiah Langer confirmed the tenant did not agree to the photo.';
const TRIAGE_VERBS = ['concern.takedown', 'concern.customerPost', 'concern.moderate', 'concern.suggestAbuseReport', 'concern.noAction', 'infoRequest.new'];

const concernVerbs = (card: unknown) => buttonVerbs(card).filter((verb) => verb.startsWith('concern.') || verb === 'infoRequest.new');
const headlineOf = (card: unknown) => cardText(card).split('\n')[0] ?? '';

/** Asks for the concern form in the chat and sends it filled in; waits until everyone it tells is told. */
async function raiseConcern(bot: BotHarness, person: PersonKey = 'alex', changes: Record<string, unknown> = {}, typed = 'raise a concern'): Promise<CardJson> {
  const form = await ask(bot, person, typed);
  const submission = formSubmission(form, {
    link: POST_LINK, platform: 'facebook', about: 'colleague', colleague: PEOPLE.megan.id, worry: WORRY, ...changes,
  });
  assert.equal(submission.verb, 'concern.raise');
  const { card } = await bot.click(person, submission.verb, submission.data, `${person}-form`);
  await bot.idle();
  return card;
}

/** A Communications Team member presses a decision on the concern card; waits until what it caused is sent. */
async function triage(bot: BotHarness, verb: string, data: Record<string, unknown> = {}, person: PersonKey = 'adele'): Promise<CardJson> {
  const { card } = await bot.click(person, `concern.${verb}`, { reference: REF, note: '', ...data }, `${person}-card`);
  await bot.idle();
  return card;
}

/**
 * A triage whose answer is another workflow's form: the concern's card stays (it is updated in place with the
 * outcome) and the form comes as a new message, which is the one then sent.
 */
async function handOver(bot: BotHarness, verb: 'takedown' | 'customerPost', person: PersonKey = 'adele'): Promise<CardJson> {
  const before = newCardsFor(bot, person).length;
  assert.equal(await bot.clickKeepingCard(person, `concern.${verb}`, { reference: REF, note: '' }, `${person}-card`), 'The form is below.');
  await bot.idle();
  const cards = newCardsFor(bot, person);
  assert.equal(cards.length, before + 1, 'the form, as a new message');
  return cards.at(-1)!;
}

/** Every card in a person's chat, sent or updated in place. */
function everythingSentTo(bot: BotHarness, person: PersonKey): string {
  return JSON.stringify(bot.connector.cardsIn(bot.personalConversation(person)));
}

/** The cards in a person's chat that show the concern (not the forms, whose people lists name everyone). */
function concernCardsOf(bot: BotHarness, person: PersonKey): string {
  return JSON.stringify(bot.connector.cardsIn(bot.personalConversation(person)).filter((card) => JSON.stringify(card).includes(REF)));
}

function parseWarnings(card: unknown): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  new AC.AdaptiveCard().parse(card as object, context);
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  return warnings.filter((message) => !/^Property "choices\.data" is supported in version 1\.6/.test(message));
}

describe('staff concerns over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of EVERYONE) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('raising', () => {
    it('gives anyone the form, and sends the concern to the Communications Team, never to the colleague it is about', async () => {
      const opened = await raiseConcern(bot);
      assert.match(cardText(opened), /Sent to the Communications Team\. They will look at the post and tell you what they did\./);
      assert.match(cardText(opened), new RegExp(`${REF}[\\s\\S]*Raised: waiting for the Communications Team`));
      assert.match(cardText(opened), /A colleague: Megan Bowen/, 'the raiser sees the colleague they named');
      assert.deepEqual(concernVerbs(opened), [], 'nothing for the raiser to press');

      for (const member of ['adele', 'patti'] as const) {
        const told = cardsMatching(bot, member, /Alex Wilber raised a concern about a post on Facebook\./);
        assert.equal(told.length, 1, `${member} is told`);
        assert.deepEqual(concernVerbs(told[0]), TRIAGE_VERBS);
        assert.match(cardText(told[0]), /A colleague: Megan Bowen/);
      }
      for (const other of ['megan', 'isaiah', 'stranger'] as const) {
        assert.ok(!everythingSentTo(bot, other).includes(REF), `${other} hears nothing of it`);
      }
    });

    it('shows the form again with each problem next to its field, and sends nothing', async () => {
      const refused = await raiseConcern(bot, 'alex', { link: 'javascript:alert(1)', worry: 'short' });
      assert.match(cardText(refused), /Please check the highlighted fields: nothing has been sent yet\./);
      assert.match(errorNextTo(refused, 'link') ?? '', /Give the one link to the post/);
      assert.match(errorNextTo(refused, 'worry') ?? '', /at least 20 characters/);
      assert.equal(inputValue(refused, 'worry'), 'short', 'what was typed is kept');
      assert.equal(cardsMatching(bot, 'adele', /raised a concern/).length, 0);
    });

    it('takes a concern with no link (they only saw it) and keeps no colleague unless it is about one', async () => {
      const opened = await raiseConcern(bot, 'alex', { link: '', about: 'customer' });
      assert.match(cardText(opened), /A customer or member of the public/);
      assert.doesNotMatch(JSON.stringify(opened), /Megan|Open the post/);
      assert.doesNotMatch(everythingSentTo(bot, 'adele'), /Megan Bowen/, 'the colleague chosen by mistake is not kept');
    });

    it('answers the same form sent twice with the one concern', async () => {
      const form = await ask(bot, 'alex', 'raise a concern');
      const submission = formSubmission(form, { platform: 'x', about: 'group_page', worry: WORRY });
      await bot.click('alex', submission.verb, submission.data);
      const { card } = await bot.click('alex', submission.verb, submission.data);
      await bot.idle();
      assert.match(cardText(card), /This concern was already sent\./);
      assert.equal(cardsMatching(bot, 'adele', /raised a concern/).length, 1);
    });

    it('lets the form be cancelled', async () => {
      const { card } = await bot.click('alex', 'concern.cancel', {});
      assert.match(cardText(card), /Nothing was sent/);
    });

    for (const typed of ['issue takedown', 'takedown', 'remove a post']) {
      it(`gives staff who type "${typed}" the concern form, saying only the Communications Team issues takedown notices`, async () => {
        const form = await ask(bot, 'alex', typed);
        assert.match(cardText(form), /Communications Team only/);
        assert.match(cardText(form), /Only the Communications Team issues and follows takedown notices\. Tell them about the post here\./);
        assert.deepEqual(buttonVerbs(form), ['concern.raise', 'concern.cancel']);
        const opened = await raiseConcern(bot, 'alex', {}, typed);
        assert.match(cardText(opened), /Sent to the Communications Team/);
      });
    }

    it('gives staff the form from the "Issue takedown" button too, and the Communications Team their takedown form as before', async () => {
      const { card: staff } = await bot.click('megan', 'menu.issueTakedown', {});
      assert.deepEqual(buttonVerbs(staff), ['concern.raise', 'concern.cancel']);
      const { card: comms } = await bot.click('adele', 'menu.issueTakedown', {});
      assert.deepEqual(buttonVerbs(comms), ['takedown.issue', 'takedown.cancel']);
      assert.match(cardText(await ask(bot, 'adele', 'issue takedown')), /Issue a takedown notice/);
    });

    it('fills in the site staff name in their own words', async () => {
      const form = await ask(bot, 'alex', 'someone posted about us on facebook');
      assert.ok(buttonVerbs(form).includes('concern.raise'));
    });
  });

  describe('the Communications Team\'s lists', () => {
    it('shows open concerns oldest first on "concerns" and in "my actions"; the raiser\'s own on "my concerns"', async () => {
      await raiseConcern(bot);
      await raiseConcern(bot, 'megan', { about: 'group_page', colleague: '' });
      const list = await ask(bot, 'adele', 'concerns');
      assert.match(cardText(list), /Concerns raised by staff/);
      assert.deepEqual(listItems(list).map((item) => item.reference), [REF, 'SC-2026-00002']);
      assert.match(cardText(await ask(bot, 'patti', 'my actions')), new RegExp(`${REF}[\\s\\S]*Your turn: Communications Team`));

      const mine = await ask(bot, 'alex', 'my concerns');
      assert.deepEqual(listItems(mine).map((item) => item.reference), [REF]);
      assert.match(cardText(await ask(bot, 'alex', 'my cases')), /Concern: a post on Facebook/);

      await triage(bot, 'suggestAbuseReport');
      assert.deepEqual(listItems(await ask(bot, 'adele', 'concerns')).map((item) => item.reference), ['SC-2026-00002'], 'a decided concern leaves the queue');
    });

    it('refuses the team list to everyone else', async () => {
      for (const person of ['alex', 'megan', 'isaiah'] as const) {
        assert.match(cardText(await ask(bot, person, 'concerns')), /Only the Communications Team sees the concerns staff raise\./);
      }
    });
  });

  describe('triage', () => {
    beforeEach(async () => {
      await raiseConcern(bot);
    });

    it('into a takedown notice: the takedown form filled in from the concern, which opens a TD when sent', async () => {
      const form = await handOver(bot, 'takedown');
      assert.match(cardText(form), /Issue a takedown notice/);
      const concernCard = bot.connector.delivered.filter((call) => call.method === 'PUT' && call.activityId === 'adele-card').at(-1);
      assert.match(cardText((concernCard?.body.attachments as { content: unknown }[] | undefined)?.[0]?.content), new RegExp(`${REF}[\\s\\S]*takedown`), 'the concern\'s card shows the outcome, in place');
      assert.equal(inputValue(form, 'link'), POST_LINK);
      assert.equal(inputValue(form, 'platform'), 'facebook');
      assert.equal(inputValue(form, 'recipient'), PEOPLE.megan.id, 'the colleague it is about');
      const submission = formSubmission(form, { clauses: 'identifying_people', explanation: 'The post shows a tenant\'s front door and street.' });
      const { card: sent } = await bot.click('adele', submission.verb, submission.data, 'adele-form');
      await bot.idle();
      assert.match(cardText(sent), /TD-2026-00001/);
      assert.match(cardText(sent), /Sent to Megan Bowen/);
      assert.equal(cardsMatching(bot, 'megan', /TD-2026-00001/).length, 1, 'the recipient gets the notice, and only the notice');

      const told = cardsMatching(bot, 'alex', /The Communications Team has asked for the post you raised to be removed\./);
      assert.equal(told.length, 1);
      assert.doesNotMatch(headlineOf(told[0]), /Megan/);
      assert.ok(!everythingSentTo(bot, 'alex').includes('TD-2026-00001'), 'the raiser never sees the notice or its reference');
      assert.ok(!everythingSentTo(bot, 'megan').includes(REF), 'the recipient never learns of the concern');

      const again = await handOver(bot, 'takedown');
      assert.match(cardText(again), /Issue a takedown notice/, 'pressed again, the form again');
      const other = await triage(bot, 'noAction', { reason: 'within_policy', note: 'Thought better of it.' }, 'patti');
      assert.match(cardText(other), /SC-2026-00001 was already dealt with by Adele Vance on 25 Nov 2026, 10:00: a takedown notice\./);
    });

    it('into a customer post: the log-a-post form filled in from the concern, which logs it on the desk when sent', async () => {
      const form = await handOver(bot, 'customerPost');
      assert.deepEqual(buttonVerbs(form).filter((verb) => verb === 'customerPost.log'), ['customerPost.log']);
      assert.equal(inputValue(form, 'link'), POST_LINK);
      assert.equal(inputValue(form, 'platform'), 'facebook');
      const submission = formSubmission(form, { kind: 'misinformation', summary: 'Says our repairs team never turned up.' });
      const { card: logged } = await bot.click('adele', submission.verb, submission.data, 'adele-form');
      await bot.idle();
      assert.match(cardText(logged), /Logged as CP-2026-00001/);
      assert.equal(cardsMatching(bot, 'alex', /The Communications Team has dealt with the post you raised: it is on their desk to respond to\./).length, 1);
      assert.match(cardText(await ask(bot, 'adele', REF)), /Closed: on the customer posts desk/);
    });

    it('into a moderation action: needs what was done, and tells the raiser it was dealt with', async () => {
      const refused = await triage(bot, 'moderate', { note: 'Hid it' });
      assert.match(cardText(refused), /Say what was done, in a line\./);
      assert.match(errorNextTo(refused, 'note') ?? '', /Say what was done/);
      assert.equal(inputValue(refused, 'note'), 'Hid it', 'what was typed is kept');
      const done = await triage(bot, 'moderate', { note: 'Hid the comment under the house rules.' });
      assert.match(cardText(done), /Recorded\. The member of staff has been told the post was dealt with\./);
      assert.match(cardText(done), /Closed: moderated/);
      assert.deepEqual(concernVerbs(done), [], 'no dead button once decided');
      const told = cardsMatching(bot, 'alex', /The Communications Team has dealt with the post you raised\./);
      assert.equal(told.length, 1);
      assert.doesNotMatch(cardText(told[0]), /house rules|Adele/, 'not the team\'s words, nor who');
    });

    it('into a suggestion to report abuse: the raiser gets a card with the "Report abuse" button', async () => {
      await triage(bot, 'suggestAbuseReport');
      const told = cardsMatching(bot, 'alex', /suggests you report the post as abuse aimed at you/);
      assert.equal(told.length, 1);
      assert.deepEqual(buttonVerbs(told[0]), ['menu.reportAbuse']);
      const { card: form } = await bot.click('alex', 'menu.reportAbuse', {});
      assert.match(cardText(form), /Report abuse or harassment/);
    });

    it('into no action: needs a reason; the raiser hears the general reason, never the team\'s own words', async () => {
      const refused = await triage(bot, 'noAction', { note: '' });
      assert.match(errorNextTo(refused, 'reason') ?? '', /Choose why no action is needed/);
      await triage(bot, 'noAction', { reason: 'within_policy', note: TEAM_NOTE });
      const told = cardsMatching(bot, 'alex', /no action was needed: the post does not breach the Social Media Policy\./);
      assert.equal(told.length, 1);
      const raiserSees = concernCardsOf(bot, 'alex');
      assert.ok(raiserSees.includes('no action was needed'));
      for (const hidden of ['Isaiah', 'Adele', 'did not agree']) assert.ok(!raiserSees.includes(hidden), hidden);
      assert.doesNotMatch(headlineOf(told[0]), /Megan/, 'the outcome never names the colleague');
      assert.match(cardText(await ask(bot, 'patti', REF)), /Isaiah Langer confirmed the tenant did not agree/, 'the team keeps its note');
    });

    it('updates the other team member\'s card in place', async () => {
      await triage(bot, 'suggestAbuseReport');
      const updates = bot.connector.delivered.filter((call) => call.method === 'PUT' && call.conversationId === bot.personalConversation('patti'));
      assert.equal(updates.length, 1);
      assert.match(cardText((updates[0]!.body.attachments as { content: unknown }[])[0]!.content), /Closed: reporting abuse suggested/);
    });

    it('offers "Ask a colleague" to the team only, only while open, with the concern and its link', async () => {
      const card = await ask(bot, 'adele', REF);
      assert.ok(JSON.stringify(card).includes(`"verb":"infoRequest.new","data":{"about":"${REF}","link":"${POST_LINK}"}`));
      assert.ok(!buttonVerbs(await ask(bot, 'alex', REF)).includes('infoRequest.new'));
      await triage(bot, 'suggestAbuseReport');
      assert.ok(!buttonVerbs(await ask(bot, 'adele', REF)).includes('infoRequest.new'));
    });

    it('is refused to the raiser, and hidden from everyone else, the colleague it is about included', async () => {
      const own = await triage(bot, 'moderate', { note: 'I hid it myself from the page.' }, 'alex');
      assert.match(cardText(own), /Only the Communications Team decides what happens to a concern\./);
      for (const person of ['megan', 'isaiah', 'stranger'] as const) {
        const pressed = await triage(bot, 'noAction', { reason: 'within_policy', note: 'Nothing to see here at all.' }, person);
        assert.match(cardText(pressed), NOT_FOUND);
        const opened = await ask(bot, person, REF);
        assert.match(cardText(opened), NOT_FOUND, `${person} can't find it`);
        assert.doesNotMatch(JSON.stringify([pressed, opened]), /Alex|Megan|Govan|facebook\.com/);
      }
      assert.match(cardText(await ask(bot, 'adele', REF)), /Raised: waiting for the Communications Team/, 'nothing changed');
    });
  });

  it('renders every card it shows as an Adaptive Card 1.5 under 28 KB that parses without warnings', async () => {
    await raiseConcern(bot, 'alex', { worry: `${'"\\'.repeat(990)}Very long.` });
    await triage(bot, 'moderate', { note: 'x'.repeat(400) });
    await triage(bot, 'suggestAbuseReport');
    const cards = [
      ...newCardsFor(bot, 'alex'), ...newCardsFor(bot, 'adele'),
      await ask(bot, 'alex', 'raise a concern'), await ask(bot, 'alex', 'issue takedown'),
      await ask(bot, 'adele', REF), await ask(bot, 'alex', REF), await ask(bot, 'adele', 'concerns'), await ask(bot, 'alex', 'my concerns'),
    ];
    for (const card of cards) {
      assert.equal(card.version, '1.5');
      assert.doesNotMatch(JSON.stringify(card), /\$\{/);
      assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
      assert.deepEqual(parseWarnings(card), []);
    }
  });
});
