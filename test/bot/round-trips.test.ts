import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureTables, openTables, TableMethod, TableName } from '../../src/store/tables';
import { testConnectionString } from '../support/azurite';
import { BotHarness, PEOPLE } from '../support/bot-harness';
import { NOW, submitRequest, submitReport, validForm, validReport, validTakedown, issueTakedown } from './conversation-helpers';

/** A staff concern about a customer's comment under the Group's post, as the concern form sends it. */
const concernForm = () => ({
  formId: randomUUID(), link: 'https://www.facebook.com/wheatleyhousing/posts/pfbid0concern', platform: 'facebook', platformOther: '',
  about: 'customer', colleague: '', colleagueSearch: '', worry: 'A customer posted a photo of a tenant\'s front door with the street name visible.',
});

/** A customer's complaint, logged on the desk: the case a question is asked from. */
const postForm = () => ({
  formId: randomUUID(), platform: 'facebook', platformOther: '', link: 'https://www.facebook.com/wheatleyhousing/posts/pfbid0desk', postedOn: '2026-11-25',
  postedTime: '09:20', kind: 'complaint', summary: 'Says nobody came to fix the boiler at Flat 2 last week.', handle: '',
});

/** Adele asks Alex a question from the customer post `about`, due in a working day. */
const questionForm = (about: string) => ({
  formId: randomUUID(), about, link: '', question: 'Did the repairs team visit Flat 2 last week?', colleague: PEOPLE.alex.id, colleagueSearch: '', due: 'days1',
});

/**
 * Table round trips a transition costs, counted by the same wrapper `npm run bench` uses: before it is stored
 * (the Azure Tables calls a card click waits on; the outbox's retry timer is written at the same time as the
 * case is read or the form token claimed), and in all, with what the effect relay does after the answer (cards,
 * inbox rows, timers, the outbox's clean-up). Each transition has a budget in all: a change that adds a round
 * trip to a step fails here.
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
    // Patti: the Communications Team is told of a concern as a team.
    for (const person of ['alex', 'megan', 'adele', 'patti', 'isaiah'] as const) await bot.install(person);
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

  /** The calls made at once (`between` of them, after the first `after`) in a fixed order: which went first is chance. */
  function atOnce(calls: readonly string[], after: number, between: number): string[] {
    return [...calls.slice(0, after), ...calls.slice(after, after + between).sort(), ...calls.slice(after + between)];
  }

  it('opens a case from a form with the reference counter, then the form token and the retry timer at once, then the case', async () => {
    await submitRequest(bot, 'alex');
    const expected = ['counters updateEntity', 'idempotency createEntity', 'timers createEntity', 'cases submitTransaction'];
    const opening = async (click: () => Promise<unknown>) => atOnce(await untilStored(click), 1, 2);
    assert.deepEqual(await opening(() => bot.click('alex', 'accessRequest.submit', validForm())), expected);
    await submitReport(bot, 'alex');
    assert.deepEqual(await opening(() => bot.click('alex', 'abuseReport.submit', validReport())), expected);
    await issueTakedown(bot);
    assert.deepEqual(await opening(() => bot.click('adele', 'takedown.issue', validTakedown())), expected);
    await bot.click('alex', 'concern.raise', concernForm());
    assert.deepEqual(await opening(() => bot.click('alex', 'concern.raise', concernForm())), expected);
    await bot.click('adele', 'customerPost.log', postForm());
    await bot.click('adele', 'infoRequest.ask', questionForm('CP-2026-00001'));
    assert.deepEqual(await opening(() => bot.click('adele', 'infoRequest.ask', questionForm('CP-2026-00001'))), expected);
  });

  it('decides on a case reading it with its card copies (one query) while the retry timer is written, then storing the transition', async () => {
    await submitRequest(bot, 'alex');
    const approve = await untilStored(() => bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' }));
    assert.deepEqual(atOnce(approve.filter((call) => call !== 'cases listEntities'), 0, 2), ['cases listPage', 'timers createEntity', 'cases submitTransaction']);
  });

  it('writes the outbox\'s retry timer before the transition is stored, and deletes it once the effects are done', async () => {
    await submitRequest(bot, 'alex');
    calls.length = 0;
    // A rejection sets no timers, so every call to the timers table is the retry timer's.
    await bot.click('megan', 'accessRequest.reject', { reference: 'AR-2026-00001', comment: 'Not part of your role.' });
    await bot.idle();
    const timerCalls = calls.filter((call) => call.startsWith('timers '));
    assert.deepEqual(timerCalls, ['timers createEntity', 'timers deleteEntity'], 'one create, one delete');
    assert.ok(calls.indexOf('timers createEntity') < calls.indexOf('cases submitTransaction'), 'written before the transition is stored');
    assert.ok(calls.indexOf('timers deleteEntity') > calls.indexOf('cases submitTransaction'), 'deleted after, by the relay');
  });

  /** Every round trip from the click until the relay is done, as `table method` counts. */
  async function inAll(click: () => Promise<unknown>): Promise<{ total: number; calls: string[] }> {
    await bot.idle();
    calls.length = 0;
    await click();
    await bot.idle();
    const trips = calls.filter((call) => !call.endsWith(' listEntities'));
    return { total: trips.length, calls: trips };
  }

  /**
   * The budget of each step in all (bench/NOTES.md says where each round trip goes): the turn's three or four, one
   * inbox write per person with a line, one create per timer (a day partition each), one card copy per card sent
   * (with a team member's delivery mark in its transaction), the outbox's clean-up in one transaction and the
   * retry timer's delete. A question's answer pays for two transitions: its own and the customer post's it lands on.
   */
  const BUDGETS = {
    'access request: submit': 12, 'access request: approve': 11,
    'abuse report: submit': 12, 'abuse report: acknowledge': 9,
    'takedown: issue': 11, 'takedown: confirm removal': 8, 'takedown: verify': 8,
    'concern: raise': 10, 'concern: moderate': 8,
    'information request: ask': 11, 'information request: answer': 14,
  } as const;

  /**
   * The dashboard statistics' round trips of one transition: the counters' transaction (counters and marker) and the
   * summary's write with its index copies; a query first for the marker and counter rows this instance does not
   * remember (here, most steps move a counter no step moved before: the first case of each state); no summary read,
   * for a step that opens a case (it has none yet: where it has, a rebuild's or an earlier attempt's, its marker is
   * there too and refuses the step's) nor for a later step (this instance wrote it last, and the marker agrees).
   * 9 to 11 before issue 14's work, 3 to 4 before issue 16's. The answer to a question is two transitions: the
   * question's, and the customer post's it lands on.
   */
  const OPENS_A_CASE = ['access request: submit', 'abuse report: submit', 'takedown: issue', 'concern: raise', 'information request: ask'];
  const STATISTICS_BUDGET = (step: string) => (OPENS_A_CASE.includes(step) ? 3 : step === 'information request: answer' ? 2 * 2 : 3);

  it('keeps each step within its budget of round trips in all', async () => {
    // Warm: each kind's reference counter has been read once (the first number of a year costs a read and a create).
    await submitRequest(bot, 'alex');
    await submitReport(bot, 'alex');
    await issueTakedown(bot);
    await bot.click('alex', 'concern.raise', concernForm());
    await bot.click('adele', 'customerPost.log', postForm());
    await bot.click('adele', 'infoRequest.ask', questionForm('CP-2026-00001'));
    const measured: Record<string, { total: number; calls: string[] }> = {};
    measured['access request: submit'] = await inAll(() => bot.click('alex', 'accessRequest.submit', validForm()));
    measured['access request: approve'] = await inAll(() => bot.click('megan', 'accessRequest.approve', { reference: 'AR-2026-00002', comment: '' }));
    measured['abuse report: submit'] = await inAll(() => bot.click('alex', 'abuseReport.submit', validReport()));
    measured['abuse report: acknowledge'] = await inAll(() => bot.click('megan', 'abuseReport.acknowledge', { reference: 'AINM-2026-00002', note: '' }));
    measured['takedown: issue'] = await inAll(() => bot.click('adele', 'takedown.issue', validTakedown()));
    measured['takedown: confirm removal'] = await inAll(() => bot.click('alex', 'takedown.confirmRemoval', { reference: 'TD-2026-00002', note: '' }));
    measured['takedown: verify'] = await inAll(() => bot.click('adele', 'takedown.verify', { reference: 'TD-2026-00002', note: '' }));
    measured['concern: raise'] = await inAll(() => bot.click('alex', 'concern.raise', concernForm()));
    measured['concern: moderate'] = await inAll(() => bot.click('adele', 'concern.moderate', { reference: 'SC-2026-00002', note: 'Hid the comment under the house rules.' }));
    measured['information request: ask'] = await inAll(() => bot.click('adele', 'infoRequest.ask', questionForm('CP-2026-00001')));
    measured['information request: answer'] = await inAll(() => bot.click('alex', 'infoRequest.answer', { reference: 'IR-2026-00002', answer: 'Yes: on Tuesday; the part comes on Friday.' }));
    // The dashboard's statistics (issue 14) are counted on their own: exactly-once counting costs a summary read and
    // write, the counter rows and a marker. Held to today's cost so it cannot grow.
    const engine = (step: string) => (measured[step]?.calls ?? []).filter((call) => !call.startsWith('statistics '));
    const statistics = (step: string) => (measured[step]?.calls ?? []).filter((call) => call.startsWith('statistics '));
    const over = Object.entries(BUDGETS).filter(([step, budget]) => engine(step).length > budget)
      .map(([step, budget]) => `${step}: ${engine(step).length} > ${budget} (${summary(engine(step))})`);
    assert.deepEqual(over, [], 'steps over their budget');
    const statisticsOver = Object.keys(BUDGETS).filter((step) => statistics(step).length > STATISTICS_BUDGET(step))
      .map((step) => `${step}: ${statistics(step).length} statistics round trips > ${STATISTICS_BUDGET(step)} (${summary(statistics(step))})`);
    assert.deepEqual(statisticsOver, [], 'the statistics of a step over their budget');
    assert.deepEqual(OPENS_A_CASE.filter((step) => statistics(step).includes('statistics getEntity')), [], 'a step that opens a case does not look for its summary');
    if (process.env.ROUND_TRIPS_VERBOSE) for (const [step, m] of Object.entries(measured)) console.log(`${step}: ${m.total} (${summary(m.calls)})`);
    for (const [step, { calls: stepCalls }] of Object.entries(measured)) {
      assert.equal(stepCalls.filter((call) => call === 'cases deleteEntity').length, 0, `${step}: done effects leave the outbox in one transaction, not one by one`);
      assert.equal(stepCalls.filter((call) => call === 'conversations getEntity').length, 0, `${step}: conversation references come from the cache`);
    }
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

function summary(calls: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return [...counts].map(([call, n]) => `${call}${n > 1 ? ` ×${n}` : ''}`).join(', ');
}
