import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ensureTables, openTables, TableMethod, TableName } from '../../src/store/tables';
import { testConnectionString } from '../support/azurite';
import { BotHarness } from '../support/bot-harness';
import { NOW, submitRequest, submitReport, validForm, validReport, validTakedown, issueTakedown } from './conversation-helpers';

/**
 * Table round trips a transition costs before it is stored (the Azure Tables calls a card click waits on),
 * counted by the same wrapper `npm run bench` uses. The target is at most three; what the effect relay does
 * afterwards (the case's outbox lease, cards, inbox rows, timers) runs after the turn has been answered.
 */
describe('table round trips per transition', () => {
  let bot: BotHarness;
  let calls: string[];

  beforeEach(async () => {
    calls = [];
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const hook = (table: TableName, method: TableMethod) => calls.push(`${table} ${method}`);
    const tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, prefix, hook);
    await ensureTables(tables);
    bot = await new BotHarness({ now: () => NOW, tables: { tables, prefix } }).start();
    for (const person of ['alex', 'megan', 'adele', 'isaiah'] as const) await bot.install(person);
  });

  afterEach(async () => bot.stop());

  /** The calls from the click up to and including the transaction that stores the transition. */
  async function untilStored(click: () => Promise<unknown>): Promise<string[]> {
    await bot.idle();
    calls.length = 0;
    await click();
    await bot.idle();
    const commit = calls.indexOf('cases submitTransaction');
    assert.ok(commit >= 0, `the transition was stored: ${calls.join(', ')}`);
    return calls.slice(0, commit + 1);
  }

  it('opens a case from a form with three: the reference counter, the form token, and the case', async () => {
    await submitRequest(bot, 'alex');
    const expected = ['counters updateEntity', 'idempotency createEntity', 'cases submitTransaction'];
    assert.deepEqual(await untilStored(() => bot.click('alex', 'accessRequest.submit', validForm())), expected);
    await submitReport(bot, 'alex');
    assert.deepEqual(await untilStored(() => bot.click('alex', 'abuseReport.submit', validReport())), expected);
    await issueTakedown(bot);
    assert.deepEqual(await untilStored(() => bot.click('adele', 'takedown.issue', validTakedown())), expected);
  });

  it('decides on a case with two: reading it and storing the transition', async () => {
    await submitRequest(bot, 'alex');
    const approve = await untilStored(() => bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' }));
    assert.deepEqual(approve, ['cases getEntity', 'cases submitTransaction']);
  });

  it('takes the case\'s outbox lease only after the transition is stored, with one create and one delete', async () => {
    await submitRequest(bot, 'alex');
    calls.length = 0;
    // A rejection sets no timers, so every call to the timers table is the lease's.
    await bot.click('megan', 'accessRequest.reject', { reference: 'AR-2026-00001', comment: 'Not part of your role.' });
    await bot.idle();
    const leaseCalls = calls.filter((call) => call.startsWith('timers '));
    assert.deepEqual(leaseCalls, ['timers createEntity', 'timers deleteEntity'], 'a free lease is one create; giving it back one delete');
    assert.ok(calls.indexOf('timers createEntity') > calls.indexOf('cases submitTransaction'), 'after the answer, in the relay');
  });

  it('leaves the clicked form showing the new case, updated in place by later transitions', async () => {
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm(), 'form-message');
    await bot.idle();
    assert.match(JSON.stringify(card), /AR-2026-00001/);
    const formUpdates = () => bot.connector.calls.filter((call) => call.method === 'PUT' && call.activityId === 'form-message');
    assert.equal(formUpdates().length, 0);
    await bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    await bot.idle();
    assert.equal(formUpdates().length, 1, 'the requester\'s copy of the form was updated after the approval');
    assert.match(JSON.stringify(formUpdates()[0]!.body), /Approved/);
  });
});
