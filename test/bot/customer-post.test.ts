import { UploadReceiver } from '../support/upload-receiver';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import sinon from 'sinon';
import { AdaptiveCardJson, loadCardTemplates, MAX_CARD_BYTES } from '../../src/cards/render';
import { createWorkingTime } from '../../src/domain/working-time';
import { deadlinesFrom } from '../../src/workflows/customer-post/form';
import { logPostFormView } from '../../src/workflows/customer-post/form-view';
import { evolve, type CustomerPost, type CustomerPostEvent } from '../../src/workflows/customer-post/model';
import { customerPostCardView } from '../../src/workflows/customer-post/view';
import { testConnectionString } from '../support/azurite';
import { BotHarness, buttonVerbs, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, cardsMatching, errorNextTo, formSubmission, inputValue, listItems, newCardsFor, NOW } from './conversation-helpers';

// The official renderer's object model parses cards in Node from its dist bundle (no DOM needed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/**
 * Customer posts on the Communications Team's desk over HTTP (issue 12, DESIGN.md section 4). The clock starts
 * on Wednesday 25 November 2026 at 10:00 in London (GMT). A complaint posted at 09:20 is answered by Thursday
 * 09:20 (7.3 working hours left at 10:00), with the reminder at three quarters of the working time, Wednesday
 * 15:20; a problem or enquiry posted then is resolved by Thursday 3 December (St Andrew's Day, Monday 30
 * November, is a Scottish bank holiday).
 */
const REF = 'CP-2026-00001';
const HOUR = 3_600_000;
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
const POST_LINK = 'https://www.facebook.com/wheatleyhomes/posts/pfbid0abc';
const SUMMARY = 'Says her boiler repair has waited three weeks and nobody answers the phone.';
const NOT_FOUND = /can't find that customer post, or you don't have a part in it/;
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
const REPORT_HEADER = 'reference,platform,kind,received,firstResponseAt,within24Hours,resolvedAt,within5WorkingDays,outcome';

const postVerbs = (card: unknown) => buttonVerbs(card).filter((verb) => verb.startsWith('customerPost.') || verb === 'infoRequest.new');
const referencesOf = (card: unknown) => listItems(card).map((item) => item.reference);

function postForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formId: randomUUID(), platform: 'facebook', platformOther: '', link: POST_LINK, postedOn: '2026-11-25', postedTime: '09:20',
    kind: 'complaint', summary: SUMMARY, handle: '', ...overrides,
  };
}

/** A member of the Communications Team logs a post from the form card with this message id; waits until what it caused is sent. */
async function logPost(bot: BotHarness, overrides: Record<string, unknown> = {}, person: PersonKey = 'adele', messageId = `${person}-form`): Promise<CardJson> {
  const { card } = await bot.click(person, 'customerPost.log', postForm(overrides), messageId);
  await bot.idle();
  return card;
}

/** Presses a step's button on a post's card; waits until what it caused is sent. */
async function press(bot: BotHarness, person: PersonKey, verb: string, data: Record<string, unknown> = {}, reference = REF, messageId?: string): Promise<CardJson> {
  const { card } = await bot.click(person, `customerPost.${verb}`, { reference, ...data }, messageId);
  await bot.idle();
  return card;
}

/** Moves the clock on and fires the timers that came due; waits until what they caused is sent. */
async function clockMovesOn(bot: BotHarness, millis: number): Promise<void> {
  bot.advanceClock(millis);
  await bot.runtime.scheduler.tick();
  await bot.idle();
}

/** The versions of one message the bot wrote over in place (card updates), oldest first. */
function updatesOf(bot: BotHarness, person: PersonKey, activityId: string): CardJson[] {
  return bot.connector.delivered
    .filter((call) => call.method === 'PUT' && call.conversationId === bot.personalConversation(person) && call.activityId === activityId)
    .map((call) => (call.body.attachments as { content: CardJson }[])[0]!.content);
}

/** Parse events from the official library, except the Teams people picker extension (as test/cards/cards.test.ts). */
function parseWarnings(card: unknown): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  new AC.AdaptiveCard().parse(card, context);
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  return warnings.filter((message) => !/^Property "choices\.data" is supported in version 1\.6/.test(message));
}

/** `typed`: the card shows text people typed with template syntax in it, which must stay as typed. */
function assertGoodCard(card: unknown, name: string, typed = false): void {
  const json = card as AdaptiveCardJson;
  assert.equal(json.type, 'AdaptiveCard', name);
  assert.equal(json.version, '1.5', name);
  if (!typed) assert.doesNotMatch(JSON.stringify(card), /\$\{/, `${name}: every \${...} bound`);
  assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES, `${name}: under 28 KB`);
  assert.deepEqual(parseWarnings(card), [], `${name}: parses without warnings`);
}

describe('customer posts on the desk over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of EVERYONE) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('logging a post', () => {
    it('refuses the form, the desk and the report to anyone outside the Communications Team', async () => {
      for (const person of ['alex', 'megan', 'isaiah'] as const) {
        for (const command of ['log post', 'desk', 'desk complaints', 'desk mine', 'desk report']) {
          const card = await ask(bot, person, command);
          assert.match(cardText(card), /Communications Team only/, `${person}: ${command}`);
          assert.deepEqual(postVerbs(card), []);
        }
      }
      const { card } = await bot.click('stranger', 'customerPost.log', postForm());
      assert.match(cardText(card), /Only the Communications Team logs and follows customer posts\./);
      assert.match(cardText(await ask(bot, 'adele', 'desk')), /No open customer posts\./, 'nothing was stored');
    });

    it('gives the Communications Team the form, with today and the time now, and logs a complaint on its 24-hour clock', async () => {
      for (const words of ['customer post', 'log a post', 'new post']) assert.deepEqual(postVerbs(await ask(bot, 'patti', words)), ['customerPost.log', 'customerPost.cancel'], words);
      const form = await ask(bot, 'adele', 'log post');
      assert.match(cardText(form), /Log a customer post/);
      assert.equal(inputValue(form, 'postedOn'), '2026-11-25');
      assert.equal(inputValue(form, 'postedTime'), '10:00');
      const submission = formSubmission(form, { link: POST_LINK, platform: 'facebook', kind: 'complaint', summary: SUMMARY, postedTime: '09:20' });
      const { card } = await bot.click('adele', submission.verb, submission.data, 'adele-form');
      await bot.idle();
      const text = cardText(card);
      assert.match(text, /Logged as CP-2026-00001\. First response due Thu 26 Nov, 09:20 \(7\.3 working hours left\)\./);
      assert.match(text, /Complaint[\s\S]*Facebook[\s\S]*25 Nov 2026, 09:20[\s\S]*Nobody yet[\s\S]*Adele Vance, 25 Nov 2026, 10:00/);
      assert.ok(text.includes(SUMMARY));
      assert.deepEqual(postVerbs(card), [
        'customerPost.assign', 'customerPost.chooseOwner', 'infoRequest.new', 'customerPost.respond', 'customerPost.monitor', 'customerPost.handToComplaints',
      ]);
      assert.match(JSON.stringify(card), /"verb":"infoRequest.new","associatedInputs":"none","data":\{"about":"CP-2026-00001"\}/, 'Ask a colleague names the post');
      assert.equal(cardsMatching(bot, 'patti', /CP-2026/).length, 0, 'logging tells nobody: the desk shows it');
    });

    it('shows the form again with each problem next to its field, and records nothing', async () => {
      const { card } = await bot.click('adele', 'customerPost.log', postForm({ link: 'javascript:alert(1)', postedTime: '25:61', summary: '', kind: 'rant' }));
      assert.equal(errorNextTo(card, 'link'), 'Give the one link to the post (http or https).');
      assert.equal(errorNextTo(card, 'postedTime'), 'Enter the time it was posted (24-hour clock, e.g. 14:30).');
      assert.equal(errorNextTo(card, 'summary'), 'Say briefly what the post says or asks.');
      assert.equal(errorNextTo(card, 'kind'), 'Choose what kind of post it is.');
      assert.equal(inputValue(card, 'link'), 'javascript:alert(1)', 'what was typed is kept');
      const future = (await bot.click('adele', 'customerPost.log', postForm({ postedTime: '11:00' }))).card;
      assert.equal(errorNextTo(future, 'postedOn'), 'The post can\'t be in the future: check the date and time.');
      assert.match(cardText(await ask(bot, 'adele', 'desk')), /No open customer posts\./);
      assert.match(cardText((await bot.click('adele', 'customerPost.cancel', {})).card), /Post not logged/);
    });

    it('logs the same form once, however often it arrives', async () => {
      const form = postForm();
      await bot.click('adele', 'customerPost.log', form);
      const again = (await bot.click('adele', 'customerPost.log', form)).card;
      await bot.idle();
      assert.match(cardText(again), /This post was already logged\./);
      assert.deepEqual(referencesOf(await ask(bot, 'adele', 'desk')), [REF]);
    });
  });

  describe('the desk', () => {
    it('lists open posts soonest due first, with the working time left and the overdue marked, and filters by kind and owner', async () => {
      await logPost(bot, { kind: 'complaint' });
      await logPost(bot, { kind: 'problem_or_enquiry', postedTime: '09:00' });
      await logPost(bot, { kind: 'compliment' });
      await logPost(bot, { kind: 'offensive' });
      await logPost(bot, { kind: 'complaint', postedOn: '2026-11-23', postedTime: '08:00' });
      const desk = await ask(bot, 'adele', 'desk');
      assert.deepEqual(referencesOf(desk), ['CP-2026-00005', 'CP-2026-00001', 'CP-2026-00002', 'CP-2026-00003', 'CP-2026-00004']);
      const text = cardText(desk);
      assert.match(text, /Complaint on Facebook[\s\S]*CP-2026-00005\nOverdue\nOpen\nDeadline passed \(Tue 24 Nov, 08:00\)\./);
      assert.match(text, /CP-2026-00001\nOpen\nDue Thu 26 Nov, 09:20: 7\.3 working hours left\./);
      assert.match(text, /Problem or enquiry on Facebook[\s\S]*CP-2026-00002\nOpen\nDue Wed 2 Dec, 17:00: 39\.0 working hours left\./);
      assert.match(text, /CP-2026-00003\nOpen\nNo response clock\./);
      assert.match(text, /CP-2026-00004\nOpen\nHide or remove it: no response is owed\./);
      for (const words of ['the desk', 'open posts']) assert.deepEqual(referencesOf(await ask(bot, 'patti', words)), referencesOf(desk), words);

      assert.deepEqual(referencesOf(await ask(bot, 'adele', 'desk complaints')), ['CP-2026-00005', 'CP-2026-00001']);
      assert.deepEqual(referencesOf(await ask(bot, 'adele', 'desk enquiries')), ['CP-2026-00002']);
      assert.match(cardText(await ask(bot, 'adele', 'desk mine')), /You own no open customer posts\./);
      await press(bot, 'adele', 'assign', {}, 'CP-2026-00002');
      assert.deepEqual(referencesOf(await ask(bot, 'adele', 'desk mine')), ['CP-2026-00002']);
      assert.deepEqual(referencesOf(await ask(bot, 'patti', 'desk mine')), []);

      const opened = (await bot.click('patti', 'case.show', { reference: 'CP-2026-00001', list: 'desk' })).card;
      assert.ok(buttonVerbs(opened).includes('list.show'), 'back to the desk');
      assert.deepEqual(referencesOf((await bot.click('patti', 'list.show', { list: 'desk' })).card), referencesOf(desk));
      const waiting = await ask(bot, 'patti', 'my actions');
      assert.deepEqual(referencesOf(waiting).filter((reference) => reference.startsWith('CP-')).sort(), referencesOf(desk).sort(), 'the open posts wait for the team');
    });
  });

  describe('the steps, each by the Communications Team', () => {
    it('assigns an owner: "Assign to me", or a member of the team chosen on a card, who is told', async () => {
      await logPost(bot);
      const mine = await press(bot, 'adele', 'assign');
      assert.match(cardText(mine), /The owner is set; if that is not you, they have been told\./);
      assert.match(cardText(mine), /Owner\nAdele Vance/);
      assert.deepEqual(postVerbs(mine).slice(0, 2), ['customerPost.chooseOwner', 'infoRequest.new'], 'no "Assign to me" for the owner');

      const choice = (await bot.click('adele', 'customerPost.chooseOwner', { reference: REF })).card;
      assert.match(cardText(choice), /CP-2026-00001, a complaint on Facebook: owned by Adele Vance\./);
      const choices = JSON.stringify(choice);
      assert.ok(choices.includes(PEOPLE.patti.id) && !choices.includes(PEOPLE.alex.id), 'only the Communications Team to choose from');
      assert.equal(inputValue(choice, 'owner'), PEOPLE.adele.id);
      const given = await press(bot, 'adele', 'assign', { owner: PEOPLE.patti.id });
      assert.match(cardText(given), /Owner\nPatti Fernandez/);
      assert.equal(cardsMatching(bot, 'patti', /Adele Vance gave you CP-2026-00001: a complaint on Facebook\./).length, 1);

      const refused = await press(bot, 'adele', 'assign', { owner: PEOPLE.alex.id });
      assert.match(cardText(refused), /Choose a member of the Communications Team\./);
      assert.match(cardText(refused), /Owner\nPatti Fernandez/);

      // The desk by owner: any of the team's posts, by (the start of) the owner's name.
      const pattis = await ask(bot, 'adele', 'desk owner patti');
      assert.match(cardText(pattis), /The desk: Patti Fernandez's open posts/);
      assert.deepEqual(listItems(pattis).map((item) => item.reference), [REF]);
      assert.deepEqual(listItems(await ask(bot, 'adele', 'desk owner Adele')), [], 'Adele owns none now');
      assert.match(cardText(await ask(bot, 'adele', 'desk owner zebedee')), /No one in the Communications Team is called "zebedee"\. Type "desk owner" and one of: /);
      assert.match(cardText(await ask(bot, 'alex', 'desk owner patti')), /Communications Team only/);
    });

    it('refuses every step to staff as if the post did not exist', async () => {
      await logPost(bot);
      for (const [verb, data] of [['respond', { response: 'Hello' }], ['assign', {}], ['resolve', { outcome: 'x' }], ['handToComplaints', { complaintsReference: 'C-1' }]] as const) {
        const card = await press(bot, 'alex', verb, data);
        assert.match(cardText(card), NOT_FOUND, verb);
        assert.doesNotMatch(cardText(card), /boiler|Facebook/);
      }
      assert.match(cardText((await bot.click('alex', 'customerPost.chooseOwner', { reference: REF })).card), NOT_FOUND);
      assert.match(cardText(await ask(bot, 'megan', `show ${REF}`)), /can't find that case|can't find that customer post/);
      assert.match(cardText(await ask(bot, 'adele', 'desk')), /CP-2026-00001\nOpen\nDue/, 'nothing changed');
    });

    it('records the first response and resolves, updating every copy of the card in place', async () => {
      await logPost(bot);
      await bot.click('patti', 'case.show', { reference: REF }, 'patti-card');
      const empty = await press(bot, 'adele', 'respond', { response: '' });
      assert.equal(errorNextTo(empty, 'response'), 'Say what was said to the customer, in a line.');
      const responded = await press(bot, 'adele', 'respond', { response: 'Apologised and asked for her address by direct message.' });
      assert.match(cardText(responded), /First response recorded\./);
      assert.match(cardText(responded), /Responded: still to resolve\nFirst response given: no response clock\. Resolve it when it is done\./);
      assert.match(cardText(responded), /First response\n25 Nov 2026, 10:00: Apologised and asked for her address by direct message\./);
      assert.deepEqual(postVerbs(responded), ['customerPost.assign', 'customerPost.chooseOwner', 'infoRequest.new', 'customerPost.resolve', 'customerPost.monitor', 'customerPost.handToComplaints']);
      assert.match(cardText(updatesOf(bot, 'patti', 'patti-card').at(-1)), /Responded: still to resolve/, 'Patti\'s copy is updated in place');
      assert.match(cardText(updatesOf(bot, 'adele', 'adele-form').at(-1)), /Responded: still to resolve/, 'and the card Adele logged it from');

      const resolved = await press(bot, 'adele', 'resolve', { outcome: 'Repair booked for Friday.' });
      assert.match(cardText(resolved), /Resolved: the post is closed\.[\s\S]*Closed: resolved\nClosed: resolved\./);
      assert.match(cardText(resolved), /Outcome\nRepair booked for Friday\./);
      assert.deepEqual(postVerbs(resolved), ['customerPost.reopen'], 'no "Ask a colleague" once closed');
      assert.match(cardText(resolved), /Resolved by Adele Vance[\s\S]*First response by Adele Vance[\s\S]*Logged by Adele Vance/, 'every step in the history');
      assert.match(cardText(await ask(bot, 'adele', 'desk')), /No open customer posts\./);
    });

    it('tells the customer an enquiry will take longer: a new date and why, and the clock runs to it', async () => {
      await logPost(bot, { kind: 'problem_or_enquiry' });
      const refused = await press(bot, 'adele', 'extend', { newDate: '2026-12-05', longerReason: '' });
      assert.equal(errorNextTo(refused, 'newDate'), 'Choose a working day: 5 Dec 2026 is a weekend or a holiday.');
      assert.equal(errorNextTo(refused, 'longerReason'), 'Say why it will take longer.');
      assert.equal(inputValue(refused, 'newDate'), '2026-12-05', 'what was typed is kept');
      const extended = await press(bot, 'adele', 'extend', { newDate: '2026-12-07', longerReason: 'Waiting for the contractor\'s report.' });
      assert.match(cardText(extended), /Recorded: the customer was told it will take longer, and why\./);
      assert.match(cardText(extended), /Resolution due Mon 7 Dec, 17:00 \(63\.0 working hours left\)\./);
      assert.match(cardText(extended), /Customer told it will take longer, to Mon 7 Dec, 17:00, by Adele Vance[\s\S]*Waiting for the contractor's report\./);
    });

    it('decides not to comment, and tells the owner to look again on the date', async () => {
      await logPost(bot, { kind: 'misinformation' });
      await press(bot, 'adele', 'assign', { owner: PEOPLE.patti.id });
      const monitored = await press(bot, 'adele', 'monitor', { monitorReason: 'A reply would spread it further.', lookAgainOn: '2026-11-27' });
      assert.match(cardText(monitored), /Not commenting: monitoring\nNot commenting: look again Fri 27 Nov, 09:00\./);
      await clockMovesOn(bot, Date.parse('2026-11-27T08:59:00Z') - NOW.getTime());
      assert.equal(cardsMatching(bot, 'patti', /Time to look again/).length, 0);
      await clockMovesOn(bot, 60_000);
      assert.equal(cardsMatching(bot, 'patti', /Time to look again at CP-2026-00001 \(misinformation on Facebook\): you decided not to comment and to keep monitoring\./).length, 1);
      assert.equal(cardsMatching(bot, 'adele', /Time to look again/).length, 0, 'the owner is told, not the whole team');
    });

    it('hides an offensive post (no response owed), and reopens it', async () => {
      const logged = await logPost(bot, { kind: 'offensive' });
      assert.deepEqual(postVerbs(logged), ['customerPost.assign', 'customerPost.chooseOwner', 'infoRequest.new', 'customerPost.moderate']);
      const refused = await press(bot, 'adele', 'moderate', {});
      assert.equal(errorNextTo(refused, 'moderation'), 'Say whether the post was hidden or removed.');
      const hidden = await press(bot, 'adele', 'moderate', { moderation: 'hidden', moderationNote: 'Sectarian language.' });
      assert.match(cardText(hidden), /Closed: hidden or removed\nClosed: hidden or removed under the house rules\. No response is owed\./);
      assert.match(cardText(hidden), /Hidden by Adele Vance/);
      const reopened = await press(bot, 'adele', 'reopen', { reopenReason: 'It was posted again.' });
      assert.match(cardText(reopened), /Reopened\.[\s\S]*\nOpen\nHide or remove it: no response is owed\./);
    });

    it('hands a complaint to the Group Complaints Policy, and a reopened complaint never answered gets a new 24 hours', async () => {
      await logPost(bot);
      const handed = await press(bot, 'adele', 'handToComplaints', { complaintsReference: 'COMP-88812' });
      assert.match(cardText(handed), /Closed here: handed to the Group Complaints Policy \(COMP-88812\)\./);
      const reopened = await press(bot, 'patti', 'reopen', { reopenReason: 'The customer asked us to answer here.' });
      assert.match(cardText(reopened), /First response due Thu 26 Nov, 10:00 \(8\.0 working hours left\)\./);
    });
  });

  describe('the clocks', () => {
    it('reminds the owner at three quarters of the working time, and at the deadline tells the owner and the team it is overdue', async () => {
      await logPost(bot);
      await press(bot, 'adele', 'assign', { owner: PEOPLE.patti.id });
      await clockMovesOn(bot, 5 * HOUR + 19 * 60_000);
      assert.equal(cardsMatching(bot, 'patti', /Reminder/).length, 0, 'not before 15:20');
      await clockMovesOn(bot, 60_000);
      assert.equal(cardsMatching(bot, 'patti', /Reminder: the first response to CP-2026-00001 \(a complaint on Facebook\) is due Thu 26 Nov, 09:20 \(2\.0 working hours left\)\./).length, 1);
      assert.equal(cardsMatching(bot, 'adele', /Reminder/).length, 0, 'the owner is reminded, not the whole team');

      await clockMovesOn(bot, Date.parse('2026-11-26T09:20:00Z') - Date.parse('2026-11-25T15:20:00Z'));
      const owner = cardsMatching(bot, 'patti', /is overdue/);
      assert.equal(owner.length, 1);
      assert.match(cardText(owner[0]), /CP-2026-00001 is overdue: the first response to a complaint on Facebook was due Thu 26 Nov, 09:20\./);
      assert.match(cardText(owner[0]), /Overdue: first response\nFirst response overdue: it was due Thu 26 Nov, 09:20\./);
      assert.equal(cardsMatching(bot, 'adele', /CP-2026-00001 is overdue: .* Patti Fernandez owns it\./).length, 1, 'and the team');
      assert.match(cardText(await ask(bot, 'adele', 'desk')), /CP-2026-00001\nOverdue\nOpen\nDeadline passed \(Thu 26 Nov, 09:20\)\./);

      const before = newCardsFor(bot, 'patti').length;
      await clockMovesOn(bot, HOUR);
      assert.equal(newCardsFor(bot, 'patti').length, before, 'told once');
    });

    it('tells the whole team when nobody owns an overdue post', async () => {
      await logPost(bot, { postedOn: '2026-11-24', postedTime: '10:30' });
      await clockMovesOn(bot, 31 * 60_000);
      for (const person of ['adele', 'patti'] as const) {
        assert.equal(cardsMatching(bot, person, /CP-2026-00001 is overdue: .* Nobody owns it yet\./).length, 1, person);
      }
    });

    it('lets a later date replace the deadline: the old one\'s timers do nothing', async () => {
      await logPost(bot, { kind: 'problem_or_enquiry' });
      await press(bot, 'adele', 'assign');
      await press(bot, 'adele', 'extend', { newDate: '2026-12-07', longerReason: 'Waiting for the contractor.' });
      await clockMovesOn(bot, Date.parse('2026-12-03T09:20:00Z') - NOW.getTime());
      assert.equal(cardsMatching(bot, 'adele', /overdue|Reminder/).length, 0, 'no reminder or overdue for the first deadline');
      // The new clock runs from the extension (Wednesday 10:00): three quarters of its 63 working hours is Friday 4 December 09:15.
      await clockMovesOn(bot, Date.parse('2026-12-04T09:15:00Z') - Date.parse('2026-12-03T09:20:00Z'));
      assert.equal(cardsMatching(bot, 'adele', /Reminder: CP-2026-00001 \(a problem or enquiry on Facebook\) is to be resolved by Mon 7 Dec, 17:00/).length, 1, 'the new date\'s reminder');
      await clockMovesOn(bot, Date.parse('2026-12-07T17:00:00Z') - Date.parse('2026-12-04T09:15:00Z'));
      assert.equal(cardsMatching(bot, 'adele', /CP-2026-00001 is overdue: the resolution to a problem or enquiry on Facebook was due Mon 7 Dec, 17:00\./).length, 1);
    });
  });

  describe('cards', () => {
    it('renders every card of the workflow as an Adaptive Card 1.5 under 28 KB that parses without warnings', async () => {
      const cards: [string, unknown][] = [['form', await ask(bot, 'adele', 'log post')]];
      cards.push(['form (errors)', (await bot.click('adele', 'customerPost.log', postForm({ link: 'x', summary: '' }))).card]);
      cards.push(['complaint', await logPost(bot)]);
      cards.push(['owner choice', (await bot.click('adele', 'customerPost.chooseOwner', { reference: REF })).card]);
      cards.push(['refused step', await press(bot, 'adele', 'respond', { response: '' })]);
      cards.push(['responded', await press(bot, 'adele', 'respond', { response: 'Sorry to hear it.' })]);
      cards.push(['handed', await press(bot, 'adele', 'handToComplaints', { complaintsReference: 'COMP-1' })]);
      cards.push(['enquiry', await logPost(bot, { kind: 'problem_or_enquiry' })]);
      cards.push(['offensive', await logPost(bot, { kind: 'offensive' })]);
      cards.push(['desk', await ask(bot, 'adele', 'desk')]);
      for (const [name, card] of cards) assertGoodCard(card, name);
    });

    it('keeps a post\'s card small and literal with every text at its longest and hostile', () => {
      const renderer = loadCardTemplates();
      const workingTime = createWorkingTime();
      const hostile = (length: number) => '**b** [x](https://evil.example) ${reference} 中"\\'.repeat(length).slice(0, length);
      const person = (n: number) => ({ id: `aad-${n}`, name: hostile(100) });
      const at = NOW.toISOString();
      const events: CustomerPostEvent[] = [
        {
          type: 'PostLogged', at, by: person(1), reference: REF,
          details: { platform: 'other', platformOther: hostile(60), link: `https://example.com/${'a'.repeat(470)}`, postedAt: at, kind: 'problem_or_enquiry', summary: hostile(500), handle: hostile(100) },
          clock: { kind: 'resolution', dueAt: deadlinesFrom(NOW, workingTime).resolution, startedAt: at },
        },
        { type: 'OwnerAssigned', at, by: person(1), owner: person(2) },
        { type: 'FirstResponseRecorded', at, by: person(2), response: hostile(500) },
        ...[1, 2, 3].map((n): CustomerPostEvent => ({ type: 'InformationReceived', at, by: { id: 'system', name: 'Social Media Desk' }, request: `IR-2026-0000${n}`, from: person(n), answer: hostile(1000) })),
        { type: 'MonitoringStarted', at, by: person(2), reason: hostile(500), lookAgainAt: '2026-11-27T09:00:00.000Z' },
      ];
      const post = events.reduce<CustomerPost | undefined>(evolve, undefined)!;
      const values = Object.fromEntries(['response', 'newDate', 'longerReason', 'outcome', 'monitorReason', 'lookAgainOn', 'moderationNote', 'complaintsReference', 'reopenReason']
        .map((name) => [name, hostile(100_000)]));
      const card = renderer.render('customer-post', customerPostCardView(post, { ...PEOPLE.adele, roles: ['comms'] }, NOW, workingTime, {
        notice: hostile(1000), fieldErrors: { response: 'x' }, values,
      }));
      assertGoodCard(card, 'worst case', true);
      const form = renderer.render('customer-post-form', logPostFormView({
        formId: 'f', today: '2026-11-25', timeNow: '10:00', errors: { link: 'x' },
        input: Object.fromEntries(['platform', 'platformOther', 'link', 'postedOn', 'postedTime', 'kind', 'summary', 'handle'].map((name) => [name, hostile(100_000)])),
      }));
      assertGoodCard(form, 'worst form', true);
      const blocks: string[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (typeof node !== 'object' || node === null) return;
        const element = node as Record<string, unknown>;
        if (element.type === 'TextBlock' && typeof element.text === 'string') blocks.push(element.text);
        Object.values(element).forEach(walk);
      };
      walk(card);
      assert.ok(cardText(card).includes(hostile(500)), 'the summary is shown as it was typed');
      assert.match(cardText(card), /Information from colleagues\n[^\n]+, 25 Nov 2026, 10:00 \(IR-2026-00003\)\n/, 'the latest answer first, for the Communications Team');
      assert.ok(!blocks.some((text) => /evil\.example|\*\*b\*\*/.test(text)), 'no markdown-rendering element holds what people typed');
    });
  });
});


describe('the desk report over HTTP', () => {
  let bot: BotHarness;
  let receiver: UploadReceiver;
  const FORMULA = '=HYPERLINK("https://evil.example","click")';

  interface Sent { readonly contentType: string; readonly name?: string; readonly content: Record<string, unknown> }
  const sentTo = (person: PersonKey, since: number): Sent[] => bot.connector.calls.slice(since)
    .filter((call) => call.conversationId === bot.personalConversation(person) && call.method === 'POST')
    .flatMap((call) => (call.body.attachments as Sent[] | undefined) ?? []);

  async function consentCard(person: PersonKey, text: string): Promise<Sent> {
    const since = bot.connector.calls.length;
    assert.equal((await bot.say(person, text)).status, 200);
    const cards = sentTo(person, since).filter((attachment) => attachment.contentType === FILE_CONSENT);
    assert.equal(cards.length, 1, `"${text}" should be answered with one file consent card`);
    return cards[0]!;
  }

  const accept = (person: PersonKey, context: unknown) => bot.post('/api/messages', bot.activity(person, {
    type: 'invoke', name: 'fileConsent/invoke', replyToId: 'consent-card',
    value: {
      type: 'fileUpload', action: 'accept', context,
      uploadInfo: { name: 'customer-posts.csv', uploadUrl: receiver.url('/upload/session-1'), contentUrl: 'https://wheatley-my.sharepoint.com/personal/adele/desk.csv', uniqueId: 'file-1', fileType: 'csv' },
    },
  }));

  before(async () => {
    receiver = await new UploadReceiver().start();
    bot = await new BotHarness({ now: () => NOW }).start();
    await logPost(bot, { platform: 'other', platformOther: FORMULA, handle: '@angry_tenant' });
    await press(bot, 'adele', 'respond', { response: 'Sorry: we have asked the repairs team.' });
    await logPost(bot, { kind: 'problem_or_enquiry', postedOn: '2026-11-02' });
    await press(bot, 'adele', 'resolve', { outcome: 'Zoë from repairs fixed it.' }, 'CP-2026-00002');
  });
  after(async () => {
    await bot.stop();
    await receiver.stop();
  });
  afterEach(() => {
    sinon.restore();
    receiver.uploads.length = 0;
  });

  it('offers the Communications Team this year\'s report as a file, and saves formula-safe CSV with a byte order mark on "Allow"', async () => {
    const card = await consentCard('adele', 'desk report');
    assert.equal(card.name, 'customer-posts-2026-01-01-to-2026-11-25.csv');
    assert.equal(card.content.description, 'Customer posts, 1 Jan 2026 to 25 Nov 2026: 2 posts (CSV).');
    assert.deepEqual(card.content.acceptContext, { export: 'deskReport', from: '2026-01-01', to: '2026-11-25', format: 'csv' });
    const since = bot.connector.calls.length;
    assert.equal((await accept('adele', card.content.acceptContext)).status, 200);
    assert.equal(receiver.uploads.length, 1);
    const body = receiver.uploads[0]!.body;
    assert.ok(body.startsWith(`\uFEFF${REPORT_HEADER}\r\n`), 'a byte order mark, then the header');
    const lines = body.slice(1).split('\r\n');
    assert.equal(lines[1], `${REF},"'=HYPERLINK(""https://evil.example"",""click"")",Complaint,2026-11-25T09:20:00.000Z,2026-11-25T10:00:00.000Z,yes,,,`);
    assert.match(lines[2]!, /^CP-2026-00002,Facebook,Problem or enquiry,2026-11-02T09:20:00.000Z,,,2026-11-25T10:00:00.000Z,no,Zoë from repairs fixed it\.$/);
    for (const hidden of [SUMMARY, '@angry_tenant', POST_LINK]) assert.equal(body.includes(hidden), false, `${hidden} stays in Teams`);
    assert.equal(sentTo('adele', since).some((attachment) => attachment.contentType === FILE_INFO), true, 'the saved file is shown');
  });

  it('takes dates and JSON as the command line does', async () => {
    const card = await consentCard('patti', 'desk report --from 2026-11-20 --to 2026-12-31 --format json');
    assert.deepEqual(card.content.acceptContext, { export: 'deskReport', from: '2026-11-20', to: '2026-12-31', format: 'json' });
    assert.equal((await accept('patti', card.content.acceptContext)).status, 200);
    const parsed = JSON.parse(receiver.uploads[0]!.body) as { rows: { reference: string; within24Hours: string }[] };
    assert.deepEqual(parsed.rows.map((row) => [row.reference, row.within24Hours]), [[REF, 'yes']]);
  });

  it('uploads nothing when someone outside the Communications Team sends an "Allow"', async () => {
    assert.equal((await accept('alex', { export: 'deskReport', from: '2026-01-01', to: '2026-11-25', format: 'csv' })).status, 200);
    assert.deepEqual(receiver.uploads, []);
  });

  describe('npm run export:desk', function () {
    this.timeout(60_000);

    it('writes the same CSV to standard output', async () => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, AZURE_TABLES_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: bot.tablePrefix };
      const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile('npx', ['tsx', 'scripts/export-desk.ts', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'csv'], { env, timeout: 30_000 }, (error, out, err) => {
          resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout: out, stderr: err });
        });
      });
      assert.equal(code, 0, stderr);
      assert.ok(stdout.startsWith(`\uFEFF${REPORT_HEADER}\r\n`));
      assert.deepEqual(stdout.slice(1).split('\r\n').slice(1).map((line) => line.split(',')[0]), [REF, 'CP-2026-00002', '']);
      assert.match(stderr, /Desk report 2026-01-01 to 2026-12-31: 2 posts/);
    });
  });
});
