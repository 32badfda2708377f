import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { TableClient } from '@azure/data-tables';
import type { CaseSummary } from '../../src/dashboard/statistics';
import { createStatisticsStore, StatisticsStore } from '../../src/store/statistics';
import { freshTables } from '../support/azurite';

/** A takedown notice's summaries, step by step: issued (due Thursday), then removed in time (closed, clock met). */
const issued: CaseSummary = {
  reference: 'TD-2026-00042', prefix: 'TD', version: 1, state: 'issued', open: true, audience: 'admin,comms',
  dueAt: '2026-11-26T10:00:00.000Z', dueDay: '2026-11-26', clocks: [],
};
const verified: CaseSummary = { ...issued, version: 4, state: 'verified', open: false, clocks: [{ series: 'takedowns', week: '2026-W48', met: true }] };

/**
 * The statistics store's promise (src/store/statistics.ts): each version of a case is counted exactly once, whatever
 * fails on the way (storage faults injected with sinon) and however often the engine repeats itself.
 */
describe('statistics store: each step counted exactly once (Azurite, faults injected)', function () {
  this.timeout(60_000);
  let table: TableClient;
  let store: StatisticsStore;
  const counts = async () => Object.fromEntries((await store.counters('', '~')).map((row) => [row.key, row.amounts]));

  beforeEach(async () => {
    table = (await freshTables()).tables.statistics;
    store = createStatisticsStore(table);
  });
  afterEach(() => sinon.restore());

  it('moves the counters from one version of a case to the next, and ignores a replay or an older version', async () => {
    assert.equal(await store.record(issued), 'recorded');
    assert.deepEqual(await counts(), {
      'n|admin,comms|TD|issued': { count: 1 }, 'dd|2026-11-26|admin,comms': { count: 1 }, 'dh|2026-11-26T10|admin,comms': { count: 1 }, 't|TD|admin,comms': { count: 1 },
    });
    assert.equal(await store.record(verified), 'recorded');
    const after = { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } };
    assert.deepEqual(await counts(), after, 'no longer open or due; the clock met');
    assert.equal(await store.record(verified), 'unchanged');
    assert.equal(await store.record(issued), 'unchanged');
    assert.deepEqual(await counts(), after);
  });

  it('counts a change whose transaction failed (nothing was written) when the engine tries again, once', async () => {
    await store.record(issued);
    sinon.stub(table, 'submitTransaction').onFirstCall().rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).callThrough();
    await assert.rejects(store.record(verified), /socket hang up/);
    assert.equal((await store.summaries([issued.reference])).get(issued.reference)?.version, 1, 'nothing moved');
    assert.equal(await store.record(verified), 'recorded');
    assert.equal(await store.record(verified), 'unchanged');
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
  });

  it('does not move the counters twice when the transaction was stored but its answer lost', async () => {
    await store.record(issued);
    const submit = table.submitTransaction.bind(table);
    sinon.stub(table, 'submitTransaction').onFirstCall().callsFake(async (...args: Parameters<TableClient['submitTransaction']>) => {
      await submit(...args);
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }).callThrough();
    await assert.rejects(store.record(verified), /connection reset/);
    assert.equal((await store.summaries([issued.reference])).get(issued.reference)?.version, 1, 'the summary is written after the counters');
    assert.equal(await store.record(verified), 'recorded', 'the marker says the counters moved: only the summary is written');
    assert.equal((await store.summaries([issued.reference])).get(issued.reference)?.version, 4);
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
  });

  it('counts the next step from what the counters hold when a summary was never written', async () => {
    await store.record(issued);
    const acknowledged: CaseSummary = { ...issued, version: 2, state: 'acknowledged' };
    sinon.stub(table, 'updateEntity').onFirstCall().rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).callThrough();
    await assert.rejects(store.record(acknowledged), /socket hang up/);
    // The engine moved on before retrying: the next step is counted from "acknowledged", which the counters hold.
    assert.equal(await store.record(verified), 'recorded');
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
    assert.equal(await store.record(acknowledged), 'unchanged');
  });

  it('costs four round trips a step: the summary, the marker and counters it moves (one query), one transaction, the summary', async () => {
    await store.record(issued);
    const spies = [sinon.spy(table, 'getEntity'), sinon.spy(table, 'submitTransaction'), sinon.spy(table, 'updateEntity')];
    const pages = sinon.spy(table as unknown as { _listEntities: () => unknown }, '_listEntities');
    await store.record(verified);
    assert.deepEqual([...spies.map((spy) => spy.callCount), pages.callCount], [1, 1, 1, 1]);
  });

  it('counts cases recorded at the same time, racing for the same counters, each once', async () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ ...issued, reference: `TD-2026-${String(100 + index).padStart(5, '0')}` }));
    await Promise.all(many.map((summary) => store.record(summary)));
    assert.equal((await counts())['n|admin,comms|TD|issued']?.count, 12);
  });
});
