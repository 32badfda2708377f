import assert from 'node:assert/strict';
import { createReferenceCounter } from '../../src/store/counters';
import { formatReference } from '../../src/domain/references';
import type { Tables } from '../../src/store/tables';
import { freshTables } from '../support/azurite';
import sinon from 'sinon';

describe('reference counters (Azurite)', () => {
  let tables: Tables;

  beforeEach(async () => {
    ({ tables } = await freshTables());
  });

  it('numbers references AR-2026-00001, AR-2026-00002, ... in turn', async () => {
    const counter = createReferenceCounter(tables.counters);
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00001');
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00002');
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00003');
    const row = await tables.counters.getEntity<{ last: number }>('AR', '2026');
    assert.equal(row.last, 3);
  });

  it('continues from the stored count when another instance starts later', async () => {
    await createReferenceCounter(tables.counters).next('AR', 2026);
    assert.equal(await createReferenceCounter(tables.counters).next('AR', 2026), 'AR-2026-00002');
  });

  it('gives 40 distinct consecutive references to 40 concurrent requests across several instances', async () => {
    const instances = Array.from({ length: 4 }, () => createReferenceCounter(tables.counters));
    const references = await Promise.all(Array.from({ length: 40 }, (_, i) => instances[i % instances.length].next('AR', 2026)));

    assert.equal(new Set(references).size, 40);
    const expected = Array.from({ length: 40 }, (_, i) => formatReference('AR', 2026, i + 1));
    assert.deepEqual([...references].sort(), expected);
    assert.equal((await tables.counters.getEntity<{ last: number }>('AR', '2026')).last, 40);
  });

  it('counts each year on its own', async () => {
    const counter = createReferenceCounter(tables.counters);
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00001');
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00002');
    assert.equal(await counter.next('AR', 2027), 'AR-2027-00001');
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00003');
    assert.equal(await counter.next('AR', 2027), 'AR-2027-00002');
  });

  it('counts each prefix on its own', async () => {
    const counter = createReferenceCounter(tables.counters);
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00001');
    assert.equal(await counter.next('TD', 2026), 'TD-2026-00001');
    assert.equal(await counter.next('AINM', 2026), 'AINM-2026-00001');
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00002');
    assert.equal(await counter.next('TD', 2026), 'TD-2026-00002');
  });

  it('keeps years and prefixes apart under concurrency too', async () => {
    const counter = createReferenceCounter(tables.counters);
    const keys = [['AR', 2026], ['AR', 2027], ['TD', 2026]] as const;
    const references = await Promise.all(Array.from({ length: 15 }, (_, i) => counter.next(keys[i % 3][0], keys[i % 3][1])));
    for (const [prefix, year] of keys) {
      const mine = references.filter((reference) => reference.startsWith(`${prefix}-${year}-`)).sort();
      assert.deepEqual(mine, [1, 2, 3, 4, 5].map((n) => formatReference(prefix, year, n)));
    }
  });

  it('goes past 99999 without losing order in the number', async () => {
    await tables.counters.createEntity({ partitionKey: 'AR', rowKey: '2026', last: 99_999 });
    assert.equal(await createReferenceCounter(tables.counters).next('AR', 2026), 'AR-2026-100000');
  });

  it('takes each further number with one write while no other instance takes one', async () => {
    const counter = createReferenceCounter(tables.counters);
    await counter.next('AR', 2026);
    const reads = sinon.spy(tables.counters, 'getEntity');
    const writes = sinon.spy(tables.counters, 'updateEntity');
    try {
      assert.equal(await counter.next('AR', 2026), 'AR-2026-00002');
      assert.equal(await counter.next('AR', 2026), 'AR-2026-00003');
      assert.equal(reads.callCount, 0, 'no read while the remembered ETag is current');
      assert.equal(writes.callCount, 2);
    } finally {
      sinon.restore();
    }
  });

  it('gives requests that come while a number is being written their numbers together, in one more write, in the order they came', async () => {
    const counter = createReferenceCounter(tables.counters);
    await counter.next('AR', 2026);
    const writes = sinon.spy(tables.counters, 'updateEntity');
    try {
      const references = await Promise.all(Array.from({ length: 20 }, () => counter.next('AR', 2026)));
      assert.deepEqual(references, Array.from({ length: 20 }, (_, i) => formatReference('AR', 2026, i + 2)), 'consecutive, first come first numbered');
      assert.equal(writes.callCount, 2, 'the first alone, the 19 that waited for it together');
      assert.equal((await tables.counters.getEntity<{ last: number }>('AR', '2026')).last, 21);
    } finally {
      sinon.restore();
    }
  });

  it('tells every request of a write that failed, and serves the next ones', async () => {
    const counter = createReferenceCounter(tables.counters);
    await counter.next('AR', 2026);
    const failing = sinon.stub(tables.counters, 'updateEntity').rejects(Object.assign(new Error('the service is unavailable'), { statusCode: 503 }));
    const refused = await Promise.allSettled(Array.from({ length: 3 }, () => counter.next('AR', 2026)));
    assert.deepEqual(refused.map((result) => result.status), ['rejected', 'rejected', 'rejected']);
    failing.restore();
    assert.equal(await counter.next('AR', 2026), 'AR-2026-00002', 'no number was taken by the failed write');
  });

  it('reads the count again when another instance has taken a number since, and never repeats one', async () => {
    const first = createReferenceCounter(tables.counters);
    const second = createReferenceCounter(tables.counters);
    assert.equal(await first.next('AR', 2026), 'AR-2026-00001');
    assert.equal(await second.next('AR', 2026), 'AR-2026-00002');
    assert.equal(await first.next('AR', 2026), 'AR-2026-00003', 'the first instance\'s remembered ETag is stale: it reads again');
    assert.equal(await second.next('AR', 2026), 'AR-2026-00004');
    assert.equal((await tables.counters.getEntity<{ last: number }>('AR', '2026')).last, 4);
  });
});
