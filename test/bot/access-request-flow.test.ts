import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BotHarness, buttonVerbs, cardText, PEOPLE } from '../support/bot-harness';

const NOW = new Date('2026-11-25T10:00:00Z');

function validForm(overrides: Record<string, unknown> = {}) {
  return {
    formId: randomUUID(), reference: '', sites: 'facebook,linkedin', otherSite: '', kind: 'view',
    businessCase: 'I answer tenants who message the housing team on Facebook and LinkedIn.',
    startDate: '2026-11-25', endDate: '2027-05-25', approver: PEOPLE.megan.id, ackPolicy: 'true', ackMonitoring: 'true',
    ...overrides,
  };
}

describe('access request over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    await bot.install('alex');
    await bot.install('megan');
  });
  afterEach(async () => bot.stop());

  it('sends the request to the manager, who approves it, and tells the requester', async () => {
    const form = await bot.say('alex', 'request access');
    assert.equal(form.status, 200);
    const submitted = await bot.click('alex', 'accessRequest.submit', validForm());
    assert.match(cardText(submitted.card), /AR-2026-00001/);
    assert.match(cardText(submitted.card), /Sent to Megan Bowen/);
    await bot.idle();

    const managerCard = bot.lastCardFor('megan');
    assert.ok(managerCard, 'manager got a card');
    assert.deepEqual(buttonVerbs(managerCard).filter((v) => v.startsWith('accessRequest.')).sort(),
      ['accessRequest.approve', 'accessRequest.reassign', 'accessRequest.reject', 'accessRequest.requestInfo'], 'deciding, or passing it on');

    const approved = await bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    assert.match(cardText(approved.card), /You approved this request/);
    assert.match(cardText(approved.card), /Active/);
    await bot.idle();
    assert.match(cardText(bot.lastCardFor('alex')), /Megan Bowen approved your request/);
  });
});
