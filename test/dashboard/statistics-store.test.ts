import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { TableClient } from '@azure/data-tables';
import type { CaseSummary } from '../../src/dashboard/statistics';
import { createStatisticsStore, StatisticsStore, summaryKeyOf } from '../../src/store/statistics';
import { counterPartitionOf, createStatisticsCounting } from '../../src/store/statistics-counting';
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
    failSummaryWrites(table, 1);
    await assert.rejects(store.record(acknowledged), /socket hang up/);
    // The engine moved on before retrying: the next step is counted from "acknowledged", which the counters hold.
    assert.equal(await store.record(verified), 'recorded');
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
    assert.equal(await store.record(acknowledged), 'unchanged');
  });

  it('opens a case\'s count once when its first transaction was stored but the answer lost (its marker was assumed missing)', async () => {
    const submit = table.submitTransaction.bind(table);
    sinon.stub(table, 'submitTransaction').onFirstCall().callsFake(async (...args: Parameters<TableClient['submitTransaction']>) => {
      await submit(...args);
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }).callThrough();
    await assert.rejects(store.record(issued, { opened: true }), /connection reset/);
    assert.equal(await store.record(issued, { opened: true }), 'recorded', 'the marker is there: only the summary is left to write');
    assert.equal((await store.summaries([issued.reference])).get(issued.reference)?.version, 1);
    assert.equal((await counts())['t|TD|admin,comms']?.count, 1);
  });

  it('opens a case without looking for its summary, and counts once a case a rebuild counted already', async () => {
    const read = sinon.spy(table, 'getEntity');
    assert.equal(await store.record(issued, { opened: true }), 'recorded');
    assert.equal(read.callCount, 0, 'no summary read');
    sinon.restore();
    // A rebuild counted a case whose opening step's statistics were still to come (its effect left to a recovery).
    const later = { ...issued, reference: 'TD-2026-00043' };
    await createStatisticsStore(table).replaceAll([issued, later]);
    assert.equal(await createStatisticsStore(table).record(later, { opened: true }), 'recorded');
    assert.equal((await counts())['t|TD|admin,comms']?.count, 2);
    assert.equal((await store.summaries([later.reference])).get(later.reference)?.version, 1);
  });

  it('refuses an opening step recovered during a rebuild, once the rebuild has counted its case', async () => {
    // Over 100 markers in one shard: the rebuild writes them in more than one transaction.
    const summaries = sameShard(121).map((reference) => ({ ...issued, reference }));
    const late = summaries.at(-1)!;
    const submit = table.submitTransaction.bind(table);
    let step: Promise<unknown> | undefined;
    sinon.stub(table, 'submitTransaction').callsFake(async (actions, options) => {
      const rebuilding = actions.every((action) => action[0] === 'upsert');
      const counters = actions.some(([, entity]) => entity.partitionKey.startsWith('counters|') && !entity.rowKey.startsWith('a|'));
      // The rebuild's other rows travel slowly: whatever it sends at the same time as counters lands after them.
      if (rebuilding && !counters) await new Promise((resolve) => setTimeout(resolve, 50));
      if (rebuilding && step) await step;
      const result = await submit(actions, options);
      if (rebuilding && counters && !step) {
        // The last case's opening step, recovered now that the rebuild's counters count it; the rebuild waits for it.
        step = createStatisticsStore(table).record(late, { opened: true });
        await step;
      }
      return result;
    });
    await createStatisticsStore(table).replaceAll(summaries);
    sinon.restore();
    assert.ok(step, 'the step came during the rebuild');
    assert.equal((await counts())['t|TD|admin,comms']?.count, 121);
  });

  it('costs two round trips a step whose rows this instance remembers: the counters\' transaction and the summary\'s', async () => {
    // Two cases of one counter shard: the second's steps move rows the first's left remembered.
    const [first, second] = sameShard(2).map((reference) => ({ issued: { ...issued, reference }, verified: { ...verified, reference } }));
    await store.record(first!.issued);
    await store.record(first!.verified);
    await store.record(second!.issued);
    const writes = [sinon.spy(table, 'submitTransaction'), sinon.spy(table, 'updateEntity'), sinon.spy(table, 'createEntity'), sinon.spy(table, 'upsertEntity')];
    const reads = [sinon.spy(table, 'getEntity'), sinon.spy(table as unknown as { _listEntities: () => unknown }, '_listEntities')];
    await store.record(second!.verified);
    assert.deepEqual({ writes: writes.reduce((sum, spy) => sum + spy.callCount, 0), reads: reads.map((spy) => spy.callCount) }, { writes: 2, reads: [0, 0] });
    sinon.restore();
    // Another instance (it did not write the summary, nor the counters) reads the summary, then the marker and counters.
    const other = createStatisticsStore(table);
    const read = sinon.spy(table, 'getEntity');
    const pages = sinon.spy(table as unknown as { _listEntities: () => unknown }, '_listEntities');
    assert.equal(await other.record({ ...second!.verified, version: 5 }), 'recorded');
    assert.deepEqual([read.callCount, pages.callCount], [1, 1]);
  });

  it('counts steps of many cases that wait for one shard in shared transactions, each once', async () => {
    const references = sameShard(12);
    const transactions = sinon.spy(table, 'submitTransaction');
    await Promise.all(references.map((reference) => store.record({ ...issued, reference })));
    const counted = transactions.getCalls().filter((call) => call.args[0].some((action) => action[1].partitionKey === counterPartitionOf(references[0]!)));
    assert.ok(counted.length < 6, `12 steps in ${counted.length} of the shard's transactions`);
    await Promise.all(references.map((reference) => store.record({ ...verified, reference })));
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 12 }, 'w|2026-W48|takedowns|admin,comms': { met: 12 } });
  });

  it('reads a counter row again when another instance moved it since this one remembered it, and counts once', async () => {
    const [mine, theirs] = sameShard(2);
    await store.record({ ...issued, reference: mine! });
    // Another instance moves the same counter rows (same shard, same audience): this instance's ETags are old.
    await createStatisticsStore(table).record({ ...issued, reference: theirs! });
    assert.equal(await store.record({ ...verified, reference: mine! }), 'recorded');
    assert.deepEqual(await counts(), {
      'n|admin,comms|TD|issued': { count: 1 }, 'dd|2026-11-26|admin,comms': { count: 1 }, 'dh|2026-11-26T10|admin,comms': { count: 1 },
      't|TD|admin,comms': { count: 2 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 },
    });
  });

  it('counts a step again after a rebuild wiped what its failed attempt counted, though this instance remembered the marker', async () => {
    await store.record(issued);
    failSummaryWrites(table, 1);
    await assert.rejects(store.record(verified), /socket hang up/);
    sinon.restore();
    // A rebuild (another process) from the cases as they stood before: the step's counting and its marker are gone.
    await createStatisticsStore(table).replaceAll([issued]);
    assert.equal(await store.record(verified), 'recorded');
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
  });

  it('keeps counting a shard\'s steps after a transaction of them failed', async () => {
    const [one, two, three] = sameShard(3);
    sinon.stub(table, 'submitTransaction').onFirstCall().rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).callThrough();
    const outcomes = await Promise.allSettled([one, two].map((reference) => store.record({ ...issued, reference: reference! })));
    assert.ok(outcomes.some((outcome) => outcome.status === 'rejected'), 'the failed transaction\'s steps are told');
    assert.equal(await store.record({ ...issued, reference: three! }), 'recorded', 'the shard still counts');
    for (const reference of [one, two]) await store.record({ ...issued, reference: reference! });
    assert.equal((await counts())['t|TD|admin,comms']?.count, 3);
  });

  it('fails only the step whose marker cannot be read, not the steps sharing its transaction', async () => {
    const [broken, sound] = sameShard(2);
    // A marker ahead of the summary (a step whose summary was not written) with a basis that is not a summary.
    await table.createEntity({ partitionKey: counterPartitionOf(broken!), rowKey: `a|${broken!}`, reference: broken!, version: 2, basis: '{' });
    const counting = createStatisticsCounting(table);
    // Both in one tick: they share the shard's first transaction.
    const [brokenOutcome, soundOutcome] = await Promise.allSettled([
      counting.count({ summary: { ...verified, reference: broken! }, stored: { ...issued, reference: broken! }, remembered: false }),
      counting.count({ summary: { ...issued, reference: sound! }, remembered: false }),
    ]);
    assert.equal(brokenOutcome.status, 'rejected');
    assert.deepEqual(soundOutcome, { status: 'fulfilled', value: 'counted' });
  });

  it('fails only the step the service refuses, not the steps sharing its transaction', async () => {
    const [refused, sound] = sameShard(2);
    const counting = createStatisticsCounting(table);
    const transactions = sinon.spy(table, 'submitTransaction');
    // A closed case's state too long for a column (64 KiB): the marker that keeps it is refused with 400.
    const [refusedOutcome, soundOutcome] = await Promise.allSettled([
      counting.count({ summary: { ...issued, reference: refused!, open: false, state: 'x'.repeat(40_000) }, remembered: false }),
      counting.count({ summary: { ...issued, reference: sound! }, remembered: false }),
    ]);
    assert.equal(transactions.callCount, 3, 'shared, then each alone');
    assert.equal(refusedOutcome.status, 'rejected');
    assert.deepEqual(soundOutcome, { status: 'fulfilled', value: 'counted' });
  });

  it('splits a share whose markers\' bases move more rows than one transaction holds', async () => {
    const references = sameShard(50);
    // Each step's marker is ahead of its summary, with five settled clocks of its own: 300 rows to write in all.
    for (const [index, reference] of references.entries()) {
      const clocks = Array.from({ length: 5 }, (_, week) => ({ series: 'takedowns', week: `${2000 + index}-W${String(week + 1).padStart(2, '0')}`, met: true }));
      await table.createEntity({ partitionKey: counterPartitionOf(reference), rowKey: `a|${reference}`, reference, version: 2, basis: JSON.stringify({ ...issued, reference, version: 2, clocks }) });
    }
    const counting = createStatisticsCounting(table);
    const transactions = sinon.spy(table, 'submitTransaction');
    const outcomes = await Promise.all(references.map((reference) => counting.count({ summary: { ...issued, reference, version: 3 }, stored: { ...issued, reference }, remembered: false })));
    assert.deepEqual(new Set(outcomes), new Set(['counted']));
    assert.ok(transactions.callCount <= 6, `${transactions.callCount} transactions`);
  });

  it('fails a step whose stored summary cannot be read, and keeps counting the shard', async () => {
    const [unreadable, next] = sameShard(2);
    await store.record({ ...issued, reference: unreadable! });
    await table.updateEntity({ partitionKey: 's|TD', rowKey: summaryKeyOf(unreadable!), clocks: 'null' }, 'Merge');
    const other = createStatisticsStore(table);
    await assert.rejects(other.record({ ...verified, reference: unreadable! }));
    assert.equal(await other.record({ ...issued, reference: next! }), 'recorded');
  });

  it('counts exactly once when another instance moved the case on since this one remembered it', async () => {
    const other = createStatisticsStore(table);
    await store.record(issued);
    await other.record({ ...issued, version: 2, state: 'acknowledged' });
    await other.record({ ...issued, version: 3, state: 'confirmed' });
    assert.equal(await store.record(verified), 'recorded', 'this instance remembers version 1');
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
    assert.equal((await store.summaries([issued.reference])).get(issued.reference)?.version, 4);
  });

  it('reads the table\'s summary again after a rebuild (markers gone), not what it remembers', async () => {
    await store.record(issued);
    const acknowledged: CaseSummary = { ...issued, version: 2, state: 'acknowledged' };
    // The rebuild finds the case further on than this instance last saw it (another instance's step, its marker lost).
    await createStatisticsStore(table).replaceAll([acknowledged]);
    assert.equal(await store.record(verified), 'recorded');
    assert.deepEqual(await counts(), { 't|TD|admin,comms': { count: 1 }, 'w|2026-W48|takedowns|admin,comms': { met: 1 } });
  });

  it('counts cases recorded at the same time, racing for the same counters, each once', async () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ ...issued, reference: `TD-2026-${String(100 + index).padStart(5, '0')}` }));
    await Promise.all(many.map((summary) => store.record(summary)));
    assert.equal((await counts())['n|admin,comms|TD|issued']?.count, 12);
  });
});

/** References of takedown notices whose counters share one shard. */
function sameShard(count: number): string[] {
  const found: string[] = [];
  for (let number = 100; found.length < count; number++) {
    const reference = `TD-2026-${String(number).padStart(5, '0')}`;
    if (counterPartitionOf(reference) === counterPartitionOf('TD-2026-00100')) found.push(reference);
  }
  return found;
}

/** Fails the next `times` writes of a summary (its kind's partition), as a dropped connection would, before sending. */
function failSummaryWrites(table: TableClient, times: number): void {
  let left = times;
  const fault = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const isSummary = (partitionKey: unknown) => String(partitionKey).startsWith('s|') && left-- > 0;
  for (const method of ['submitTransaction', 'updateEntity', 'createEntity'] as const) {
    const original = (table[method] as (...args: unknown[]) => Promise<unknown>).bind(table);
    (sinon.stub(table, method) as unknown as sinon.SinonStub<unknown[], Promise<unknown>>).callsFake(async (...args: unknown[]) => {
      const first = args[0] as { partitionKey?: unknown } | [unknown, { partitionKey?: unknown }][];
      const partitionKey = Array.isArray(first) ? first[0]?.[1].partitionKey : first.partitionKey;
      if (isSummary(partitionKey)) throw fault();
      return original(...args);
    });
  }
}

/** A desk post's summaries: logged (due Friday), then its deadline moved (a colleague was asked), then answered. */
const logged: CaseSummary = {
  reference: 'CP-2026-00007', prefix: 'CP', version: 1, state: 'logged', open: true, audience: 'admin,comms',
  dueAt: '2026-11-27T10:00:00.000Z', dueDay: '2026-11-27', clocks: [], cells: { summary: 'Complaint on Facebook', nextStep: 'Answer it', dueAt: '2026-11-27T10:00:00.000Z' },
};
const waiting: CaseSummary = { ...logged, version: 2, state: 'waiting', dueAt: '2026-12-02T10:00:00.000Z', cells: { ...logged.cells, dueAt: '2026-12-02T10:00:00.000Z' } };

/**
 * A register's other orders (src/dashboard/register-orders.ts) are index rows beside the summaries, written in the same
 * transaction: a page in any order is as true on page 2 as on page 1, so an index must never keep a row its summary
 * no longer sorts under, nor miss one.
 */
describe('statistics store: a summary\'s copies in its register\'s orders move with it (Azurite)', function () {
  this.timeout(60_000);
  let table: TableClient;
  let store: StatisticsStore;
  const indexRows = async () => {
    const keys: string[] = [];
    for await (const row of table.listEntities({ queryOptions: { filter: "PartitionKey eq 's|CP' and RowKey lt '0'" } })) keys.push(`${String(row.rowKey)} v${String(row.version)}`);
    return keys.sort();
  };
  const key = summaryKeyOf(logged.reference);

  beforeEach(async () => {
    table = (await freshTables()).tables.statistics;
    store = createStatisticsStore(table);
  });
  afterEach(() => sinon.restore());

  it('keeps one copy a case in each order, moved when its deadline moves, in one transaction with the summary', async () => {
    await store.record(logged);
    assert.deepEqual(await indexRows(), [`!due|2026-11-27T10:00:00.000Z|${key} v1`, `!oldest|2026-000000007|${key} v1`]);
    await store.record(waiting);
    assert.deepEqual(await indexRows(), [`!due|2026-12-02T10:00:00.000Z|${key} v2`, `!oldest|2026-000000007|${key} v2`], 'the old deadline\'s copy is gone');
    const page = await store.summaryPage('CP', { open: true }, { size: 10, order: 'due' });
    assert.deepEqual(page?.summaries.map((summary) => [summary.reference, summary.version]), [[logged.reference, 2]]);
    assert.deepEqual((await store.summaryPage('CP', {}, { size: 10 }))?.summaries.map((summary) => summary.version), [2], 'the newest-first page lists the summary once, no copies');
  });

  it('leaves no stale copy when the summary\'s transaction was stored but its answer lost, or sent twice', async () => {
    await store.record(logged);
    const submit = table.submitTransaction.bind(table);
    // The second transaction of the step is the summary's (the first moved the counters): stored, then the answer lost.
    sinon.stub(table, 'submitTransaction').onSecondCall().callsFake(async (...args: Parameters<TableClient['submitTransaction']>) => {
      await submit(...args);
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }).callThrough();
    await assert.rejects(store.record(waiting), /connection reset/);
    sinon.restore();
    assert.equal(await store.record(waiting), 'unchanged', 'the summary is at version 2 already');
    assert.deepEqual(await indexRows(), [`!due|2026-12-02T10:00:00.000Z|${key} v2`, `!oldest|2026-000000007|${key} v2`]);
    // The same batch again, as a replaying client would send it: refused whole (the summary's If-Match), nothing moved.
    const answered: CaseSummary = { ...waiting, version: 3, state: 'answered', open: false, dueAt: undefined, cells: undefined };
    const replay = sinon.stub(table, 'submitTransaction').callsFake(async (...args: Parameters<TableClient['submitTransaction']>) => {
      const result = await submit(...args);
      if (replay.callCount === 2) await submit(...args).catch(() => undefined);
      return result;
    });
    assert.equal(await store.record(answered), 'recorded');
    assert.deepEqual(await indexRows(), [], 'answered: off the desk, so in none of its orders');
  });

  it('keeps the copies right when instances record the same case\'s steps at the same time', async () => {
    const stores = [store, createStatisticsStore(table), createStatisticsStore(table), createStatisticsStore(table)];
    const versions = Array.from({ length: 12 }, (_, index): CaseSummary => {
      const dueAt = `2026-12-${String(index + 1).padStart(2, '0')}T10:00:00.000Z`;
      return { ...logged, version: index + 1, dueAt, cells: { ...logged.cells, dueAt } };
    });
    await Promise.all(versions.map((summary, index) => stores[index % stores.length]!.record(summary)));
    assert.deepEqual(await indexRows(), [`!due|2026-12-12T10:00:00.000Z|${key} v12`, `!oldest|2026-000000007|${key} v12`]);
  });

  it('takes over a summary stored before indexes (no copies yet) instead of failing the step', async () => {
    await store.record(logged);
    for (const rowKey of (await indexRows()).map((row) => row.split(' ')[0]!)) await table.deleteEntity('s|CP', rowKey);
    assert.equal(await store.record(waiting), 'recorded');
    assert.deepEqual(await indexRows(), [`!due|2026-12-02T10:00:00.000Z|${key} v2`, `!oldest|2026-000000007|${key} v2`]);
  });
});
