import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import sinon from 'sinon';
import { cardBytes, MAX_CARD_BYTES } from '../../src/cards/render';
import { createCaseStore } from '../../src/store/case-store';
import { BotHarness, buttonVerbs, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, cardsMatching, errorNextTo, formSubmission, inputValue, issueTakedown, listItems, newCardsFor, NOW, validTakedown } from './conversation-helpers';

/**
 * Information from colleagues over HTTP (issue 12): the Communications Team asks a colleague a question from a
 * takedown notice; the colleague sees only the question and the post's link, answers it or says who to ask
 * instead; the answer lands on the notice and in the asker's chat. The clock starts on Wednesday 25 November
 * 2026 at 10:00 (GMT): 1 working day is due on Thursday at 10:00, and the half-way reminder is on Wednesday at 14:00.
 */
const TD = 'TD-2026-00001';
const IR = 'IR-2026-00001';
const HOUR = 3_600_000;
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
const POST_LINK = String(validTakedown().link);
const EXPLANATION = String(validTakedown().explanation);
const QUESTION = 'Was the photo on this post taken at the open day in Govan, and did the tenant agree to it?';
const ANSWER = 'Yes: at the open day on 14 November, and the tenant signed the consent form.';
const NOT_FOUND = 'I can\'t find that question, or you don\'t have a part in it.';

// The official renderer's object model parses cards in Node from its dist bundle (no DOM needed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const infoVerbs = (card: unknown) => buttonVerbs(card).filter((verb) => verb.startsWith('infoRequest.'));

/** Every card is Adaptive Card 1.5, fully bound, under Teams' size limit, and parses without warnings (Teams' people picker aside). */
function assertGoodCard(card: CardJson, name: string): void {
  assert.equal(card.version, '1.5', name);
  assert.doesNotMatch(JSON.stringify(card), /\$\{/, `${name}: every \${...} bound`);
  assert.ok(cardBytes(card) < MAX_CARD_BYTES, `${name}: ${cardBytes(card)} bytes`);
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  new AC.AdaptiveCard().parse(card, context);
  const warnings = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message)
    .filter((message) => !/^Property "choices\.data" is supported in version 1\.6/.test(message));
  assert.deepEqual(warnings, [], name);
}

/** The "Ask a colleague" button on a takedown card: its verb and data, as Teams sends them back. */
function askColleagueButton(card: CardJson): { verb: string; data: Record<string, unknown> } | undefined {
  let found: { verb: string; data: Record<string, unknown> } | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Action.Execute' && element.verb === 'infoRequest.new') found = { verb: element.verb, data: element.data as Record<string, unknown> };
    Object.values(element).forEach(walk);
  };
  walk(card);
  return found;
}

/** Moves the clock on and fires the timers that came due; waits until what they caused is sent. */
async function clockMovesOn(bot: BotHarness, millis: number): Promise<number> {
  bot.advanceClock(millis);
  const report = await bot.runtime.scheduler.tick();
  await bot.idle();
  return report.fired;
}

async function click(bot: BotHarness, person: PersonKey, verb: string, data: Record<string, unknown>, messageId?: string): Promise<CardJson> {
  const { card } = await bot.click(person, verb, data, messageId);
  await bot.idle();
  return card;
}

/** "Ask a colleague" on a case card: the card stays as it is, and the form comes as a new message in the asker's chat. */
async function askColleague(bot: BotHarness, person: PersonKey, data: Record<string, unknown>, caseCardId = 'notice-card'): Promise<CardJson> {
  const before = newCardsFor(bot, person).length;
  const toast = await bot.clickKeepingCard(person, 'infoRequest.new', data, caseCardId);
  assert.equal(toast, 'The question form is below.');
  await bot.idle();
  const cards = newCardsFor(bot, person);
  assert.equal(cards.length, before + 1, 'the form, as a new message');
  return cards.at(-1)!;
}

describe('information from colleagues over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of EVERYONE) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  /** Adele issues a takedown notice to Alex, presses "Ask a colleague" on it and sends the form: to `colleague`, unless told. */
  async function askFromTakedown(colleague: PersonKey = 'megan', changes: Record<string, unknown> = {}): Promise<CardJson> {
    const notice = await issueTakedown(bot);
    const button = askColleagueButton(notice);
    assert.ok(button, 'the Communications Team has "Ask a colleague" on the notice');
    const form = await askColleague(bot, 'adele', button.data, 'adele-td');
    const submission = formSubmission(form, { question: QUESTION, colleague: PEOPLE[colleague].id, ...changes });
    return click(bot, 'adele', submission.verb, submission.data, 'adele-ir-form');
  }

  describe('asking', () => {
    it('puts "Ask a colleague" on the notice for the Communications Team only, while it is open', async () => {
      const notice = await issueTakedown(bot);
      assert.deepEqual(askColleagueButton(notice), { verb: 'infoRequest.new', data: { about: TD, link: POST_LINK } });
      const [recipientsCard] = cardsMatching(bot, 'alex', new RegExp(TD));
      assert.equal(askColleagueButton(recipientsCard), undefined, 'not for the recipient');
      const withdrawn = await click(bot, 'adele', 'takedown.withdraw', { reference: TD, note: '' });
      assert.equal(askColleagueButton(withdrawn), undefined, 'not once the notice is closed');
    });

    it('shows the form with the post, everyone but the asker, and 1 working day; sends the question to the colleague only', async () => {
      const notice = await issueTakedown(bot);
      const form = await askColleague(bot, 'adele', askColleagueButton(notice)!.data);
      assertGoodCard(form, 'the form');
      assert.match(cardText(form), /Ask a colleague/);
      assert.ok(cardText(form).includes(`About ${TD}.`) && cardText(form).includes(POST_LINK));
      assert.equal(inputValue(form, 'due'), 'days1');
      assert.ok(JSON.stringify(form).includes(`"value":"${PEOPLE.megan.id}"`) && !JSON.stringify(form).includes(`"value":"${PEOPLE.adele.id}"`), 'the asker cannot pick themselves');
      assert.deepEqual(infoVerbs(form), ['infoRequest.ask', 'infoRequest.cancel']);

      const submission = formSubmission(form, { question: QUESTION, colleague: PEOPLE.megan.id });
      const sent = await click(bot, 'adele', submission.verb, submission.data);
      assertGoodCard(sent, 'the asker\'s card');
      assert.match(cardText(sent), /Sent to Megan Bowen, to answer by Thu 26 Nov, 10:00\./);
      assert.ok(cardText(sent).includes(IR) && cardText(sent).includes(TD), 'the asker sees which notice it is about');
      assert.deepEqual(infoVerbs(sent), ['infoRequest.withdraw']);
      assert.equal(cardsMatching(bot, 'alex', new RegExp(IR)).length, 0, 'the notice\'s recipient is not told');
      assert.equal(cardsMatching(bot, 'isaiah', new RegExp(IR)).length, 0, 'the colleague\'s manager is not told while there is time');
    });

    it('shows the colleague only the question, the post\'s link, who asks and when it is due', async () => {
      await askFromTakedown();
      const [told, ...more] = cardsMatching(bot, 'megan', new RegExp(IR));
      assert.ok(told, 'the colleague got the question');
      assert.equal(more.length, 0);
      assertGoodCard(told, 'the colleague\'s card');
      const text = cardText(told);
      for (const fact of ['Adele Vance of the Communications Team asks you a question. Please answer by Thu 26 Nov, 10:00.', QUESTION, POST_LINK,
        'Adele Vance, Communications Team', 'Thu 26 Nov, 10:00', 'Megan Bowen to answer by Thu 26 Nov, 10:00, 8.0 working hours left.']) {
        assert.ok(text.includes(fact), `the colleague sees "${fact}"`);
      }
      const everything = JSON.stringify(told);
      for (const secret of [TD, EXPLANATION, 'Alex Wilber', 'Information about tenants']) assert.ok(!everything.includes(secret), `nothing of the notice: "${secret}"`);
      assert.deepEqual(infoVerbs(told), ['infoRequest.answer', 'infoRequest.passOn']);
      assert.deepEqual(listItems(await ask(bot, 'megan', 'my actions')).map((item) => item.reference), [IR], 'it waits for the colleague');
    });

    it('keeps the form and shows the problems next to the fields, sending nothing', async () => {
      const notice = await issueTakedown(bot);
      const form = await askColleague(bot, 'adele', askColleagueButton(notice)!.data);
      const formId = String(formSubmission(form).data.formId);
      const wrong = await click(bot, 'adele', 'infoRequest.ask', { ...formSubmission(form, { question: 'Why?', colleague: '' }).data });
      assertGoodCard(wrong, 'the form with errors');
      assert.match(cardText(wrong), /Please check the highlighted fields: nothing has been sent yet\./);
      assert.equal(errorNextTo(wrong, 'question'), 'Ask the question in a sentence (at least 10 characters).');
      assert.equal(errorNextTo(wrong, 'colleague'), 'Choose the colleague who can answer.');
      assert.equal(inputValue(wrong, 'question'), 'Why?', 'what was typed is kept');
      assert.ok(JSON.stringify(wrong).includes(formId), 'the same form, so a later send is still one question');
      const self = await click(bot, 'adele', 'infoRequest.ask', formSubmission(form, { question: QUESTION, colleague: PEOPLE.adele.id }).data);
      assert.equal(errorNextTo(self, 'colleague'), 'Choose the colleague who can answer.');
      const unknown = await click(bot, 'adele', 'infoRequest.ask', formSubmission(form, { question: QUESTION, colleague: 'aad-nobody' }).data);
      assert.match(errorNextTo(unknown, 'colleague') ?? '', /couldn't find that person/);
      assert.equal(cardsMatching(bot, 'megan', /IR-\d{4}-\d{5}/).length, 0, 'nobody was asked anything');
    });

    it('sends one question when the same form is sent twice', async () => {
      const notice = await issueTakedown(bot);
      const form = await askColleague(bot, 'adele', askColleagueButton(notice)!.data);
      const { verb, data } = formSubmission(form, { question: QUESTION, colleague: PEOPLE.megan.id });
      await click(bot, 'adele', verb, data);
      const again = await click(bot, 'adele', verb, data);
      assert.match(cardText(again), /This question was already sent\./);
      assert.equal(cardsMatching(bot, 'megan', new RegExp(IR)).length, 1);
    });

    it('is the Communications Team\'s: anyone else is told so, from the button or straight from card data', async () => {
      await issueTakedown(bot);
      for (const person of ['alex', 'megan', 'isaiah', 'stranger'] as const) {
        const form = await click(bot, person, 'infoRequest.new', { about: TD, link: POST_LINK });
        assert.match(cardText(form), /Communications Team only/);
        assert.deepEqual(infoVerbs(form), []);
        const sent = await click(bot, person, 'infoRequest.ask', { formId: randomUUID(), about: TD, link: POST_LINK, question: QUESTION, colleague: PEOPLE.patti.id, due: 'days1' });
        assert.match(cardText(sent), /Only the Communications Team asks colleagues for information\./);
      }
      assert.equal(cardsMatching(bot, 'patti', /IR-\d{4}-\d{5}/).length, 0, 'nobody was asked anything');
    });

    it('refuses cleanly a forged case of another kind, and a link that is not a plain web link', async () => {
      await issueTakedown(bot);
      for (const about of ['AR-2026-00001', 'AINM-2026-00001', 'IR-2026-00001', 'TD-2026', '']) {
        const form = await click(bot, 'adele', 'infoRequest.new', { about, link: POST_LINK });
        assert.match(cardText(form), /I can't find that case, or you can't ask a colleague about it\./, about);
        assert.deepEqual(infoVerbs(form), [], about);
        const sent = await click(bot, 'adele', 'infoRequest.ask', { formId: randomUUID(), about, link: POST_LINK, question: QUESTION, colleague: PEOPLE.megan.id, due: 'days1' });
        assert.match(cardText(sent), /I can't find that case, or you can't ask a colleague about it\./, about);
      }
      assert.equal(cardsMatching(bot, 'megan', /IR-\d{4}-\d{5}/).length, 0, 'nobody was asked anything');
      await click(bot, 'adele', 'infoRequest.ask', { formId: randomUUID(), about: TD, link: 'javascript:alert(1)', question: QUESTION, colleague: PEOPLE.megan.id, due: 'days1' });
      const [told] = cardsMatching(bot, 'megan', new RegExp(IR));
      assert.ok(told && !JSON.stringify(told).includes('javascript:'), 'the question went without the link');
    });
  });

  describe('answering', () => {
    it('puts the answer on the notice for the Communications Team and in the asker\'s chat, and closes the question', async () => {
      await askFromTakedown();
      const answered = await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      assertGoodCard(answered, 'the answered card');
      assert.match(cardText(answered), /Thank you: your answer was sent to the Communications Team\./);
      assert.match(cardText(answered), /Answered/);
      assert.deepEqual(infoVerbs(answered), []);

      const [inChat, ...more] = cardsMatching(bot, 'adele', /Megan Bowen answered your question\./);
      assert.ok(inChat, 'the asker is told in their chat');
      assert.equal(more.length, 0);
      assert.ok(cardText(inChat).includes(ANSWER), 'with the answer');
      assertGoodCard(inChat, 'the asker\'s answered card');

      const notice = await ask(bot, 'patti', `show ${TD}`);
      assertGoodCard(notice, 'the notice with information');
      assert.ok(cardText(notice).includes('Information from colleagues') && cardText(notice).includes(ANSWER), 'the Communications Team sees the answer');
      assert.ok(cardText(notice).includes('Information from Megan Bowen'), 'a step in the history');
      const events = await createCaseStore(bot.tables.cases).events(TD) as { type: string; request?: string; answer?: string }[];
      assert.deepEqual(events.filter((event) => event.type === 'InformationReceived').map(({ request, answer }) => ({ request, answer })), [{ request: IR, answer: ANSWER }], 'in the audit trail, once');

      // The notice's card and the question's card are different messages in Adele's chat: each is updated as its own case only.
      const updates = new Map<string, string[]>();
      for (const call of bot.connector.delivered.filter((c) => c.method === 'PUT' && c.conversationId === bot.personalConversation('adele'))) {
        updates.set(call.activityId!, [...(updates.get(call.activityId!) ?? []), cardText((call.body.attachments as { content: unknown }[])[0]!.content)]);
      }
      assert.ok(updates.get('adele-ir-form')?.some((text) => text.includes(IR) && /Answered/.test(text)), 'the question\'s card shows it answered');
      for (const [messageId, texts] of updates) {
        const cases = new Set(texts.map((text) => (text.includes(IR) ? 'question' : 'notice')));
        assert.equal(cases.size, 1, `message ${messageId} showed both the notice and the question: ${JSON.stringify(texts)}`);
      }
      assert.ok(!updates.get('adele-td')?.some((text) => text.includes(IR)), 'the card "Ask a colleague" was pressed on never became the question');

      const recipients = await ask(bot, 'alex', `show ${TD}`);
      assert.ok(!cardText(recipients).includes(ANSWER) && !cardText(recipients).includes('Megan Bowen'), 'the recipient sees neither the answer nor who was asked');
      assert.deepEqual(listItems(await ask(bot, 'megan', 'my actions')), [], 'nothing waits for the colleague now');

      const again = await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      assert.doesNotMatch(cardText(again), /already answered/, 'a double click is not an error');
      assert.equal(cardsMatching(bot, 'adele', /answered your question/).length, 1, 'the asker is told once');
    });

    it('keeps the card and shows the error when the answer is empty', async () => {
      await askFromTakedown();
      const card = await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: '   ' });
      assert.match(cardText(card), /Write your answer before sending it\./);
      assert.equal(errorNextTo(card, 'answer'), 'Write your answer.');
      assert.deepEqual(infoVerbs(card), ['infoRequest.answer', 'infoRequest.passOn']);
      assert.equal(cardsMatching(bot, 'adele', /answered your question/).length, 0);
    });

    it('lets no one else answer: a stranger is told it cannot be found', async () => {
      await askFromTakedown();
      for (const person of ['stranger', 'alex', 'isaiah'] as const) {
        const card = await click(bot, person, 'infoRequest.answer', { reference: IR, answer: ANSWER });
        assert.ok(cardText(card).includes(NOT_FOUND), `${person}: ${cardText(card)}`);
        assert.ok(!JSON.stringify(card).includes(QUESTION), `${person} sees nothing of the question`);
      }
      assert.deepEqual(await ask(bot, 'stranger', `show ${IR}`), await ask(bot, 'stranger', 'show IR-2026-00099'));
      const asker = await click(bot, 'adele', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      assert.match(cardText(asker), /Only Megan Bowen, who was asked, can answer it\./);
      assert.equal(cardsMatching(bot, 'adele', /answered your question/).length, 0);
    });

    it('lets the Communications Team withdraw the question, and tells the colleague', async () => {
      await askFromTakedown();
      const withdrawn = await click(bot, 'patti', 'infoRequest.withdraw', { reference: IR });
      assert.match(cardText(withdrawn), /The question was withdrawn; the colleague has been told\./);
      const [told] = cardsMatching(bot, 'megan', /The Communications Team withdrew its question: nothing more is needed from you\./);
      assert.ok(told);
      assert.deepEqual(infoVerbs(told), [], 'nothing left to press');
      const late = await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      assert.match(cardText(late), /IR-2026-00001 was withdrawn by Patti Fernandez on 25 Nov 2026, 10:00: nothing more is needed\./);
      const refused = await click(bot, 'megan', 'infoRequest.withdraw', { reference: IR });
      assert.match(cardText(refused), /Only the Communications Team can withdraw a question\./);
    });
  });

  describe('who to ask instead', () => {
    it('passes the question on: the new colleague is asked, the asker told, the old colleague loses it', async () => {
      await askFromTakedown();
      const meganMessage = 'megan-question';
      const passed = await click(bot, 'megan', 'infoRequest.passOn', { reference: IR, newColleague: PEOPLE.alex.id, reason: 'Alex took the photo himself.', answer: '' }, meganMessage);
      assertGoodCard(passed, 'the passed-on card');
      assert.match(cardText(passed), /You passed this question on to a colleague: nothing more is needed from you\./);
      assert.ok(!JSON.stringify(passed).includes(QUESTION));

      const [told] = cardsMatching(bot, 'alex', new RegExp(IR));
      assert.ok(told, 'the new colleague is asked');
      assert.ok(cardText(told).includes('Megan Bowen thinks you can answer a question from Adele Vance of the Communications Team. Please answer by Thu 26 Nov, 10:00.'));
      assert.ok(cardText(told).includes(QUESTION) && cardText(told).includes('Alex took the photo himself.'));
      assert.deepEqual(infoVerbs(told), ['infoRequest.answer', 'infoRequest.passOn']);
      assert.equal(cardsMatching(bot, 'adele', /Megan Bowen passed your question on to Alex Wilber\./).length, 1, 'the asker is told');

      assert.deepEqual(listItems(await ask(bot, 'megan', 'my cases')).map((item) => item.reference), [], 'the old colleague\'s line is gone');
      assert.ok(cardText(await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: ANSWER })).includes(NOT_FOUND));
      assert.ok(listItems(await ask(bot, 'alex', 'my actions')).some((item) => item.reference === IR), 'it waits for the new colleague');

      await click(bot, 'alex', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      assert.equal(cardsMatching(bot, 'adele', /Alex Wilber answered your question\./).length, 1);
      assert.ok(cardText(await ask(bot, 'adele', `show ${TD}`)).includes('Information from Alex Wilber'));
    });

    it('needs someone to ask and a reason, keeping what was typed', async () => {
      await askFromTakedown();
      const noReason = await click(bot, 'megan', 'infoRequest.passOn', { reference: IR, newColleague: PEOPLE.alex.id, reason: '', answer: 'half an answer' });
      assert.match(cardText(noReason), /Please check who to ask instead, and why\./);
      assert.equal(errorNextTo(noReason, 'reason'), 'Say why they can answer it.');
      assert.equal(inputValue(noReason, 'answer'), 'half an answer');
      const nobody = await click(bot, 'megan', 'infoRequest.passOn', { reference: IR, newColleague: 'aad-nobody', reason: 'They know.' });
      assert.equal(errorNextTo(nobody, 'reason'), 'Choose who to ask instead from the staff directory.');
      assert.equal(inputValue(nobody, 'reason'), 'They know.');
      const asker = await click(bot, 'megan', 'infoRequest.passOn', { reference: IR, newColleague: PEOPLE.adele.id, reason: 'She knows.' });
      assert.equal(errorNextTo(asker, 'reason'), 'Adele Vance asked the question: choose someone else.');
      assert.equal(cardsMatching(bot, 'adele', /passed your question on/).length, 0);
    });
  });

  describe('the due time', () => {
    it('reminds the colleague half-way, then tells their line manager and the asker; a late answer is still taken', async () => {
      await askFromTakedown();
      // The notice it was asked from has the same due time: its timers fire beside the question's.
      assert.equal(await clockMovesOn(bot, 4 * HOUR - 60_000), 0, 'nothing before 14:00');
      assert.equal(await clockMovesOn(bot, 60_000), 2, 'the reminders at 14:00: the question\'s and the notice\'s');
      const reminders = cardsMatching(bot, 'megan', /Reminder: Adele Vance of the Communications Team is waiting for your answer, due by Thu 26 Nov, 10:00\./);
      assert.equal(reminders.length, 1);
      assert.match(cardText(reminders[0]), /4\.0 working hours left/);
      assert.equal(cardsMatching(bot, 'isaiah', new RegExp(IR)).length, 0);

      assert.equal(await clockMovesOn(bot, 20 * HOUR - 60_000), 0, 'nothing before the due time');
      assert.equal(await clockMovesOn(bot, 60_000), 2, 'the due times, Thursday 10:00: the question\'s and the notice\'s');
      const [escalation, ...more] = cardsMatching(bot, 'isaiah', new RegExp(IR));
      assert.ok(escalation, 'the colleague\'s line manager is told');
      assert.equal(more.length, 0);
      assertGoodCard(escalation, 'the escalation');
      assert.ok(cardText(escalation).includes('Megan Bowen has not answered a question from the Communications Team by the time it was due. Please follow it up with them.'));
      assert.ok(!JSON.stringify(escalation).includes(TD), 'the manager sees nothing of the notice either');
      assert.equal(cardsMatching(bot, 'adele', /IR-2026-00001 is overdue: Megan Bowen has not answered\. Isaiah Langer has been told\./).length, 1);
      const meganNow = await ask(bot, 'megan', `show ${IR}`);
      assert.match(cardText(meganNow), /Overdue: the line manager was told/, 'the card says overdue');
      assert.deepEqual(infoVerbs(meganNow), ['infoRequest.answer', 'infoRequest.passOn']);

      await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      assert.equal(cardsMatching(bot, 'adele', /Megan Bowen answered your question\./).length, 1, 'the late answer is taken');
      assert.ok(cardText(await ask(bot, 'adele', `show ${TD}`)).includes(ANSWER));
      assert.equal(await clockMovesOn(bot, HOUR), 0, 'nothing fires twice');
    });

    it('sends no reminder and no escalation once answered', async () => {
      await askFromTakedown();
      await click(bot, 'megan', 'infoRequest.answer', { reference: IR, answer: ANSWER });
      await clockMovesOn(bot, 4 * HOUR);
      await clockMovesOn(bot, 20 * HOUR);
      assert.equal(cardsMatching(bot, 'megan', /Reminder: Adele Vance/).length, 0);
      assert.equal(cardsMatching(bot, 'isaiah', new RegExp(IR)).length, 0);
    });
  });
});
