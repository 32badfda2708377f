import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import sinon from 'sinon';
import { PERSON_NOT_FOUND } from '../../src/directory/person-lookup';
import { createCaseStore } from '../../src/store/case-store';
import { BotHarness, buttonVerbs, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, cardsMatching, errorNextTo, formSubmission, inputValue, listItems, newCardsFor, NOW } from './conversation-helpers';

/**
 * Takedown notices over HTTP (DESIGN.md section 3), as the people in Teams see them. The clock starts on
 * Wednesday 25 November 2026 at 10:00 in London (GMT): the default deadline of 1 working day is
 * Thursday 26 November at 10:00, and the half-way reminder is due on Wednesday at 14:00.
 */
const REF = 'TD-2026-00001';
const HOUR = 3_600_000;
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
const POST_LINK = 'https://www.facebook.com/alex.wilber/posts/pfbid02xyz';
const EXPLANATION = 'The post names a tenant of ours and shows their front door in Govan.';
const REASON = 'The photo was taken at a public open day and the tenant agreed to it.';
const NOT_FOUND = 'I can\'t find that takedown notice, or you don\'t have a part in it.';
const RECIPIENT_VERBS = ['takedown.confirmRemoval', 'takedown.dispute', 'takedown.requestHelp'];

const takedownVerbs = (card: unknown) => buttonVerbs(card).filter((verb) => verb.startsWith('takedown.'));
const titlesOf = (card: unknown) => [...JSON.stringify(card).matchAll(/"title":"([^"]*)"/g)].map((match) => match[1]);

/** The inputs of a correctly filled in takedown card, as Teams sends them back on "Send notice". */
function validNotice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formId: randomUUID(), recipient: PEOPLE.alex.id, recipientSearch: '', link: POST_LINK, platform: 'facebook', platformOther: '',
    clauses: 'about_stakeholders,identifying_people', explanation: EXPLANATION, deadline: 'days1', ...overrides,
  };
}

/** Adele sends a notice from the form card with this message id; waits until the notifications it caused are sent. */
async function issueNotice(bot: BotHarness, overrides: Record<string, unknown> = {}, formMessageId = 'adele-form'): Promise<CardJson> {
  const { card } = await bot.click('adele', 'takedown.issue', validNotice(overrides), formMessageId);
  await bot.idle();
  return card;
}

/** Presses a button on a takedown card and waits until what it caused is sent. */
async function press(bot: BotHarness, person: PersonKey, verb: string, data: Record<string, unknown> = {}, messageId?: string): Promise<CardJson> {
  const { card } = await bot.click(person, `takedown.${verb}`, { reference: REF, note: '', ...data }, messageId);
  await bot.idle();
  return card;
}

/** The versions of one message the bot wrote over in place (card updates), oldest first. */
function updatesOf(bot: BotHarness, person: PersonKey, activityId: string): CardJson[] {
  return bot.connector.delivered
    .filter((call) => call.method === 'PUT' && call.conversationId === bot.personalConversation(person) && call.activityId === activityId)
    .map((call) => (call.body.attachments as { content: CardJson }[])[0]!.content);
}

/** Where the bot sent this person's copy of the notice card. */
async function cardMessageOf(bot: BotHarness, person: PersonKey): Promise<string> {
  const copies = await createCaseStore(bot.tables.cases).cardCopies(REF);
  const copy = copies.find((candidate) => candidate.viewerId === PEOPLE[person].id);
  assert.ok(copy, `${person} has a copy of the card`);
  return copy.activityId;
}

/** Moves the clock on and fires the timers that came due; waits until what they caused is sent. */
async function clockMovesOn(bot: BotHarness, millis: number): Promise<number> {
  bot.advanceClock(millis);
  const report = await bot.runtime.scheduler.tick();
  await bot.idle();
  return report.fired;
}

describe('takedown notices over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of EVERYONE) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('issuing', () => {
    it('politely refuses the form to someone outside the Communications Team', async () => {
      for (const person of ['alex', 'megan', 'isaiah'] as const) {
        const card = await ask(bot, person, 'issue takedown');
        assert.match(cardText(card), /Communications Team only/);
        assert.match(cardText(card), /Only the Communications Team issues and follows takedown notices\./);
        assert.deepEqual(takedownVerbs(card), [], 'no form to fill in');
      }
    });

    it('refuses a notice sent by someone outside the Communications Team straight from card data, and sends nothing', async () => {
      const { card } = await bot.click('stranger', 'takedown.issue', validNotice());
      await bot.idle();
      assert.match(cardText(card), /Only the Communications Team issues and follows takedown notices\./);
      assert.equal(cardsMatching(bot, 'alex', /TD-\d{4}-\d{5}/).length, 0, 'the named recipient is told nothing');
      assert.match(cardText(await ask(bot, 'adele', 'takedowns')), /No open takedown notices\./);
    });

    it('gives the Communications Team the form, with everyone but themselves to choose from and 1 working day as the deadline', async () => {
      const form = await ask(bot, 'adele', 'issue takedown');
      assert.match(cardText(form), /Issue a takedown notice/);
      assert.deepEqual(takedownVerbs(form), ['takedown.issue', 'takedown.cancel']);
      assert.equal(inputValue(form, 'deadline'), 'days1');
      const people = JSON.stringify(form);
      assert.ok(people.includes(PEOPLE.alex.id) && !people.includes(`"value":"${PEOPLE.adele.id}"`), 'the issuer cannot pick themselves');
    });

    it('sends the recipient a card with "I have removed it", "I dispute this" and "I need help", and shows the issuer what was sent', async () => {
      const form = await ask(bot, 'adele', 'issue takedown');
      const submission = formSubmission(form, {
        recipient: PEOPLE.alex.id, link: POST_LINK, platform: 'facebook', clauses: 'about_stakeholders,identifying_people', explanation: EXPLANATION,
      });
      assert.equal(submission.verb, 'takedown.issue');
      const { card: sent } = await bot.click('adele', submission.verb, submission.data, 'adele-form');
      await bot.idle();
      assert.match(cardText(sent), /Sent to Alex Wilber, to act on by Thu 26 Nov, 10:00\./);
      assert.match(cardText(sent), new RegExp(REF));
      assert.match(cardText(sent), /Issued: waiting for the recipient/);
      assert.deepEqual(takedownVerbs(sent), ['takedown.withdraw'], 'the issuer can only withdraw it now');

      const [told, ...more] = cardsMatching(bot, 'alex', new RegExp(REF));
      assert.ok(told, 'the recipient got the notice');
      assert.equal(more.length, 0, 'once');
      const text = cardText(told);
      assert.match(text, /The Communications Team asks you to remove a post that breaches the Social Media Policy, by Thu 26 Nov, 10:00\./);
      for (const fact of [POST_LINK, EXPLANATION, 'Adele Vance, Communications Team', 'Facebook', 'Thu 26 Nov, 10:00',
        'Information about tenants, customers, partners or stakeholders', 'Identifying people without their approval',
        'Alex Wilber to remove the post by Thu 26 Nov, 10:00, 8.0 working hours left.']) {
        assert.ok(text.includes(fact), `the notice shows "${fact}"`);
      }
      assert.deepEqual(takedownVerbs(told), RECIPIENT_VERBS);
      for (const title of ['I have removed it', 'I dispute this', 'I need help']) assert.ok(titlesOf(told).includes(title), `a "${title}" button`);
      assert.equal(cardsMatching(bot, 'megan', new RegExp(REF)).length, 0, 'the manager is not told while there is time');
    });

    it('keeps the form, shows the errors next to the fields and changes nothing when the form is wrong', async () => {
      const formId = randomUUID();
      const { card } = await bot.click('adele', 'takedown.issue', validNotice({ formId, link: 'javascript:alert(1)', explanation: 'Too short', clauses: '' }));
      await bot.idle();
      assert.match(cardText(card), /Please check the highlighted fields: nothing has been sent yet\./);
      assert.equal(errorNextTo(card, 'link'), 'Give the one link to the post (http or https).');
      assert.equal(errorNextTo(card, 'explanation'), 'Explain the breach so the person understands it (at least 20 characters).');
      assert.equal(errorNextTo(card, 'clauses'), 'Choose what the post breaches.');
      assert.equal(errorNextTo(card, 'recipient'), undefined);
      assert.equal(inputValue(card, 'explanation'), 'Too short', 'what was typed is kept');
      assert.equal(inputValue(card, 'recipient'), PEOPLE.alex.id);
      assert.ok(JSON.stringify(card).includes(formId), 'the same form, so a later send is still one notice');

      const toSelf = await bot.click('adele', 'takedown.issue', validNotice({ recipient: PEOPLE.adele.id }));
      assert.equal(errorNextTo(toSelf.card, 'recipient'), 'Choose the member of staff who made the post.');
      const unknown = await bot.click('adele', 'takedown.issue', validNotice({ recipient: 'aad-nobody' }));
      assert.equal(errorNextTo(unknown.card, 'recipient'), PERSON_NOT_FOUND);
      await bot.idle();

      assert.equal(cardsMatching(bot, 'alex', /TD-\d{4}-\d{5}/).length, 0, 'nobody was sent anything');
      assert.match(cardText(await ask(bot, 'adele', 'takedowns')), /No open takedown notices\./);
      assert.match(cardText(await issueNotice(bot)), new RegExp(`${REF}`), 'no reference was used up');
    });

    it('sends one notice when the same form is sent twice', async () => {
      const data = validNotice();
      await bot.click('adele', 'takedown.issue', data, 'adele-form');
      const again = await bot.click('adele', 'takedown.issue', data, 'adele-form');
      await bot.idle();
      assert.match(cardText(again.card), /This notice was already sent\./);
      assert.equal(cardsMatching(bot, 'alex', new RegExp(REF)).length, 1);
      assert.equal(listItems(await ask(bot, 'adele', 'takedowns')).length, 1);
    });
  });

  describe('the recipient answering', () => {
    it('marks the notice seen when the recipient opens the card, for the issuer too', async () => {
      await issueNotice(bot);
      const alexCard = await cardMessageOf(bot, 'alex');
      const { card } = await bot.click('alex', 'takedown.refresh', { reference: REF }, alexCard);
      await bot.idle();
      assert.match(cardText(card), /Seen: waiting for the post to be removed/);
      assert.match(cardText(card), /Seen by Alex Wilber/);
      assert.deepEqual(takedownVerbs(card), RECIPIENT_VERBS);
      assert.match(cardText(updatesOf(bot, 'adele', 'adele-form').at(-1)), /Seen: waiting for the post to be removed/, 'the issuer\'s card shows it was seen');
      assert.equal(cardsMatching(bot, 'adele', /says the post is removed|disputes|needs help/).length, 0, 'opening the card tells no one');

      await bot.click('alex', 'takedown.refresh', { reference: REF }, alexCard);
      await bot.click('adele', 'takedown.refresh', { reference: REF }, 'adele-form');
      await bot.idle();
      const seen = cardText(await ask(bot, 'adele', `show ${REF}`)).match(/Seen by Alex Wilber/g) ?? [];
      assert.equal(seen.length, 1, 'seen once, however often it is opened');
    });

    it('updates the issuer\'s card in place and tells them when the recipient removes the post; verifying closes it and tells the recipient', async () => {
      await issueNotice(bot);
      const confirmed = await press(bot, 'alex', 'confirmRemoval', {}, await cardMessageOf(bot, 'alex'));
      assert.match(cardText(confirmed), /Thank you\. The Communications Team will check the post is gone\./);
      assert.match(cardText(confirmed), /Removal confirmed: waiting for verification/);
      assert.deepEqual(takedownVerbs(confirmed), ['takedown.requestHelp'], 'nothing left to confirm or dispute');

      const adelesCopy = updatesOf(bot, 'adele', 'adele-form').at(-1);
      assert.ok(adelesCopy, 'the issuer\'s card was updated in place');
      assert.match(cardText(adelesCopy), /Removal confirmed: waiting for verification/);
      assert.deepEqual(takedownVerbs(adelesCopy), ['takedown.verify', 'takedown.reopen', 'takedown.withdraw']);
      for (const title of ['Verify removal', 'Reopen (not removed)', 'New deadline (to reopen or uphold)']) assert.ok(JSON.stringify(adelesCopy).includes(title), title);
      assert.equal(cardsMatching(bot, 'adele', /Alex Wilber says the post is removed\. Please check and verify\./).length, 1, 'the issuer is told');

      const verified = await press(bot, 'adele', 'verify', {}, 'adele-form');
      assert.match(cardText(verified), /Removal verified: the notice is closed and the member of staff has been told\./);
      assert.match(cardText(verified), /Closed: removal verified/);
      assert.deepEqual(takedownVerbs(verified), []);
      assert.equal(cardsMatching(bot, 'alex', /The Communications Team checked that the post is gone: the notice is closed\. Thank you\./).length, 1);
      assert.match(cardText(await ask(bot, 'adele', 'takedowns')), /No open takedown notices\./);

      const late = await press(bot, 'patti', 'verify');
      assert.match(cardText(late), /TD-2026-00001 was already closed as removed by Adele Vance on 25 Nov 2026, 10:00\./);
      const again = await press(bot, 'adele', 'verify', {}, 'adele-form');
      assert.doesNotMatch(cardText(again), /already closed/, 'the same person pressing again is not an error');
      assert.equal(cardsMatching(bot, 'alex', /checked that the post is gone/).length, 1, 'the recipient is told once');
    });

    it('tells the issuer once when the recipient asks for help, however often the button is pressed', async () => {
      await issueNotice(bot);
      const asked = await press(bot, 'alex', 'requestHelp', { note: 'Who do I ask?' });
      assert.match(cardText(asked), /The Communications Team has been asked to help you\./);
      await press(bot, 'alex', 'requestHelp', { note: 'Who do I ask?' });
      assert.equal(cardsMatching(bot, 'adele', /Alex Wilber needs help with the takedown notice\./).length, 1);
    });

    it('keeps the card, shows the error and tells no one when the recipient disputes without a reason', async () => {
      await issueNotice(bot);
      const card = await press(bot, 'alex', 'dispute', { note: 'No.' });
      assert.match(cardText(card), /Say why you think the post does not breach the policy\./);
      assert.equal(errorNextTo(card, 'note'), 'Say why you dispute the notice.');
      assert.equal(inputValue(card, 'note'), 'No.');
      assert.deepEqual(takedownVerbs(card), RECIPIENT_VERBS, 'the recipient can try again');
      assert.equal(cardsMatching(bot, 'adele', /disputes/).length, 0);
    });
  });

  describe('disputes', () => {
    it('upholds a disputed notice with a new deadline and tells the recipient; the old deadline no longer counts', async () => {
      await issueNotice(bot);
      const disputed = await press(bot, 'alex', 'dispute', { note: REASON });
      assert.match(cardText(disputed), /Your dispute was sent to the Communications Team\./);
      assert.match(cardText(disputed), /Disputed: waiting for the Communications Team/);
      assert.equal(cardsMatching(bot, 'adele', /Alex Wilber disputes the takedown notice\. Uphold or withdraw it\./).length, 1);
      const adelesCopy = updatesOf(bot, 'adele', 'adele-form').at(-1);
      assert.deepEqual(takedownVerbs(adelesCopy), ['takedown.uphold', 'takedown.withdraw']);
      assert.ok(cardText(adelesCopy).includes(REASON), 'the Communications Team sees the reason');

      const noNote = await press(bot, 'adele', 'uphold', { note: 'stands', deadline: 'days2' }, 'adele-form');
      assert.match(cardText(noNote), /Explain why the notice stands\./);
      assert.equal(errorNextTo(noNote, 'deadline'), 'Explain why the notice stands.');
      assert.match(cardText(noNote), /Disputed: waiting for the Communications Team/, 'nothing changed');

      const upheld = await press(bot, 'adele', 'uphold', { note: 'The tenant can be recognised from the door.', deadline: 'days2' }, 'adele-form');
      assert.match(cardText(upheld), /The notice stands, with a new deadline; the member of staff has been told\./);
      assert.match(cardText(upheld), /Upheld: the post must be removed/);
      const told = cardsMatching(bot, 'alex', /The Communications Team has upheld the notice: please remove the post by Fri 27 Nov, 10:00\./);
      assert.equal(told.length, 1);
      assert.deepEqual(takedownVerbs(told[0]), ['takedown.confirmRemoval', 'takedown.requestHelp'], 'no second dispute');
      assert.ok(cardText(told[0]).includes('The tenant can be recognised from the door.'));

      assert.equal(await clockMovesOn(bot, 24 * HOUR), 3, 'Thursday 10:00: the first deadline\'s two timers and the new half-way reminder');
      assert.equal(cardsMatching(bot, 'alex', /The deadline to remove the post has passed/).length, 0, 'the first deadline no longer counts');
      assert.equal(cardsMatching(bot, 'alex', /Reminder: please remove the post by Thu 26 Nov/).length, 0, 'nor its reminder');
      assert.equal(cardsMatching(bot, 'alex', /Reminder: please remove the post by Fri 27 Nov, 10:00/).length, 1, 'the new deadline has its own');
      assert.equal(cardsMatching(bot, 'megan', new RegExp(REF)).length, 0);
    });

    it('withdraws a disputed notice and tells the recipient that nothing more is needed', async () => {
      await issueNotice(bot);
      await press(bot, 'alex', 'dispute', { note: REASON });
      const withdrawn = await press(bot, 'adele', 'withdraw', { note: 'Agreed, the tenant consented.' }, 'adele-form');
      assert.match(cardText(withdrawn), /The notice was withdrawn; the member of staff has been told\./);
      assert.match(cardText(withdrawn), /Withdrawn/);
      const [told] = cardsMatching(bot, 'alex', /The Communications Team withdrew the takedown notice: nothing more is needed from you\./);
      assert.ok(told);
      assert.deepEqual(takedownVerbs(told), [], 'nothing left to press');
      assert.match(cardText(await ask(bot, 'patti', 'takedowns')), /No open takedown notices\./);
      const late = await press(bot, 'patti', 'uphold', { note: 'The tenant can be recognised.', deadline: 'days1' });
      assert.match(cardText(late), /TD-2026-00001 was already withdrawn by Adele Vance on 25 Nov 2026, 10:00\./);
    });
  });

  describe('reopening', () => {
    it('reopens a falsely confirmed removal with a new deadline and asks the recipient again', async () => {
      await issueNotice(bot);
      await press(bot, 'alex', 'confirmRemoval');
      const refused = await press(bot, 'adele', 'reopen', { note: '', deadline: 'hours4' }, 'adele-form');
      assert.equal(errorNextTo(refused, 'deadline'), 'Say what is still visible.');
      assert.match(cardText(refused), /Removal confirmed: waiting for verification/);

      const reopened = await press(bot, 'adele', 'reopen', { note: 'The post is still on the page at 10:00.', deadline: 'hours4' }, 'adele-form');
      assert.match(cardText(reopened), /Reopened with a new deadline; the member of staff has been told\./);
      assert.match(cardText(reopened), /Reopened: the post is still visible/);
      const [told, ...more] = cardsMatching(bot, 'alex', /The post is still visible\. Please remove it by Wed 25 Nov, 14:00\./);
      assert.ok(told);
      assert.equal(more.length, 0);
      assert.deepEqual(takedownVerbs(told), ['takedown.confirmRemoval', 'takedown.requestHelp']);
      assert.ok(cardText(told).includes('The post is still on the page at 10:00.'), 'the recipient sees what is still visible');

      await press(bot, 'alex', 'confirmRemoval');
      assert.equal(cardsMatching(bot, 'adele', /Alex Wilber says the post is removed/).length, 2, 'the issuer is asked to check again');
    });
  });

  describe('the deadline', () => {
    it('reminds the recipient half-way, then escalates to their manager with the facts and tells the recipient and the issuer', async () => {
      await issueNotice(bot);
      assert.ok(cardText(await ask(bot, 'megan', `show ${REF}`)).includes(NOT_FOUND), 'the manager cannot see it before');

      assert.equal(await clockMovesOn(bot, 4 * HOUR - 60_000), 0, 'nothing before 14:00');
      assert.equal(await clockMovesOn(bot, 60_000), 1, 'the reminder at 14:00');
      const reminders = cardsMatching(bot, 'alex', /Reminder: please remove the post by Thu 26 Nov, 10:00, or tell the Communications Team why not\./);
      assert.equal(reminders.length, 1);
      assert.match(cardText(reminders[0]), /4\.0 working hours left/);
      assert.equal(cardsMatching(bot, 'megan', new RegExp(REF)).length, 0);

      assert.equal(await clockMovesOn(bot, 20 * HOUR - 60_000), 0, 'nothing before the deadline');
      assert.equal(await clockMovesOn(bot, 60_000), 1, 'the deadline, Thursday 10:00');

      const [escalation, ...more] = cardsMatching(bot, 'megan', new RegExp(REF));
      assert.ok(escalation, 'the manager is told');
      assert.equal(more.length, 0);
      const facts = cardText(escalation);
      for (const fact of ['Alex Wilber has not removed a post by the deadline the Communications Team set. Please follow it up with them.',
        'Overdue: escalated to the line manager', 'Alex Wilber', 'Adele Vance, Communications Team', 'Facebook', 'Thu 26 Nov, 10:00',
        POST_LINK, EXPLANATION, 'Information about tenants, customers, partners or stakeholders', 'Deadline passed']) {
        assert.ok(facts.includes(fact), `the escalation shows "${fact}"`);
      }
      assert.deepEqual(takedownVerbs(escalation), [], 'the manager follows it up outside the bot');

      const alexCards = newCardsFor(bot, 'alex').map(cardText);
      const remindedAt = alexCards.findIndex((text) => text.includes('Reminder: please remove the post'));
      const overdueAt = alexCards.findIndex((text) => text.includes('The deadline to remove the post has passed, and your line manager has been told.'));
      assert.ok(remindedAt >= 0 && overdueAt > remindedAt, 'the reminder reached the recipient before the deadline passed');
      assert.deepEqual(takedownVerbs(newCardsFor(bot, 'alex')[overdueAt]), ['takedown.confirmRemoval', 'takedown.requestHelp']);
      assert.equal(cardsMatching(bot, 'adele', /TD-2026-00001 is overdue: Alex Wilber has not confirmed the removal\. Megan Bowen has been told\./).length, 1);
      assert.match(cardText(await ask(bot, 'megan', `show ${REF}`)), /Overdue: escalated to the line manager/, 'the manager can open it now');

      assert.equal(await clockMovesOn(bot, HOUR), 0, 'nothing fires twice');
      assert.equal(cardsMatching(bot, 'megan', /has not removed a post by the deadline/).length, 1, 'the manager is told once');
    });

    it('sends no reminder and no escalation once the removal is confirmed', async () => {
      await issueNotice(bot);
      await press(bot, 'alex', 'confirmRemoval');
      assert.equal(await clockMovesOn(bot, 4 * HOUR), 1, 'the half-way timer fires');
      assert.equal(await clockMovesOn(bot, 20 * HOUR), 1, 'the deadline timer fires');
      assert.equal(cardsMatching(bot, 'alex', /Reminder|deadline to remove the post has passed/).length, 0);
      assert.equal(cardsMatching(bot, 'megan', new RegExp(REF)).length, 0);
    });
  });

  describe('the list of open notices', () => {
    it('lists open notices for the Communications Team with the working hours left, and not for anyone else', async () => {
      await issueNotice(bot);
      await issueNotice(bot, { recipient: PEOPLE.stranger.id, deadline: 'hours4' }, 'adele-form-2');
      await issueNotice(bot, { recipient: PEOPLE.megan.id }, 'adele-form-3');
      await bot.click('adele', 'takedown.withdraw', { reference: 'TD-2026-00003', note: '' });
      await bot.idle();
      bot.advanceClock(HOUR); // Wednesday 11:00

      for (const person of ['adele', 'patti'] as const) {
        const list = await ask(bot, person, 'takedowns');
        assert.match(cardText(list), /Open takedown notices/);
        assert.deepEqual(listItems(list).map((item) => item.reference).sort(), ['TD-2026-00001', 'TD-2026-00002']);
        assert.ok(cardText(list).includes('Due Thu 26 Nov, 10:00: 7.0 working hours left.'), cardText(list));
        assert.ok(cardText(list).includes('Due Wed 25 Nov, 14:00: 3.0 working hours left.'), cardText(list));
      }
      for (const person of ['alex', 'megan', 'stranger'] as const) {
        assert.match(cardText(await ask(bot, person, 'takedowns')), /Only the Communications Team issues and follows takedown notices\./);
      }
    });
  });

  describe('confidentiality', () => {
    it('answers a stranger who asks for a notice exactly as if it did not exist', async () => {
      await issueNotice(bot);
      const strangersView = await ask(bot, 'stranger', `show ${REF}`);
      const missing = await ask(bot, 'stranger', 'show TD-2026-00099');
      assert.ok(cardText(strangersView).includes(NOT_FOUND), cardText(strangersView));
      assert.deepEqual(strangersView, missing);
      assert.deepEqual(await ask(bot, 'alex', 'show TD-2026-00099'), missing);
      assert.deepEqual(await ask(bot, 'megan', `show ${REF}`), missing, 'the manager before any escalation');
      assert.deepEqual(await ask(bot, 'isaiah', `show ${REF}`), missing, 'the Incident team has no part in it');
      assert.ok(!JSON.stringify(strangersView).includes(POST_LINK));
    });

    it('lets a stranger change nothing, with the same answer as a missing notice', async () => {
      await issueNotice(bot);
      for (const verb of ['confirmRemoval', 'dispute', 'requestHelp', 'verify', 'withdraw', 'refresh']) {
        const card = await press(bot, 'stranger', verb, { note: REASON });
        assert.ok(cardText(card).includes(NOT_FOUND), `${verb}: ${cardText(card)}`);
        assert.ok(!JSON.stringify(card).includes(POST_LINK) && !JSON.stringify(card).includes(EXPLANATION), `${verb} shows nothing of the notice`);
      }
      const card = cardText(await ask(bot, 'adele', `show ${REF}`));
      assert.match(card, /Issued: waiting for the recipient/, 'nothing changed');
      assert.equal(cardsMatching(bot, 'adele', /says the post is removed|disputes|needs help/).length, 0);
    });
  });
});
