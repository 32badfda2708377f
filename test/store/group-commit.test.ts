import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import { createGroupCommit, WriteTooLate } from '../../src/store/group-commit';
import { instrumentTable, Tables } from '../../src/store/tables';
import { createInbox, InboxEntry } from '../../src/store/inbox';
import { createTimerStore, SURE_CLAIM_MS } from '../../src/store/timers';
import { freshTables } from '../support/azurite';
import sinon from 'sinon';

/** Round trips to the table service by method, counted on the real client (the same hook the bench uses). */
function counted(table: TableClient): { table: TableClient; calls: Map<string, number>; total: () => number } {
  const calls = new Map<string, number>();
  instrumentTable(table, 'inbox', (_table, method) => calls.set(method, (calls.get(method) ?? 0) + 1));
  return { table, calls, total: () => [...calls.values()].reduce((sum, n) => sum + n, 0) };
}

const row = (partitionKey: string, rowKey: string, value = 1) => ({ partitionKey, rowKey, value });

describe('writes sharing round trips by partition (Azurite)', () => {
  let tables: Tables;

  beforeEach(async () => {
    ({ tables } = await freshTables());
  });

  it('sends a lone write as the plain call, as it would without sharing', async () => {
    const { table, calls } = counted(tables.inbox);
    const [answer] = await createGroupCommit(table).write([['upsert', row('p', 'a'), 'Replace']]);

    assert.deepEqual(Object.fromEntries(calls), { upsertEntity: 1 });
    assert.ok(answer?.etag, 'the new ETag is handed back');
    assert.equal((await table.getEntity<{ value: number }>('p', 'a')).value, 1);
  });

  it('stores 40 writes made at once to one partition in a few shared transactions, and each answers with its own ETag', async () => {
    const { table, calls, total } = counted(tables.inbox);
    const writes = createGroupCommit(table);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => writes.write([['upsert', row('team:comms', `r${i}`, i), 'Replace']])));

    assert.ok(total() <= 2, `40 writes took ${total()} round trips: ${JSON.stringify(Object.fromEntries(calls))}`);
    const stored = new Map<string, { value: number; etag: string }>();
    for await (const entity of table.listEntities<{ value: number }>()) stored.set(entity.rowKey!, { value: entity.value, etag: entity.etag });
    assert.equal(stored.size, 40);
    answers.forEach(([answer], i) => assert.equal(answer?.etag, stored.get(`r${i}`)?.etag, `write ${i}'s ETag is its own row's`));
  });

  it('lets the writes that arrive while a partition is being written share the next round trip', async () => {
    const { table, total } = counted(tables.inbox);
    const writes = createGroupCommit(table);
    const first = writes.write([['upsert', row('p', 'first'), 'Replace']]);
    // The first has gone; these arrive one at a time while it is on its way.
    const later: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      later.push(writes.write([['upsert', row('p', `later${i}`), 'Replace']]));
      await Promise.resolve();
    }
    await Promise.all([first, ...later]);
    assert.equal(total(), 2, 'the first alone, then the ten together');
  });

  it('keeps writes to different partitions apart, each going at once', async () => {
    const { table, calls } = counted(tables.inbox);
    const writes = createGroupCommit(table);
    await Promise.all(['alex', 'megan', 'adele'].map((person) => writes.write([['upsert', row(person, 'line'), 'Replace']])));
    assert.deepEqual(Object.fromEntries(calls), { upsertEntity: 3 });
  });

  it('fails only the refused write when a shared transaction is refused, and stores the others', async () => {
    await tables.inbox.createEntity(row('p', 'taken'));
    const writes = createGroupCommit(tables.inbox);
    const outcomes = await Promise.allSettled([
      writes.write([['upsert', row('p', 'one'), 'Replace']]),
      writes.write([['create', row('p', 'taken', 2)]]),
      writes.write([['upsert', row('p', 'two'), 'Replace'], ['upsert', row('p', 'three'), 'Replace']]),
    ]);

    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(((outcomes[1] as PromiseRejectedResult).reason as { statusCode?: number }).statusCode, 409);
    const keys: string[] = [];
    for await (const entity of tables.inbox.listEntities<{ value: number }>()) keys.push(`${entity.rowKey}=${entity.value}`);
    assert.deepEqual(keys.sort(), ['one=1', 'taken=1', 'three=1', 'two=1']);
  });

  it('does not send the writes again one by one when a shared transaction failed without an answer (it may have been stored)', async () => {
    const writes = createGroupCommit(tables.inbox);
    const lost = sinon.stub(tables.inbox, 'submitTransaction').rejects(new Error('socket hang up'));
    const alone = sinon.spy(tables.inbox, 'upsertEntity');
    try {
      // Made in one tick, they share the first round trip.
      const outcomes = await Promise.allSettled([writes.write([['upsert', row('p', 'a'), 'Replace']]), writes.write([['upsert', row('p', 'b'), 'Replace']])]);
      assert.deepEqual(outcomes.map((outcome) => outcome.status), ['rejected', 'rejected']);
      assert.equal(lost.callCount, 1);
      assert.equal(alone.callCount, 0, 'neither write was sent again on its own');
    } finally {
      sinon.restore();
    }
  });

  it('keeps an If-Match update of a shared transaction conditional: a changed row refuses that write alone', async () => {
    const created = await tables.inbox.createEntity(row('p', 'guarded'));
    await tables.inbox.updateEntity(row('p', 'guarded', 5), 'Replace');
    const writes = createGroupCommit(tables.inbox);
    const outcomes = await Promise.allSettled([
      writes.write([['update', row('p', 'guarded', 9), 'Replace', { etag: created.etag! }]]),
      writes.write([['upsert', row('p', 'other'), 'Replace']]),
    ]);

    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['rejected', 'fulfilled']);
    assert.equal((await tables.inbox.getEntity<{ value: number }>('p', 'guarded')).value, 5, 'the newer value stays');
  });

  it('writes a row named by two writes in their order, each in a round trip of its own, the later one last', async () => {
    const { table, calls } = counted(tables.inbox);
    const writes = createGroupCommit(table);
    const first = writes.write([['upsert', row('p', 'x'), 'Replace']]);
    await Promise.all([first, writes.write([['upsert', row('p', 'x', 2), 'Replace']]), writes.write([['upsert', row('p', 'x', 3), 'Replace']])]);
    assert.deepEqual(Object.fromEntries(calls), { upsertEntity: 3 }, 'never one transaction holding the row twice');
    assert.equal((await tables.inbox.getEntity<{ value: number }>('p', 'x')).value, 3);
  });

  it('answers each write of a shared transaction with the ETags of its own rows, a write of several actions too', async () => {
    const writes = createGroupCommit(tables.inbox);
    const [pair, single] = await Promise.all([
      writes.write([['upsert', row('p', 'a'), 'Replace'], ['upsert', row('p', 'b'), 'Replace']]),
      writes.write([['upsert', row('p', 'c'), 'Replace']]),
    ]);
    const etag = async (key: string) => (await tables.inbox.getEntity('p', key)).etag;
    assert.deepEqual(pair.map((answer) => answer.etag), [await etag('a'), await etag('b')]);
    assert.deepEqual(single.map((answer) => answer.etag), [await etag('c')]);
  });

  it('keeps a shared transaction within 4 MiB, leaving the next write for the next round trip', async () => {
    const { table, calls } = counted(tables.inbox);
    const writes = createGroupCommit(table);
    // Each about 960 KiB as the service counts it (UTF-16): four fit in a transaction, five do not.
    const heavy = (key: string) => ({ partitionKey: 'p', rowKey: key, ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`text${i}`, 'x'.repeat(32 * 1024 - 8)])) });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => writes.write([['upsert', heavy(key), 'Replace']])));
    assert.deepEqual(Object.fromEntries(calls), { submitTransaction: 1, upsertEntity: 1 });
  });

  it('refuses, unsent, a write that has waited for its round trip past its time to send', async () => {
    const writes = createGroupCommit(tables.inbox);
    const upsert = tables.inbox.upsertEntity.bind(tables.inbox);
    // The round trip ahead of it is slow.
    sinon.stub(tables.inbox, 'upsertEntity').callsFake(async (...args: Parameters<TableClient['upsertEntity']>) => {
      await new Promise((resolve) => setTimeout(resolve, 80));
      return upsert(...args);
    });
    try {
      const ahead = writes.write([['upsert', row('p', 'ahead'), 'Replace']]);
      await Promise.resolve();
      const late = writes.write([['upsert', row('p', 'late'), 'Replace']], { sendWithinMs: 20 });
      await ahead;
      await assert.rejects(late, WriteTooLate);
    } finally {
      sinon.restore();
    }
    await assert.rejects(tables.inbox.getEntity('p', 'late'), (error: { statusCode?: number }) => error.statusCode === 404);
  });

  it('abandons a round trip that gets no answer in time, failing its write, so the partition\'s next writes still go', async () => {
    const writes = createGroupCommit(tables.inbox, { roundTripTimeoutMs: 50 });
    // The first request hangs until it is abandoned; the ones after it are answered.
    sinon.stub(tables.inbox, 'upsertEntity').onFirstCall().callsFake((_entity, _mode, options) => new Promise((_resolve, reject) => {
      options?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    })).callThrough();
    try {
      const hung = writes.write([['upsert', row('p', 'hung'), 'Replace']]);
      await Promise.resolve();
      const next = writes.write([['upsert', row('p', 'next'), 'Replace']]);
      await assert.rejects(hung, { name: 'AbortError' });
      await next;
    } finally {
      sinon.restore();
    }
    assert.equal((await tables.inbox.getEntity<{ value: number }>('p', 'next')).value, 1);
  });

  it('refuses a write over two partitions or over 100 actions, storing nothing', async () => {
    const writes = createGroupCommit(tables.inbox);
    await assert.rejects(writes.write([['upsert', row('a', 'x'), 'Replace'], ['upsert', row('b', 'x'), 'Replace']]), RangeError);
    await assert.rejects(writes.write(Array.from({ length: 101 }, (_, i) => ['upsert', row('a', `r${i}`), 'Replace'] as const)), RangeError);
    for await (const entity of tables.inbox.listEntities()) assert.fail(`stored ${entity.rowKey}`);
  });

  it('shares the round trips of a team queue\'s inbox lines written by many steps at once', async () => {
    const { table, total } = counted(tables.inbox);
    const inbox = createInbox(table);
    const line = (i: number): InboxEntry => ({
      userId: 'team:comms', role: 'takedown', reference: `TD-2026-${String(i).padStart(5, '0')}`, state: 'issued', summary: 'Takedown notice',
      nextStep: 'Waiting for removal', awaitingMe: true, updatedAt: '2026-12-04T10:00:00.000Z',
    });
    await Promise.all(Array.from({ length: 30 }, (_, i) => inbox.write([line(i)])));

    assert.ok(total() <= 2, `30 steps' lines took ${total()} round trips`);
    assert.equal((await inbox.list('team:comms')).length, 30);
  });

  it('shares the round trips of the retry timers many turns create at once, each claimed with its own ETag', async () => {
    const { table, total } = counted(tables.timers);
    const timers = createTimerStore(table);
    const until = new Date('2026-12-04T10:03:00.000Z');
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => timers.createClaimed({ reference: `AR-2026-${i}`, timer: 'outbox', id: `id${i}` }, 'me', until)));

    assert.ok(total() <= 2, `20 retry timers took ${total()} round trips`);
    // Each claim's ETag is the row's: letting it go If-Match works for every one.
    const released = await Promise.all(claims.map((claim) => timers.releaseUntil(claim, until)));
    assert.equal(released.filter(Boolean).length, 20);
  });
});

describe('deleting retry timers this instance holds (Azurite)', () => {
  let tables: Tables;
  const now = new Date('2026-12-04T10:00:00.000Z');

  beforeEach(async () => {
    ({ tables } = await freshTables());
  });

  it('deletes timers whose claims have long to run in shared round trips, since no other instance can hold them', async () => {
    const timers = createTimerStore(tables.timers);
    const until = new Date(now.getTime() + 3 * 60_000);
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => timers.createClaimed({ reference: `AR-2026-${i}`, timer: 'outbox', id: `id${i}` }, 'me', until)));
    const { total } = counted(tables.timers);

    await Promise.all(claims.map((claim) => timers.removeHeld(claim, now)));

    assert.ok(total() <= 2, `20 deletes took ${total()} round trips`);
    for await (const row of tables.timers.listEntities()) assert.fail(`left ${row.rowKey}`);
  });

  it('deletes a timer If-Match when its shared delete could not go while the claim still had long enough to run', async () => {
    const timers = createTimerStore(tables.timers);
    const mine = await timers.createClaimed({ reference: 'AR-2026-1', timer: 'outbox', id: 'a' }, 'me', new Date(now.getTime() + SURE_CLAIM_MS + 20));
    const theirs = await timers.claim(mine, 'them', new Date(now.getTime() + 5 * 60_000));
    assert.ok(theirs);
    // Today's partition is busy with a slow round trip: the delete would wait past the 20 ms it had.
    const create = tables.timers.createEntity.bind(tables.timers);
    sinon.stub(tables.timers, 'createEntity').callsFake(async (...args: Parameters<TableClient['createEntity']>) => {
      await new Promise((resolve) => setTimeout(resolve, 80));
      return create(...args);
    });
    try {
      const busy = timers.createClaimed({ reference: 'AR-2026-2', timer: 'outbox', id: 'b' }, 'me', new Date(now.getTime() + 30_000));
      await Promise.resolve();
      await timers.removeHeld(mine, now);
      await busy;
    } finally {
      sinon.restore();
    }
    const left = await tables.timers.getEntity<{ leaseOwner: string }>(mine.partitionKey, mine.rowKey);
    assert.equal(left.leaseOwner, 'them', 'their timer is still there');
  });

  it('takes a retry timer found already stored by its own create (a lost answer, sent again) as created, with its ETag', async () => {
    const timers = createTimerStore(tables.timers);
    const until = new Date(now.getTime() + 3 * 60_000);
    const first = await timers.createClaimed({ reference: 'AR-2026-1', timer: 'outbox', id: 'a' }, 'me', until);
    const again = await timers.createClaimed({ reference: 'AR-2026-1', timer: 'outbox', id: 'a' }, 'me', until);
    assert.equal(again.etag, first.etag);
    await assert.rejects(timers.createClaimed({ reference: 'AR-2026-1', timer: 'outbox', id: 'a' }, 'another instance', until),
      (error: { statusCode?: number }) => error.statusCode === 409);
  });

  it('deletes a timer whose claim is nearly over only if no other instance has claimed it since', async () => {
    const timers = createTimerStore(tables.timers);
    const mine = await timers.createClaimed({ reference: 'AR-2026-1', timer: 'outbox', id: 'a' }, 'me', new Date(now.getTime() + 30_000));
    // Another instance whose clock runs ahead finds the claim over and takes the timer.
    const theirs = await timers.claim(mine, 'them', new Date(now.getTime() + 5 * 60_000));
    assert.ok(theirs);

    await timers.removeHeld(mine, now);

    const left = await tables.timers.getEntity<{ leaseOwner: string }>(mine.partitionKey, mine.rowKey);
    assert.equal(left.leaseOwner, 'them', 'their timer is still there, for them to finish');
  });
});
