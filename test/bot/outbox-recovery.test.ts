import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { RECOVERY_GRACE_MS } from '../../src/cases/relay';
import { BotHarness, cardText, PEOPLE } from '../support/bot-harness';

const NOW = new Date('2026-11-25T10:00:00Z');

describe('effects after a transition (outbox)', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    await bot.install('alex');
    await bot.install('megan');
  });
  afterEach(async () => bot.stop());

  async function submit() {
    return bot.click('alex', 'accessRequest.submit', {
      formId: randomUUID(), sites: 'facebook', kind: 'view', businessCase: 'I answer tenants on the housing Facebook page.',
      startDate: '2026-11-25', endDate: '2027-05-25', approver: PEOPLE.megan.id, ackPolicy: 'true', ackMonitoring: 'true',
    });
  }

  it('keeps a notification the connector could not take, and delivers it once the connector is back', async () => {
    const megansChat = bot.personalConversation('megan');
    const cardsBefore = bot.connector.cardsIn(megansChat).length;
    // The connector client itself retries a 503 three times (honouring Retry-After), so four faults make the send fail.
    bot.connector.faults.set(megansChat, Array.from({ length: 4 }, () => ({ status: 503, retryAfterSeconds: 0 })));
    await submit();
    await bot.idle();
    assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore, 'nothing reached the manager while the connector was down');
    await bot.runtime.scheduler.tick();
    assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore, 'a failed send waits before it is tried again');
    bot.advanceClock(60_000); // past the retry wait
    const pending = (await bot.runtime.scheduler.tick()).fired;
    assert.equal(pending, 1, 'the retry timer of the transition fired');
    assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore + 1, 'the manager got the request exactly once');
    assert.match(cardText(bot.lastCardFor('megan')), /Alex Wilber asks for view access to Facebook/);
    assert.equal((await bot.runtime.scheduler.tick()).fired, 0, 'nothing is left to retry');
  });

  it('writes the approver reminder and escalation timers for the scheduler', async () => {
    await submit();
    await bot.idle();
    const timers: string[] = [];
    for await (const row of bot.tables.timers.listEntities<{ timer: string; dueAt: string }>()) timers.push(`${row.timer} ${row.dueAt}`);
    assert.deepEqual(timers.sort(), [
      'accessRequest.escalate 2026-12-03T10:00:00.000Z',
      'accessRequest.remindApprover 2026-11-27T10:00:00.000Z',
    ]);
  });

  it('writes the expiry reminder and expiry timers when access becomes active', async () => {
    await submit();
    await bot.idle();
    await bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00001' });
    await bot.idle();
    const timers: string[] = [];
    for await (const row of bot.tables.timers.listEntities<{ timer: string }>()) timers.push(row.timer);
    assert.ok(timers.includes('accessRequest.remindExpiry') && timers.includes('accessRequest.expire'));
  });

  describe('with a second instance on the same tables', () => {
    let other: BotHarness;
    beforeEach(async () => {
      other = await new BotHarness({ now: () => NOW, tables: { tables: bot.tables, prefix: bot.tablePrefix } }).start();
    });
    afterEach(async () => other.stop());

    it('leaves a new transition\'s effects to the instance that stored them, so the manager gets one card', async () => {
      const megansChat = bot.personalConversation('megan');
      const cardsBefore = bot.connector.cardsIn(megansChat).length;
      // This instance is a moment slow to start on its effects while the other instance's recovery runs.
      const dispatch = bot.runtime.relay.dispatch;
      const held: Parameters<typeof dispatch>[] = [];
      bot.runtime.relay.dispatch = (...args) => void held.push(args);
      await submit();
      assert.equal((await other.runtime.scheduler.tick()).fired, 0, 'the other instance leaves them: their retry timer is claimed by the instance that stored them');
      for (const args of held) dispatch(...args);
      await bot.idle();
      await other.idle();
      assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore + 1, 'the manager got the request once');
    });

    it('loses nothing when the instance dies between storing a transition and carrying out its effects: the retry timer does it', async () => {
      const megansChat = bot.personalConversation('megan');
      const cardsBefore = bot.connector.cardsIn(megansChat).length;
      // The transition is committed, then the process dies before its relay starts.
      bot.runtime.relay.dispatch = () => undefined;
      await submit();
      assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore);
      assert.equal((await other.runtime.scheduler.tick()).fired, 0, 'within the grace, the retry timer is still the dead instance\'s');
      other.advanceClock(RECOVERY_GRACE_MS + 1000);
      assert.equal((await other.runtime.scheduler.tick()).fired, 1, 'then the other instance\'s scheduler fires it');
      assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore + 1, 'the manager got the request once');
      const timers: string[] = [];
      for await (const row of bot.tables.timers.listEntities<{ timer: string }>()) if (row.timer) timers.push(row.timer);
      assert.deepEqual(timers.sort(), ['accessRequest.escalate', 'accessRequest.remindApprover'], 'its timers were written, and the retry timer is gone');
      const outbox: string[] = [];
      for await (const row of bot.tables.cases.listEntities()) if (String(row.rowKey).startsWith('out-')) outbox.push(String(row.rowKey));
      assert.deepEqual(outbox, [], 'the outbox is empty');
      other.advanceClock(RECOVERY_GRACE_MS);
      assert.equal((await other.runtime.scheduler.tick()).fired, 0, 'nothing is left');
    });

    it('retries a failed notification from one instance only when both recover at once', async () => {
      const megansChat = bot.personalConversation('megan');
      const cardsBefore = bot.connector.cardsIn(megansChat).length;
      bot.connector.faults.set(megansChat, Array.from({ length: 4 }, () => ({ status: 503, retryAfterSeconds: 0 })));
      await submit();
      await bot.idle();
      assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore);
      bot.advanceClock(60_000);
      other.advanceClock(60_000);
      await Promise.all([bot.runtime.scheduler.tick(), other.runtime.scheduler.tick()]);
      assert.equal(bot.connector.cardsIn(megansChat).length, cardsBefore + 1, 'the manager got the request once');
      assert.equal((await other.runtime.scheduler.tick()).fired, 0, 'nothing is left');
    });
  });
});
