import assert from 'node:assert/strict';
import sinon from 'sinon';
import { createTimerStore } from '../../src/store/timers';
import type { TickReport } from '../../src/scheduler/scheduler';
import { BotHarness, buttonVerbs, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import {
  ask, BUSINESS_CASE, cardsMatching, formSubmission, inputValue, newCardsFor, submitReport, submitRequest,
} from './conversation-helpers';

/**
 * Reminders, escalations and expiry over HTTP (DESIGN.md sections 1 and 2, "Timers"): the bot's clock is
 * moved on, the scheduler ticks, and the tests look at what each person gets in their chat.
 *
 * The clock starts on Monday 2 November 2026, 10:00 in London (GMT, so 10:00Z). No holiday falls before
 * St Andrew's Day (Mon 30 Nov), so working days are plain weekdays: 2 working days on is Wed 4 Nov 10:00,
 * 5 working days on is Mon 9 Nov 10:00, 1 working day on is Tue 3 Nov 10:00.
 */
const START = new Date('2026-11-02T10:00:00.000Z');
const REF = 'AR-2026-00001';
const AINM = 'AINM-2026-00001';
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
const REQUEST = { startDate: '2026-11-02', endDate: '2027-05-02' };

const DECISION_VERBS = ['accessRequest.approve', 'accessRequest.reject', 'accessRequest.requestInfo'];
const decisionVerbs = (card: unknown) => buttonVerbs(card).filter((verb) => DECISION_VERBS.includes(verb)).sort();
const REMINDER = /Reminder: Alex Wilber's request for view access to Facebook, LinkedIn is waiting for your decision\./;
const ESCALATED_TO_REQUESTER = /has not decided within 5 working days\. You can choose another approver, or withdraw the request\./;

/** The title of the button with this verb, if the card has one. */
function buttonTitle(card: unknown, verb: string): string | undefined {
  let title: string | undefined;
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item));
    if (typeof node !== 'object' || node === null || key === 'refresh') return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Action.Execute' && element.verb === verb) title ??= String(element.title);
    for (const [childKey, value] of Object.entries(element)) walk(value, childKey);
  };
  walk(card);
  return title;
}

/** The values offered by a choice input. */
function choiceValues(card: unknown, inputId: string): string[] {
  let values: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'Input.ChoiceSet' && element.id === inputId) values = (element.choices as { value: string }[]).map((choice) => choice.value);
    Object.values(element).forEach(walk);
  };
  walk(card);
  return values;
}

describe('timers over HTTP: reminders, escalations and expiry', () => {
  let bot: BotHarness;
  let clock: Date;

  beforeEach(async () => {
    bot = await new BotHarness({ now: () => START }).start();
    clock = START;
    for (const person of EVERYONE) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  /** Moves the bot's clock to `instant` (never back). */
  function moveTo(instant: string): void {
    const target = new Date(instant);
    assert.ok(target >= clock, `the clock only moves forward (${instant})`);
    bot.advanceClock(target.getTime() - clock.getTime());
    clock = target;
  }

  /** Moves the clock to `instant`, lets the scheduler fire what is due, and waits for the messages it causes. */
  async function tickAt(instant: string): Promise<TickReport> {
    moveTo(instant);
    const report = await bot.runtime.scheduler.tick();
    await bot.idle();
    return report;
  }

  /** Cards in this person's chat newer than `since` (a count taken earlier). */
  const cardsSince = (person: PersonKey, since: number): CardJson[] => newCardsFor(bot, person).slice(since);

  describe('an access request nobody decides on', () => {
    it('reminds the approver after 2 working days, not before, and only once', async () => {
      await submitRequest(bot, 'alex', REQUEST);
      assert.equal(cardsMatching(bot, 'megan', /Alex Wilber asks for view access/).length, 1, 'the approver was asked at once');
      const alexBefore = newCardsFor(bot, 'alex').length;

      await tickAt('2026-11-04T09:59:59.999Z');
      assert.equal(cardsMatching(bot, 'megan', REMINDER).length, 0, 'no reminder a millisecond early');

      const report = await tickAt('2026-11-04T10:00:00.000Z');
      assert.equal(report.fired, 1);
      const reminders = cardsMatching(bot, 'megan', REMINDER);
      assert.equal(reminders.length, 1, 'the approver is reminded');
      assert.deepEqual(decisionVerbs(reminders[0]), [...DECISION_VERBS].sort(), 'the reminder lets the approver decide there and then');
      assert.match(cardText(reminders[0]), new RegExp(REF));

      await tickAt('2026-11-04T10:05:00.000Z');
      await tickAt('2026-11-05T10:00:00.000Z');
      assert.equal(cardsMatching(bot, 'megan', REMINDER).length, 1, 'not reminded twice');
      assert.deepEqual(cardsSince('alex', alexBefore), [], 'the requester is not bothered by the reminder');
    });

    it('tells the requester after 5 working days and lets them hand the request to isaiah; megan\'s card turns into a notice and her old timers do nothing', async () => {
      await submitRequest(bot, 'alex', REQUEST);
      await tickAt('2026-11-04T10:00:00.000Z');
      assert.equal(cardsMatching(bot, 'megan', REMINDER).length, 1);

      await tickAt('2026-11-09T09:59:00.000Z');
      assert.equal(cardsMatching(bot, 'alex', ESCALATED_TO_REQUESTER).length, 0, 'not escalated before 5 working days');

      await tickAt('2026-11-09T10:00:00.000Z');
      const told = cardsMatching(bot, 'alex', ESCALATED_TO_REQUESTER);
      assert.equal(told.length, 1, 'the requester is told');
      assert.match(cardText(told[0]), /Megan Bowen has not decided within 5 working days/);
      assert.match(cardText(told[0]), /Alex Wilber can choose another approver/, 'the card says what the requester can do');
      assert.equal(buttonTitle(told[0], 'accessRequest.reassign'), 'Choose another approver');
      assert.ok(buttonVerbs(told[0]).includes('accessRequest.withdraw'), 'or withdraw');
      assert.equal(cardsMatching(bot, 'megan', /has waited 5 working days for your decision; Alex Wilber has been told/).length, 1, 'the approver is told too');

      const { card: reassign } = await bot.click('alex', 'accessRequest.reassign', { reference: REF });
      assert.match(cardText(reassign), /Choose another approver/);
      assert.match(cardText(reassign), /AR-2026-00001 is waiting for Megan Bowen/);
      assert.ok(choiceValues(reassign, 'approver').includes(PEOPLE.isaiah.id), 'isaiah can be chosen');
      assert.ok(!choiceValues(reassign, 'approver').includes(PEOPLE.megan.id), 'the current approver is not offered again');
      assert.ok(!choiceValues(reassign, 'approver').includes(PEOPLE.alex.id), 'nor the requester');

      const megansChatBefore = newCardsFor(bot, 'megan').length;
      const submission = formSubmission(reassign, { approver: PEOPLE.isaiah.id });
      assert.equal(submission.verb, 'accessRequest.changeApprover');
      const { card: sent } = await bot.click('alex', submission.verb, submission.data);
      assert.match(cardText(sent), /Sent to Isaiah Langer instead\./);
      assert.deepEqual(decisionVerbs(sent), [], 'the requester cannot decide');
      await bot.idle();

      const asked = cardsMatching(bot, 'isaiah', /Alex Wilber asks for view access to Facebook, LinkedIn/);
      assert.equal(asked.length, 1, 'isaiah gets the request');
      assert.deepEqual(decisionVerbs(asked[0]), [...DECISION_VERBS].sort());
      assert.ok(cardText(asked[0]).includes(BUSINESS_CASE), 'with the business case');
      assert.match(cardText(asked[0]), /Isaiah Langer to decide, by Wed 11 Nov, 10:00/);

      const megansCopy = bot.lastCardFor('megan');
      assert.match(cardText(megansCopy), /moved to another approver: nothing is needed from you/);
      assert.ok(!cardText(megansCopy).includes(BUSINESS_CASE), 'megan no longer sees the business case');
      assert.deepEqual(decisionVerbs(megansCopy), []);
      for (const card of cardsSince('megan', megansChatBefore)) assert.ok(!cardText(card).includes(BUSINESS_CASE));
      assert.match(cardText(await ask(bot, 'megan', 'approvals')), /Nothing is waiting for you/);

      // megan's timers, delivered again late (a lease that ran out, a replay): they do nothing now.
      const timers = createTimerStore(bot.tables.timers);
      const megansTimers = (await timers.forReference(REF)).filter((timer) => timer.basis === START.toISOString());
      assert.deepEqual(megansTimers.map((timer) => timer.timer).sort(), ['accessRequest.escalate', 'accessRequest.remindApprover']);
      for (const timer of megansTimers) await timers.schedule({ ...timer, dueAt: '2026-11-10T10:00:00.000Z' });
      const megansBefore = newCardsFor(bot, 'megan').length;
      const alexBefore = newCardsFor(bot, 'alex').length;
      const replay = await tickAt('2026-11-10T10:00:00.000Z');
      assert.equal(replay.fired, 2, 'the old timers fired');
      assert.deepEqual(cardsSince('megan', megansBefore), [], 'no second reminder to megan');
      assert.deepEqual(cardsSince('alex', alexBefore), [], 'no second escalation to the requester');
      assert.equal(cardsMatching(bot, 'isaiah', REMINDER).length, 0);

      // isaiah's own wait has its own reminder, 2 working days after the change.
      await tickAt('2026-11-11T10:00:00.000Z');
      assert.equal(cardsMatching(bot, 'isaiah', REMINDER).length, 1, 'isaiah is reminded');
      assert.equal(cardsMatching(bot, 'megan', REMINDER).length, 1, 'megan is not');
    });

    it('lets megan pass the request on before any reminder (alex may not yet), and then her reminder and escalation never come', async () => {
      await submitRequest(bot, 'alex', REQUEST);
      moveTo('2026-11-03T09:30:00.000Z');
      const [megansCard] = cardsMatching(bot, 'megan', /Alex Wilber asks for view access/);
      assert.equal(buttonTitle(megansCard, 'accessRequest.reassign'), 'Pass to someone else');
      const tooSoon = await bot.click('alex', 'accessRequest.changeApprover', { reference: REF, approver: PEOPLE.isaiah.id });
      assert.match(cardText(tooSoon.card), /You can't choose another approver yet: AR-2026-00001 has waited less than 5 working days for Megan Bowen/);
      const { card: reassign } = await bot.click('megan', 'accessRequest.reassign', { reference: REF });
      assert.match(cardText(reassign), /waiting for your decision/);
      const viaSearch = formSubmission(reassign, { approverSearch: PEOPLE.isaiah.id });
      assert.equal(viaSearch.data.approver, '', 'nothing chosen in the list');
      await bot.click('megan', viaSearch.verb, viaSearch.data);
      await bot.idle();
      assert.equal(cardsMatching(bot, 'isaiah', /Megan Bowen passed Alex Wilber's request for view access/).length, 1, 'isaiah is asked (chosen with the search box)');
      assert.equal(cardsMatching(bot, 'alex', /Megan Bowen passed your request to Isaiah Langer, who decides now\./).length, 1, 'alex is told');
      const alexBefore = newCardsFor(bot, 'alex').length;
      const megansBefore = newCardsFor(bot, 'megan').length;

      const megansReminder = await tickAt('2026-11-04T10:00:00.000Z');
      assert.equal(megansReminder.fired, 1, 'megan\'s reminder came due and fired');
      assert.deepEqual(cardsSince('megan', megansBefore), [], '...and did nothing');

      await tickAt('2026-11-05T09:30:00.000Z');
      assert.equal(cardsMatching(bot, 'isaiah', REMINDER).length, 1, 'isaiah is reminded 2 working days after he was asked');

      const megansEscalation = await tickAt('2026-11-09T10:00:00.000Z');
      assert.equal(megansEscalation.fired, 1, 'megan\'s escalation came due and fired');
      assert.deepEqual(cardsSince('alex', alexBefore), [], 'the requester hears nothing about megan');

      await tickAt('2026-11-10T09:30:00.000Z');
      const told = cardsMatching(bot, 'alex', ESCALATED_TO_REQUESTER);
      assert.equal(told.length, 1);
      assert.match(cardText(told[0]), /Isaiah Langer has not decided within 5 working days/);
      assert.deepEqual(cardsSince('megan', megansBefore), [], 'megan hears nothing at all');
    });

    it('sets no reminder off once the approver has decided', async () => {
      await submitRequest(bot, 'alex', REQUEST);
      moveTo('2026-11-03T11:00:00.000Z');
      await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();
      const meganBefore = newCardsFor(bot, 'megan').length;
      const alexBefore = newCardsFor(bot, 'alex').length;

      await tickAt('2026-11-04T10:00:00.000Z');
      await tickAt('2026-11-09T10:00:00.000Z');
      assert.deepEqual(cardsSince('megan', meganBefore), []);
      assert.deepEqual(cardsSince('alex', alexBefore), []);
    });
  });

  describe('the end of approved access', () => {
    /**
     * View access until Fri 20 Nov 2026 ends as Sat 21 Nov begins in London (00:00Z). Ten working days before
     * that day, counting the end date: 20, 19, 18, 17, 16, 13, 12, 11, 10, 9 Nov -> Mon 9 Nov, 09:00.
     */
    const SHORT = { startDate: '2026-11-02', endDate: '2026-11-20' };
    const ENDS_SOON = /Your access ends on 20 Nov 2026, in 10 working days\. Use Renew to ask for it again\./;

    async function approvedShortRequest(): Promise<void> {
      await submitRequest(bot, 'alex', SHORT);
      moveTo('2026-11-02T11:00:00.000Z');
      await bot.click('megan', 'accessRequest.approve', { reference: REF, comment: '' });
      await bot.idle();
      assert.equal(cardsMatching(bot, 'alex', /Megan Bowen approved your request/).length, 1);
    }

    it('reminds the requester 10 working days before the end with a "Renew" button that opens the request form filled in again', async () => {
      await approvedShortRequest();
      await tickAt('2026-11-06T17:00:00.000Z');
      assert.equal(cardsMatching(bot, 'alex', ENDS_SOON).length, 0, 'not yet');

      await tickAt('2026-11-09T09:00:00.000Z');
      const reminders = cardsMatching(bot, 'alex', ENDS_SOON);
      assert.equal(reminders.length, 1, 'the requester is reminded');
      assert.equal(buttonTitle(reminders[0], 'accessRequest.renew'), 'Renew');
      assert.match(cardText(reminders[0]), /Active/);

      const { card: form } = await bot.click('alex', 'accessRequest.renew', { reference: REF });
      assert.match(cardText(form), /Request social media access/);
      assert.equal(inputValue(form, 'sites'), 'facebook,linkedin', 'the same sites');
      assert.equal(inputValue(form, 'kind'), 'view');
      assert.equal(inputValue(form, 'businessCase'), BUSINESS_CASE, 'the same business case');
      assert.equal(inputValue(form, 'startDate'), '2026-11-21', 'starting the day after the current access ends');
      assert.equal(inputValue(form, 'approver'), PEOPLE.megan.id);

      const renewal = formSubmission(form, { ackPolicy: 'true', ackMonitoring: 'true' });
      assert.equal(renewal.verb, 'accessRequest.submit');
      const { card: sent } = await bot.click('alex', renewal.verb, renewal.data);
      assert.match(cardText(sent), /AR-2026-00002/);
      assert.match(cardText(sent), /Sent to Megan Bowen for approval/);

      await tickAt('2026-11-10T09:00:00.000Z');
      assert.equal(cardsMatching(bot, 'alex', ENDS_SOON).length, 1, 'reminded once');
    });

    it('offers "Renew" only to the requester', async () => {
      await approvedShortRequest();
      await tickAt('2026-11-09T09:00:00.000Z');
      const { card: megansView } = await bot.click('megan', 'case.show', { reference: REF });
      assert.ok(!buttonVerbs(megansView).includes('accessRequest.renew'), 'the approver sees no Renew');
      const { card: refused } = await bot.click('megan', 'accessRequest.renew', { reference: REF });
      assert.match(cardText(refused), /Not available/, 'and cannot renew someone else\'s access by sending the verb');
    });

    it('ends the access at midnight after the end date and tells the requester', async () => {
      await approvedShortRequest();
      await tickAt('2026-11-09T09:00:00.000Z');
      const meganBefore = newCardsFor(bot, 'megan').length;

      await tickAt('2026-11-20T23:59:59.000Z');
      assert.equal(cardsMatching(bot, 'alex', /Your access ended/).length, 0, 'still active on its last day');
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Active/);

      await tickAt('2026-11-21T00:00:00.000Z');
      const ended = cardsMatching(bot, 'alex', /Your access ended on 20 Nov 2026\. Use Renew if you still need it\./);
      assert.equal(ended.length, 1, 'the requester is told');
      assert.match(cardText(ended[0]), /Expired/);
      assert.equal(buttonTitle(ended[0], 'accessRequest.renew'), 'Renew');
      assert.match(cardText(await ask(bot, 'alex', 'my requests')), /Expired/);
      assert.equal(newCardsFor(bot, 'megan').length, meganBefore, 'the approver is not told');

      await tickAt('2026-11-21T00:10:00.000Z');
      assert.equal(cardsMatching(bot, 'alex', /Your access ended/).length, 1, 'told once');
    });
  });

  describe('an abuse report nobody acknowledges', () => {
    const ESCALATION = new RegExp(`${AINM} was not acknowledged by Megan Bowen within 1 working day: please pick it up\\.`);
    const REPORT = { happenedOn: '2026-11-01' };

    it('is escalated to the Incident team after 1 working day, and not before', async () => {
      await submitReport(bot, 'alex', REPORT);
      assert.equal(cardsMatching(bot, 'isaiah', /New AINM record/).length, 1, 'the Incident team was told at once');

      await tickAt('2026-11-03T09:59:59.000Z');
      assert.equal(cardsMatching(bot, 'isaiah', ESCALATION).length, 0, 'not escalated early');
      const before = Object.fromEntries(EVERYONE.map((person) => [person, newCardsFor(bot, person).length]));

      const report = await tickAt('2026-11-03T10:00:00.000Z');
      assert.equal(report.fired, 1);
      const escalations = cardsMatching(bot, 'isaiah', ESCALATION);
      assert.equal(escalations.length, 1, 'the Incident team member gets the escalation');
      assert.match(cardText(escalations[0]), new RegExp(AINM));
      for (const person of EVERYONE.filter((p) => p !== 'isaiah')) {
        assert.equal(newCardsFor(bot, person).length, before[person], `${person} is not told`);
      }

      await tickAt('2026-11-04T10:00:00.000Z');
      assert.equal(cardsMatching(bot, 'isaiah', ESCALATION).length, 1, 'escalated once');
    });

    it('is not escalated once the manager has acknowledged it', async () => {
      await submitReport(bot, 'alex', REPORT);
      moveTo('2026-11-02T15:00:00.000Z');
      const { card } = await bot.click('megan', 'abuseReport.acknowledge', { reference: AINM, note: '' });
      assert.ok(!buttonVerbs(card).includes('abuseReport.acknowledge'), 'acknowledged');
      await bot.idle();
      const isaiahBefore = newCardsFor(bot, 'isaiah').length;

      const report = await tickAt('2026-11-03T10:00:00.000Z');
      assert.equal(report.fired, 1, 'the escalation timer came due');
      assert.equal(cardsMatching(bot, 'isaiah', ESCALATION).length, 0, 'and did nothing');
      assert.equal(newCardsFor(bot, 'isaiah').length, isaiahBefore);
    });
  });
});
