import assert from 'node:assert/strict';
import { BotHarness, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, cardsMatching, errorNextTo, inputValue, NOW, press, submitReport, submitRequest } from './conversation-helpers';

/**
 * Out of office (issue 13, "Who may approve"; DESIGN.md "delegate"): a manager sets a delegate until a date; new
 * requests, acknowledgements and escalations go to the delegate, the manager is told, and the audit trail shows it.
 * Over HTTP through the real bot, on Azurite. NOW is Wednesday 25 November 2026.
 */
describe('Out of office: a manager\'s delegate', function () {
  let bot: BotHarness;

  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of ['alex', 'megan', 'patti'] as const) await bot.install(person);
  });
  afterEach(async () => { await bot.stop(); });

  async function setAway(manager: PersonKey, delegate: PersonKey, until = '2026-12-04'): Promise<CardJson> {
    return press(bot, manager, 'outOfOffice.set', { delegate: PEOPLE[delegate].id, delegateSearch: '', until });
  }
  const referenceOf = (card: CardJson) => String(/AR-\d{4}-\d{5}|AINM-\d{4}-\d{5}/.exec(cardText(card))?.[0]);

  it('offers the form on "out of office", saying nothing is set yet', async () => {
    const form = await ask(bot, 'megan', 'out of office');
    assert.match(cardText(form), /You are not out of office/);
    assert.equal(inputValue(form, 'until'), '');
  });

  it('sends a new access request to the delegate, tells the manager, and names both on the card and in its history', async () => {
    const saved = await setAway('megan', 'patti');
    assert.match(cardText(saved), /Saved\. Until the end of 4 Dec 2026, Patti Fernandez gets new requests/);
    assert.equal(cardsMatching(bot, 'patti', /Megan Bowen is out of office until the end of 4 Dec 2026 and chose you/).length, 1, 'the delegate is told');

    const receipt = await submitRequest(bot, 'alex');
    assert.match(cardText(receipt), /Sent to Patti Fernandez for approval: Megan Bowen is away/);
    assert.match(cardText(receipt), /Approver\nPatti Fernandez, for Megan Bowen \(out of office\)/);
    assert.match(cardText(receipt), /Patti Fernandez decides for Megan Bowen, who is away\./, 'the history says who acts for whom');
    assert.equal(cardsMatching(bot, 'patti', /Alex Wilber asks for view access/).length, 1, 'the delegate is asked');
    assert.equal(cardsMatching(bot, 'megan', /Alex Wilber asks for/).length, 0, 'the manager away is not asked');
    assert.equal(cardsMatching(bot, 'megan', /You are out of office, so Patti Fernandez was asked to decide Alex Wilber's request AR-2026-00001/).length, 1);

    const approved = await press(bot, 'patti', 'accessRequest.approve', { reference: referenceOf(receipt), comment: '' });
    assert.match(cardText(approved), /Active/);
    const asManager = await ask(bot, 'megan', referenceOf(receipt));
    assert.match(cardText(asManager), /Approved by Patti Fernandez/, 'the manager away can still open the request');
  });

  it('alerts the delegate about a report from the team, who acknowledges it; the manager is told and can open it', async () => {
    await setAway('megan', 'patti');
    const receipt = await submitReport(bot, 'alex');
    const reference = referenceOf(receipt);
    const [alert] = cardsMatching(bot, 'patti', /Alex Wilber has reported harassment/);
    assert.ok(alert, 'the delegate is alerted');
    assert.match(cardText(alert), new RegExp(`${reference}[\\s\\S]*Patti Fernandez to acknowledge, by Thu 26 Nov, 10:00`));
    assert.match(cardText(alert), /Patti Fernandez acknowledges for Megan Bowen, who is away\./, 'the history says who acts for whom');
    assert.equal(cardsMatching(bot, 'megan', /Alex Wilber has reported harassment/).length, 0, 'the manager away is not alerted as if present');
    assert.equal(cardsMatching(bot, 'megan', new RegExp(`You are out of office, so Patti Fernandez was alerted to a report from Alex Wilber \\(${reference}\\)`)).length, 1);
    const acknowledged = await press(bot, 'patti', 'abuseReport.acknowledge', { reference, note: '' });
    assert.match(cardText(acknowledged), /Acknowledged by Patti Fernandez/);
    const asManager = await ask(bot, 'megan', reference);
    assert.match(cardText(asManager), /Line manager\nPatti Fernandez, for Megan Bowen \(out of office\)/, 'the manager away can still open the report');
  });

  it('stops after the last day away: the next request goes to the manager again', async () => {
    await setAway('megan', 'patti', '2026-11-25');
    bot.advanceClock(24 * 3600_000);
    await submitRequest(bot, 'alex', { startDate: '2026-11-26' });
    assert.equal(cardsMatching(bot, 'megan', /Alex Wilber asks for view access/).length, 1);
    assert.equal(cardsMatching(bot, 'patti', /Alex Wilber asks for/).length, 0);
  });

  it('ends at once on "I\'m back"', async () => {
    await setAway('megan', 'patti');
    const back = await press(bot, 'megan', 'outOfOffice.end', {});
    assert.match(cardText(back), /Welcome back/);
    assert.match(cardText(back), /You are not out of office/);
    await submitRequest(bot, 'alex');
    assert.equal(cardsMatching(bot, 'megan', /Alex Wilber asks for view access/).length, 1);
  });

  it('never makes the requester their own approver: a request from the delegate goes to the manager', async () => {
    await setAway('megan', 'alex');
    const receipt = await submitRequest(bot, 'alex');
    assert.match(cardText(receipt), /Sent to Megan Bowen for approval\./);
    assert.equal(cardsMatching(bot, 'megan', /Alex Wilber asks for view access/).length, 1);
  });

  for (const [what, data, field, error] of [
    ['oneself as delegate', { delegate: PEOPLE.megan.id, until: '2026-12-04' }, 'delegate', /someone other than yourself/],
    ['no one', { delegate: '', until: '2026-12-04' }, 'delegate', /Choose someone from the staff directory/],
    ['someone not in the directory', { delegate: 'aad-nobody', until: '2026-12-04' }, 'delegate', /Choose someone from the staff directory/],
    ['a day in the past', { delegate: PEOPLE.patti.id, until: '2026-11-24' }, 'until', /can't be in the past/],
    ['more than three months ahead', { delegate: PEOPLE.patti.id, until: '2027-03-01' }, 'until', /At most 92 days ahead/],
    ['not a date', { delegate: PEOPLE.patti.id, until: '<script>' }, 'until', /as a date/],
  ] as const) {
    it(`refuses ${what} next to the field, keeping what was typed, and changes nothing`, async () => {
      const answer = await press(bot, 'megan', 'outOfOffice.set', { ...data, delegateSearch: '' });
      assert.match(errorNextTo(answer, field) ?? '', error);
      assert.match(cardText(answer), /nothing has been changed/);
      assert.match(cardText(answer), /You are not out of office/);
      await submitRequest(bot, 'alex');
      assert.equal(cardsMatching(bot, 'megan', /Alex Wilber asks for view access/).length, 1, 'requests still go to the manager');
    });
  }
});
