import assert from 'node:assert/strict';
import { isoWeek, lastWeeks } from '../../src/dashboard/statistics';
import { createStatisticsStore } from '../../src/store/statistics';
import { BotHarness } from '../support/bot-harness';
import { NOW, issueTakedown, press, submitReport, submitRequest } from '../bot/conversation-helpers';
import { as, OverviewBody, openCounts } from './dashboard-client';

/**
 * The statistics table as the engine keeps it (issue 14): real workflows driven over HTTP, the counts read back
 * through the dashboard API as each person would see them; replays change nothing; a rebuild from the cases gives
 * what the engine kept.
 */
describe('dashboard statistics kept by the case engine (bot over HTTP, Azurite)', function () {
  this.timeout(120_000);
  let bot: BotHarness;
  const WEEK = isoWeek('2026-11-25');

  before(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    await submitRequest(bot, 'alex');
    await press(bot, 'megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    await submitRequest(bot, 'alex', { sites: 'x' });
    await submitReport(bot, 'alex');
    await issueTakedown(bot);
  });
  after(async () => bot.stop());

  it('names weeks as ISO 8601 does, across the turn of the year', () => {
    assert.equal(isoWeek('2026-11-25'), '2026-W48');
    assert.equal(isoWeek('2027-01-01'), '2026-W53');
    assert.equal(isoWeek('2027-01-04'), '2027-W01');
    assert.deepEqual(lastWeeks('2027-01-05', 3), ['2026-W52', '2026-W53', '2027-W01']);
  });

  it('counts open cases per workflow and state for the teams that see them whole, and nothing of AINM for Comms', async () => {
    const adele = (await as(bot, 'adele', '/overview')).body as OverviewBody;
    assert.deepEqual(openCounts(adele), { 'AR/active': 1, 'AR/submitted': 1, 'TD/issued': 1 });
    const isaiah = (await as(bot, 'isaiah', '/overview')).body as OverviewBody;
    assert.deepEqual(openCounts(isaiah), { 'AINM/reported': 1 }, 'the Incident team sees the record, and no access request or notice');
    assert.equal(isaiah.dueToday + isaiah.overdue, 0, 'acknowledgement is due tomorrow');
  });

  it('counts a person\'s own cases from their part in them, and a manager\'s from theirs', async () => {
    assert.deepEqual(openCounts((await as(bot, 'alex', '/overview')).body as OverviewBody), { 'AR/active': 1, 'AR/submitted': 1, 'AINM/reported': 1, 'TD/issued': 1 });
    const megan = (await as(bot, 'megan', '/overview')).body as OverviewBody;
    assert.deepEqual(openCounts(megan), { 'AR/active': 1, 'AR/submitted': 1, 'AINM/reported': 1 }, 'approver and line manager; not the notice (not escalated)');
    assert.equal(megan.myActions, 2, 'one request to approve, one report to acknowledge');
  });

  it('charts the access request decided the same day as met, in this week, and the AINM clock once acknowledged', async () => {
    const before = (await as(bot, 'isaiah', '/service-levels')).body as { weeks: string[]; series: { id: string; met: number[]; missed: number[] }[] };
    assert.equal(before.weeks.length, 12);
    assert.equal(before.weeks.at(-1), WEEK);
    assert.deepEqual(before.series.map((series) => series.id), ['ainm'], 'the Incident team charts its own clock only');
    assert.equal(before.series[0]!.met.at(-1), 0);
    await press(bot, 'megan', 'abuseReport.acknowledge', { reference: 'AINM-2026-00001', note: '' });
    const after = (await as(bot, 'isaiah', '/service-levels')).body as typeof before;
    assert.equal(after.series[0]!.met.at(-1), 1);
    const comms = (await as(bot, 'adele', '/service-levels')).body as typeof before;
    assert.deepEqual(comms.series.map((series) => series.id), ['takedowns', 'access']);
    assert.deepEqual(comms.series.find((series) => series.id === 'access')!.met.at(-1), 1);
    assert.equal((await as(bot, 'alex', '/service-levels')).status, 403, 'staff have no charts');
  });

  it('counts the takedown notice as due today on the day of its deadline, and overdue once it has passed', async () => {
    const hour = 3_600_000;
    bot.advanceClock(23 * hour);
    const thursdayMorning = (await as(bot, 'adele', '/overview')).body as OverviewBody;
    assert.deepEqual([thursdayMorning.dueToday, thursdayMorning.overdue], [1, 0], 'due Thursday 10:00; it is 09:00');
    const alexMorning = (await as(bot, 'alex', '/overview')).body as OverviewBody;
    assert.deepEqual([alexMorning.dueToday, alexMorning.overdue], [1, 0], 'his own notice, from his own cases');
    bot.advanceClock(2 * hour);
    const thursdayLate = (await as(bot, 'adele', '/overview')).body as OverviewBody;
    assert.deepEqual([thursdayLate.dueToday, thursdayLate.overdue], [0, 1]);
    bot.advanceClock(-25 * hour);
  });

  it('does not count a replayed step twice (same or older version)', async () => {
    const store = createStatisticsStore(bot.tables.statistics);
    const before = await store.everything();
    const summary = (await store.summaries(['AR-2026-00001'])).get('AR-2026-00001')!;
    assert.equal(await store.record(summary), 'unchanged');
    assert.equal(await store.record({ ...summary, version: summary.version - 1, state: 'submitted' }), 'unchanged');
    assert.deepEqual(await store.everything(), before);
  });

  it('is rebuilt from the cases exactly as the engine kept it', async () => {
    const store = createStatisticsStore(bot.tables.statistics);
    const live = withoutZeros(await store.everything());
    assert.ok(Object.keys(live).some((key) => key.startsWith('index s|AR !ending|')), 'the registers\' other orders are compared too');
    assert.ok(Object.keys(live).some((key) => key.startsWith('marker AR-')), 'the markers are compared too');
    await bot.runtime.statistics.rebuild(NOW);
    assert.deepEqual(withoutZeros(await store.everything()), live);
    await bot.runtime.statistics.rebuild(NOW);
    assert.deepEqual(withoutZeros(await store.everything()), live, 'a second rebuild changes nothing');
  });
});

/** Shared counters that fell back to zero stay as rows (a transaction cannot delete them safely); a rebuild has none. */
function withoutZeros(rows: Map<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const kept = [...rows].filter(([key, columns]) => key.startsWith('summary ') || key.startsWith('index ') || key.startsWith('marker ') || ['count', 'met', 'missed'].some((name) => typeof columns[name] === 'number' && columns[name] !== 0));
  return Object.fromEntries(kept.sort(([a], [b]) => a.localeCompare(b)));
}
