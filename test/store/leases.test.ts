import assert from 'node:assert/strict';
import { createLeaseStore } from '../../src/store/leases';
import type { Tables } from '../../src/store/tables';
import { freshTables } from '../support/azurite';

const T0 = new Date('2026-11-25T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe('leases (Azurite)', () => {
  let tables: Tables;
  beforeEach(async () => {
    ({ tables } = await freshTables());
  });

  it('lets one of two instances hold a lease, and the other take it once it runs out', async () => {
    const leases = createLeaseStore(tables.timers, 'outbox-recovery');
    assert.ok(await leases.acquire('AR-2026-00001', 'one', T0, minutes(5)));
    assert.equal(await leases.acquire('AR-2026-00001', 'two', minutes(4), minutes(9)), undefined, 'held by one until 10:05');
    assert.ok(await leases.acquire('AR-2026-00002', 'two', minutes(4), minutes(9)), 'another key is free');
    assert.ok(await leases.acquire('AR-2026-00001', 'two', minutes(6), minutes(11)), 'one\'s lease ran out');
    assert.equal(await leases.acquire('AR-2026-00001', 'one', minutes(7), minutes(12)), undefined);
  });

  it('frees a lease given back, but never one another instance has taken since', async () => {
    const leases = createLeaseStore(tables.timers, 'outbox-recovery');
    const first = await leases.acquire('AR-2026-00001', 'one', T0, minutes(5));
    assert.ok(first);
    await leases.release(first);
    const second = await leases.acquire('AR-2026-00001', 'two', minutes(1), minutes(6));
    assert.ok(second, 'free again once given back');

    await leases.release(first); // one's late release, after two took it over
    assert.equal(await leases.acquire('AR-2026-00001', 'three', minutes(2), minutes(7)), undefined, 'two still holds it');
  });

  it('renews a lease its holder still has, even past its end if nobody took it meanwhile', async () => {
    const leases = createLeaseStore(tables.timers, 'outbox-recovery');
    const held = await leases.acquire('AR-2026-00001', 'one', T0, minutes(5));
    assert.ok(held);
    const renewed = await leases.renew(held, minutes(9));
    assert.ok(renewed);
    assert.equal(await leases.acquire('AR-2026-00001', 'two', minutes(6), minutes(11)), undefined, 'renewed until 10:09');
    const late = await leases.renew(renewed, minutes(20));
    assert.ok(late, 'ran out at 10:09 but nobody took it: still one\'s');
    await leases.release(late);
    assert.ok(await leases.acquire('AR-2026-00001', 'two', minutes(10), minutes(15)), 'the renewed lease is the one given back');
  });

  it('refuses to renew a lease another instance has taken, or taken and given back, since', async () => {
    const leases = createLeaseStore(tables.timers, 'outbox-recovery');
    const first = await leases.acquire('AR-2026-00001', 'one', T0, minutes(5));
    assert.ok(first);
    const taken = await leases.acquire('AR-2026-00001', 'two', minutes(6), minutes(11));
    assert.ok(taken);
    assert.equal(await leases.renew(first, minutes(12)), undefined, 'two holds it now');
    assert.equal(await leases.acquire('AR-2026-00001', 'three', minutes(7), minutes(12)), undefined, 'and the failed renewal changed nothing');
    await leases.release(taken);
    assert.equal(await leases.renew(first, minutes(12)), undefined, 'two took it and gave it back: one may have missed work done meanwhile');
  });

  it('gives the lease to exactly one of several instances asking at once', async () => {
    const instances = ['a', 'b', 'c', 'd', 'e'].map((owner) => ({ owner, leases: createLeaseStore(tables.timers, 'outbox-recovery') }));
    const held = await Promise.all(instances.map(({ owner, leases }) => leases.acquire('AR-2026-00001', owner, T0, minutes(5))));
    assert.equal(held.filter(Boolean).length, 1);
  });
});
