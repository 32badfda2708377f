import assert from 'node:assert/strict';
import { PERSON_NOT_FOUND } from '../../src/directory/person-lookup';
import { BotHarness, cardText, PEOPLE } from '../support/bot-harness';
import { cardsMatching, errorNextTo, NOW, validForm, validReport, validTakedown } from './conversation-helpers';

/**
 * The forms' people picker over HTTP, with the values clients really send: Teams sends an Entra object id; the
 * Agents Playground sends its own mock user id ("user-id-3", seen in its client bundle and in the browser); a
 * client may send a display name. The one lookup (src/directory/person-lookup.ts) serves all three forms.
 */
const PLAYGROUND_PICK = 'user-id-3';

describe('the people picker on the forms over HTTP (Teams, the Agents Playground)', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of ['alex', 'megan', 'adele', 'isaiah'] as const) await bot.install(person);
  });
  afterEach(async () => bot.stop());

  it('access request: an unknown picker value falls back to the approver chosen in the list', async () => {
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approverSearch: PLAYGROUND_PICK }));
    assert.match(cardText(card), /Sent to Megan Bowen/);
  });

  it('access request: a display name from the picker is mapped to the one person of that name', async () => {
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approverSearch: 'Isaiah Langer', approver: '' }));
    assert.match(cardText(card), /Sent to Isaiah Langer/);
  });

  it('access request: an unknown picker value and no list choice gets a clear error and sends nothing', async () => {
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approverSearch: PLAYGROUND_PICK, approver: '' }));
    assert.equal(errorNextTo(card, 'approver'), PERSON_NOT_FOUND);
    await bot.idle();
    assert.equal(cardsMatching(bot, 'megan', /AR-\d{4}-\d{5}/).length, 0, 'nobody was asked to approve');
  });

  it('abuse report: the manager falls back to the list, or the field says the person is not in the directory', async () => {
    const sent = await bot.click('alex', 'abuseReport.submit', validReport({ managerSearch: PLAYGROUND_PICK }));
    assert.match(cardText(sent.card), /AINM-\d{4}-\d{5}/);
    assert.match(cardText(sent.card), /Megan Bowen/);
    const refused = await bot.click('alex', 'abuseReport.submit', validReport({ managerSearch: PLAYGROUND_PICK, manager: '' }));
    assert.equal(errorNextTo(refused.card, 'manager'), PERSON_NOT_FOUND);
  });

  it('takedown: the recipient chosen with a playground picker falls back to the list, or the field says why', async () => {
    const sent = await bot.click('adele', 'takedown.issue', validTakedown({ recipientSearch: PLAYGROUND_PICK }));
    assert.match(cardText(sent.card), /TD-\d{4}-\d{5}/);
    assert.match(cardText(sent.card), /Alex Wilber/);
    const refused = await bot.click('adele', 'takedown.issue', validTakedown({ recipientSearch: PLAYGROUND_PICK, recipient: '' }));
    assert.equal(errorNextTo(refused.card, 'recipient'), PERSON_NOT_FOUND);
  });

  it('a directory id from the picker (Teams) still wins over the list', async () => {
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm({ approverSearch: PEOPLE.isaiah.id }));
    assert.match(cardText(card), /Sent to Isaiah Langer/);
  });
});
