import assert from 'node:assert/strict';
import { odata, TableClient } from '@azure/data-tables';
import sinon from 'sinon';
import type { Effect } from '../../src/domain/effects';
import type { Actor } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { CaseCommit, CaseStore, ConcurrencyError, createCaseStore } from '../../src/store/case-store';
import { TableLimitError } from '../../src/store/entity-limits';
import { runTransition, TransitionOutcome } from '../../src/cases/transition';
import type { Tables } from '../../src/store/tables';
import {
  AccessRequest, AccessRequestCommand, AccessRequestDetails, AccessRequestEvent,
} from '../../src/workflows/access-request/model';
import { accessRequest } from '../../src/workflows/access-request';
import { freshTables } from '../support/azurite';

const requester: Actor = { id: 'u-requester', name: 'Rita Requester', roles: [] };
const manager: Actor = { id: 'u-manager', name: 'Manny Manager', roles: [] };
const commsA: Actor = { id: 'u-comms-a', name: 'Cora Comms', roles: ['comms'] };
const commsB: Actor = { id: 'u-comms-b', name: 'Colin Comms', roles: ['comms'] };

const workflow = accessRequest.create({ workingTime: createWorkingTime() } as never).workflow;

const details = (kind: AccessRequestDetails['kind']): AccessRequestDetails => ({
  sites: ['facebook'], kind, businessCase: 'Answer customer questions on our Facebook page.',
  startDate: '2026-03-02', endDate: '2026-06-30',
});

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 10, minutes));
let sequence = 0;
const nextReference = () => `AR-2026-${String(++sequence).padStart(5, '0')}`;

/** Every row of one case partition, by RowKey. */
async function rowsOf(cases: TableClient, reference: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  for await (const row of cases.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${reference}` } })) {
    rows.set(row.rowKey as string, row);
  }
  return rows;
}

const keysOf = async (cases: TableClient, reference: string) => [...(await rowsOf(cases, reference)).keys()];

/**
 * Holds the first `parties` loads until all of them have read, so every racer decides on the same
 * snapshot and etag: a real race, every time. Later loads (the retries after a lost race) pass straight on.
 */
function racingStore(store: CaseStore, parties: number): { store: CaseStore; lostRaces: () => number } {
  let arrived = 0;
  let lost = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const atTheGate = async <T>(loaded: T): Promise<T> => {
    if (arrived < parties) {
      arrived++;
      if (arrived === parties) open();
      await gate;
    }
    return loaded;
  };
  return {
    store: {
      ...store,
      async load<S>(reference: string) {
        return atTheGate(await store.load<S>(reference));
      },
      // What a transition reads (the snapshot with its card copies): every party has read before any commits.
      async loadWithCardCopies<S>(reference: string) {
        return atTheGate(await store.loadWithCardCopies<S>(reference));
      },
      async commit<S>(commit: CaseCommit<S>) {
        try {
          return await store.commit(commit);
        } catch (error) {
          if (error instanceof ConcurrencyError) lost++;
          throw error;
        }
      },
    },
    lostRaces: () => lost,
  };
}

describe('case store (Azurite)', () => {
  let tables: Tables;
  let store: CaseStore;

  beforeEach(async () => {
    ({ tables } = await freshTables());
    store = createCaseStore(tables.cases);
  });

  afterEach(() => sinon.restore());

  async function submit(kind: AccessRequestDetails['kind'] = 'view'): Promise<string> {
    const reference = nextReference();
    const outcome = await runTransition(store, workflow, reference,
      { type: 'submit', reference, approver: { id: manager.id, name: manager.name }, details: details(kind) },
      { actor: requester, now: at(0) });
    assert.equal(outcome.ok, true);
    return reference;
  }

  async function act(reference: string, command: AccessRequestCommand, actor: Actor, minutes: number) {
    return runTransition(store, workflow, reference, command, { actor, now: at(minutes) });
  }

  const eventTypes = async (reference: string) =>
    (await store.events(reference)).map((event) => (event as AccessRequestEvent).type);

  describe('commits', () => {
    it('writes the snapshot, numbered audit events and outbox rows together, and load reads them back', async () => {
      const reference = nextReference();
      const effects: Effect[] = [{ kind: 'refreshCards' }, { kind: 'timer', timer: 't.remind', dueAt: '2026-03-04T10:00:00.000Z' }];
      const events = [
        { type: 'Opened', at: '2026-03-02T10:00:00.000Z', by: { id: 'u-1' } },
        { type: 'Noted', at: '2026-03-02T10:00:01.000Z', by: { id: 'u-1' } },
      ];
      const result = await store.commit({ reference, snapshot: { hello: 'world' }, state: 'open', events, effects });

      assert.equal(result.version, 2);
      assert.deepEqual(result.effectRows, [
        { rowKey: 'out-000002-000', effect: effects[0], attempts: 0, createdAt: '2026-03-02T10:00:01.000Z' },
        { rowKey: 'out-000002-001', effect: effects[1], attempts: 0, createdAt: '2026-03-02T10:00:01.000Z' },
      ], 'each outbox row says when its transition happened, so recovery can leave young ones to the instance that stored them');
      const rows = await rowsOf(tables.cases, reference);
      assert.deepEqual([...rows.keys()], ['case', 'ev-000001', 'ev-000002', 'out-000002-000', 'out-000002-001']);
      const snapshot = rows.get('case')!;
      assert.equal(snapshot.state, 'open');
      assert.equal(snapshot.kind, 'AR');
      assert.equal(snapshot.version, 2);
      assert.equal(rows.get('ev-000002')!.type, 'Noted');
      assert.equal(rows.get('ev-000001')!.actorId, 'u-1');
      assert.equal(rows.get('out-000002-001')!.kind, 'timer');

      const loaded = await store.load<{ hello: string }>(reference);
      assert.ok(loaded);
      assert.deepEqual(loaded.snapshot, { hello: 'world' });
      assert.equal(loaded.version, 2);
      assert.equal(typeof loaded.etag, 'string');
      assert.deepEqual(await store.events(reference), events);
      assert.deepEqual(await store.pendingEffects(reference), result.effectRows);
    });

    it('gives undefined when loading a case that does not exist', async () => {
      assert.equal(await store.load('AR-2026-99999'), undefined);
      assert.deepEqual(await store.events('AR-2026-99999'), []);
    });

    it('numbers the events of a later commit after the earlier ones, and keeps the audit trail in order', async () => {
      const reference = await submit();
      const approved = await act(reference, { type: 'approve', comment: 'Fine by me' }, manager, 5);
      assert.equal(approved.ok, true);
      const revoked = await act(reference, { type: 'revoke', comment: 'Posted about a customer' }, manager, 10);
      assert.equal(revoked.ok, true);

      assert.deepEqual(await eventTypes(reference), ['AccessRequested', 'ApprovedByManager', 'Revoked']);
      const loaded = await store.load<AccessRequest>(reference);
      assert.equal(loaded?.version, 3);
      assert.equal(loaded?.snapshot.state, 'revoked');
      const keys = await keysOf(tables.cases, reference);
      assert.deepEqual(keys.filter((key) => key.startsWith('ev-')), ['ev-000001', 'ev-000002', 'ev-000003']);
      // Each transition's outbox is keyed by the version it produced.
      assert.ok(keys.includes('out-000001-000') && keys.includes('out-000002-000') && keys.includes('out-000003-000'));
    });

    it('keeps a submitted access request, its event and its outbox (cards, inbox, approver, two timers)', async () => {
      const reference = await submit();
      const loaded = await store.load<AccessRequest>(reference);
      assert.equal(loaded?.snapshot.state, 'submitted');
      assert.equal(loaded?.version, 1);
      const pending = await store.pendingEffects(reference);
      assert.deepEqual(pending.map((row) => row.effect.kind), ['refreshCards', 'inbox', 'notify', 'timer', 'timer']);
      assert.ok(pending.every((row) => row.attempts === 0));
    });
  });

  describe('atomicity and concurrency', () => {
    async function snapshotOf(reference: string) {
      const row = await tables.cases.getEntity<Record<string, unknown>>(reference, 'case');
      return { etag: row.etag, version: row.version, body: row.body };
    }

    it('refuses a stale etag with ConcurrencyError and writes none of the events or outbox rows', async () => {
      const reference = await submit();
      const stale = await store.load<AccessRequest>(reference);
      assert.ok(stale);
      assert.equal((await act(reference, { type: 'approve' }, manager, 5)).ok, true);
      const before = await snapshotOf(reference);
      const keysBefore = await keysOf(tables.cases, reference);

      // Version 2 is current, so ev-000003 and out-000003-* would be new rows: only the If-Match fails.
      await assert.rejects(store.commit({
        reference, expected: { etag: stale.etag, version: 2 }, snapshot: { ...stale.snapshot, state: 'withdrawn' },
        state: 'withdrawn', events: [{ type: 'Withdrawn', at: at(6).toISOString(), by: { id: requester.id } }],
        effects: [{ kind: 'refreshCards' }],
      }), ConcurrencyError);

      assert.deepEqual(await snapshotOf(reference), before);
      assert.deepEqual(await keysOf(tables.cases, reference), keysBefore);
      assert.deepEqual(await eventTypes(reference), ['AccessRequested', 'ApprovedByManager']);
    });

    it('writes nothing when one event row of the transaction already exists, though the etag is current', async () => {
      const reference = await submit();
      const current = await store.load<AccessRequest>(reference);
      assert.ok(current);
      await tables.cases.createEntity({ partitionKey: reference, rowKey: 'ev-000002', type: 'Planted', body: '{"type":"Planted"}' });
      const keysBefore = await keysOf(tables.cases, reference);

      await assert.rejects(store.commit({
        reference, expected: { etag: current.etag, version: current.version }, snapshot: { ...current.snapshot, state: 'active' },
        state: 'active', events: [{ type: 'ApprovedByManager', at: at(5).toISOString(), by: { id: manager.id } }],
        effects: [{ kind: 'refreshCards' }, { kind: 'inbox', formerParticipants: [] }],
      }), ConcurrencyError);

      const after = await store.load<AccessRequest>(reference);
      assert.equal(after?.etag, current.etag);
      assert.equal(after?.version, 1);
      assert.equal(after?.snapshot.state, 'submitted');
      assert.deepEqual(await keysOf(tables.cases, reference), keysBefore);
      assert.ok(!keysBefore.some((key) => key.startsWith('out-000002')));
    });

    it('refuses to create a case whose reference already exists, with ConcurrencyError, leaving the first intact', async () => {
      const reference = await submit();
      const before = await snapshotOf(reference);
      const keysBefore = await keysOf(tables.cases, reference);

      await assert.rejects(store.commit({
        reference, snapshot: { other: true }, state: 'submitted',
        events: [{ type: 'AccessRequested', at: at(1).toISOString(), by: { id: 'u-someone-else' } }],
        effects: [{ kind: 'refreshCards' }],
      }), ConcurrencyError);

      assert.deepEqual(await snapshotOf(reference), before);
      assert.deepEqual(await keysOf(tables.cases, reference), keysBefore);
    });

    it('lets a submit on a taken reference be refused by the workflow instead of overwriting it', async () => {
      const reference = await submit();
      const again = await runTransition(store, workflow, reference,
        { type: 'submit', reference, approver: { id: manager.id, name: manager.name }, details: details('post') },
        { actor: requester, now: at(3) });
      assert.equal(again.ok, false);
      assert.equal(!again.ok && again.code, 'wrong_state');
      assert.deepEqual(await eventTypes(reference), ['AccessRequested']);
    });

    it('gives exactly one winner when the approver approves while the requester withdraws', async () => {
      for (let round = 0; round < 3; round++) {
        const reference = await submit();
        const race = racingStore(store, 2);
        const [approval, withdrawal] = await Promise.all([
          runTransition(race.store, workflow, reference, { type: 'approve' }, { actor: manager, now: at(5) }),
          runTransition(race.store, workflow, reference, { type: 'withdraw' }, { actor: requester, now: at(5) }),
        ]);

        assert.equal(race.lostRaces(), 1, 'both read the same etag, so one commit lost');
        const outcomes: [TransitionOutcome<AccessRequest>, Actor][] = [[approval, manager], [withdrawal, requester]];
        const winners = outcomes.filter(([outcome]) => outcome.ok);
        const losers = outcomes.filter(([outcome]) => !outcome.ok);
        assert.equal(winners.length, 1);
        assert.equal(losers.length, 1);
        const [[won, winner]] = winners;
        const [[lost]] = losers;
        assert.ok(won.ok && won.changed);
        assert.ok(!lost.ok);
        assert.ok(['already_decided', 'wrong_state'].includes(lost.code), lost.code);
        assert.match(lost.message, new RegExp(winner.name));
        assert.equal(lost.snapshot?.state, won.snapshot.state, 'the loser is shown the state the winner made');

        const types = await eventTypes(reference);
        assert.equal(types.length, 2);
        assert.equal(types[0], 'AccessRequested');
        assert.equal(types[1], winner === manager ? 'ApprovedByManager' : 'Withdrawn');
        assert.equal((await store.load<AccessRequest>(reference))?.version, 2);
      }
    });

    it('gives exactly one winner when two Communications Team members sign off a post request at once', async () => {
      const reference = await submit('post');
      assert.equal((await act(reference, { type: 'approve' }, manager, 5)).ok, true);
      assert.equal((await store.load<AccessRequest>(reference))?.snapshot.state, 'awaiting_comms');

      const race = racingStore(store, 2);
      const outcomes = await Promise.all([commsA, commsB].map(async (actor) =>
        [await runTransition(race.store, workflow, reference, { type: 'commsSignOff' }, { actor, now: at(9) }), actor] as const));

      assert.equal(race.lostRaces(), 1);
      const winners = outcomes.filter(([outcome]) => outcome.ok);
      const losers = outcomes.filter(([outcome]) => !outcome.ok);
      assert.equal(winners.length, 1);
      assert.equal(losers.length, 1);
      const winner = winners[0][1];
      const lost = losers[0][0];
      assert.ok(!lost.ok);
      assert.equal(lost.code, 'already_decided');
      assert.match(lost.message, new RegExp(`already signed off by ${winner.name}`));
      const signOffs = (await store.events(reference)).filter((event) => (event as AccessRequestEvent).type === 'SignedOffByComms');
      assert.equal(signOffs.length, 1);
      assert.equal((signOffs[0] as AccessRequestEvent).by.id, winner.id);
      assert.equal((await store.load<AccessRequest>(reference))?.snapshot.state, 'active');
    });

    it('stores one approval when the same approver approves 8 times at once', async () => {
      const reference = await submit();
      const race = racingStore(store, 8);
      const outcomes = await Promise.all(Array.from({ length: 8 }, () =>
        runTransition(race.store, workflow, reference, { type: 'approve' }, { actor: manager, now: at(5) })));

      assert.equal(race.lostRaces(), 7);
      assert.ok(outcomes.every((outcome) => outcome.ok), 'a repeated approval is not an error');
      assert.equal(outcomes.filter((outcome) => outcome.ok && outcome.changed).length, 1);
      assert.deepEqual(await eventTypes(reference), ['AccessRequested', 'ApprovedByManager']);
      const loaded = await store.load<AccessRequest>(reference);
      assert.equal(loaded?.version, 2);
      assert.equal(loaded?.snapshot.state, 'active');
      const outboxVersions = new Set((await store.pendingEffects(reference)).map((row) => row.rowKey.slice(0, 10)));
      assert.deepEqual([...outboxVersions], ['out-000001', 'out-000002'], 'only the winner wrote an outbox');
    });
  });

  describe('outbox and card copies', () => {
    it('lists pending effects, counts failed attempts, and forgets completed ones', async () => {
      const reference = await submit();
      const pending = await store.pendingEffects(reference);
      assert.equal(pending.length, 5);

      await store.recordFailedAttempt(reference, pending[2], 'Teams said 503', '2026-11-25T10:00:30.000Z');
      let again = await store.pendingEffects(reference);
      assert.equal(again[2].attempts, 1);
      assert.equal(again[2].nextAttemptAt, '2026-11-25T10:00:30.000Z', 'the retry waits');
      assert.deepEqual(again[2].effect, pending[2].effect);
      await store.recordFailedAttempt(reference, again[2], 'Teams said 503 again', '2026-11-25T10:01:30.000Z');
      again = await store.pendingEffects(reference);
      assert.equal(again[2].attempts, 2);
      const row = await tables.cases.getEntity<{ lastProblem: string }>(reference, pending[2].rowKey);
      assert.equal(row.lastProblem, 'Teams said 503 again');

      await store.completeEffect(reference, pending[0].rowKey);
      await store.completeEffect(reference, pending[0].rowKey); // twice: a redelivery is harmless
      const left = await store.pendingEffects(reference);
      assert.deepEqual(left.map((r) => r.rowKey), pending.slice(1).map((r) => r.rowKey));
      // The snapshot and the audit trail are untouched by outbox work.
      assert.equal((await store.load<AccessRequest>(reference))?.version, 1);
      assert.deepEqual(await eventTypes(reference), ['AccessRequested']);
    });

    it('lists only the references that still have effects to carry out', async () => {
      const done = await submit();
      const waiting = await submit();
      const other = await submit();
      for (const row of await store.pendingEffects(done)) await store.completeEffect(done, row.rowKey);
      // Card copies and events are not effects.
      await store.saveCardCopy(done, { viewerId: requester.id, conversationId: 'conv-1', activityId: 'act-1' });

      assert.deepEqual((await store.referencesWithPendingEffects()).sort(), [waiting, other].sort());
      assert.deepEqual(await store.pendingEffects(done), []);
    });

    it('keeps one row when the same card copy is saved twice, and one per sent card', async () => {
      const reference = await submit();
      const copy = { viewerId: manager.id, conversationId: 'a:conversation-with-manager', activityId: '1:activity-1' };
      await store.saveCardCopy(reference, copy);
      await store.saveCardCopy(reference, copy);
      assert.deepEqual(await store.cardCopies(reference), [copy]);

      const second = { viewerId: requester.id, conversationId: 'a:conversation-with-requester', activityId: '1:activity-2' };
      await store.saveCardCopy(reference, second);
      const copies = await store.cardCopies(reference);
      assert.equal(copies.length, 2);
      assert.deepEqual(new Set(copies.map((c) => c.activityId)), new Set([copy.activityId, second.activityId]));
      assert.equal((await keysOf(tables.cases, reference)).filter((key) => key.startsWith('card-')).length, 2);
      assert.deepEqual(await store.cardCopies(nextReference()), []);
      // Card copies never show up as pending effects or events.
      assert.equal((await store.pendingEffects(reference)).length, 5);
      assert.deepEqual(await eventTypes(reference), ['AccessRequested']);
    });
  });

  describe('entity limits', () => {
    const event = (i: number) => ({ type: 'Noted', at: at(i % 60).toISOString(), by: { id: 'u-1' } });

    it('refuses a new case whose snapshot is over the 64 KiB string limit before sending anything', async () => {
      const reference = nextReference();
      const submitTransaction = sinon.spy(tables.cases, 'submitTransaction');
      await assert.rejects(store.commit({
        reference, snapshot: { text: 'x'.repeat(40_000) }, state: 'open', events: [event(0)], effects: [{ kind: 'refreshCards' }],
      }), TableLimitError);
      assert.equal(submitTransaction.callCount, 0);
      assert.equal(await store.load(reference), undefined);
      assert.deepEqual(await keysOf(tables.cases, reference), []);
    });

    it('refuses an update whose snapshot is too big, leaving the stored case as it was', async () => {
      const reference = await submit();
      const current = await store.load<AccessRequest>(reference);
      assert.ok(current);
      const keysBefore = await keysOf(tables.cases, reference);
      const submitTransaction = sinon.spy(tables.cases, 'submitTransaction');
      const huge = { ...current.snapshot, details: { ...current.snapshot.details, businessCase: 'é'.repeat(33_000) } };
      await assert.rejects(store.commit({
        reference, expected: { etag: current.etag, version: current.version }, snapshot: huge, state: 'submitted',
        events: [event(1)], effects: [],
      }), TableLimitError);
      assert.equal(submitTransaction.callCount, 0);
      assert.deepEqual(await store.load(reference), current);
      assert.deepEqual(await keysOf(tables.cases, reference), keysBefore);
    });

    it('refuses a transaction of more than 100 operations before sending anything', async () => {
      const reference = nextReference();
      const submitTransaction = sinon.spy(tables.cases, 'submitTransaction');
      // 1 snapshot + 100 events = 101 operations.
      await assert.rejects(store.commit({
        reference, snapshot: {}, state: 'open', events: Array.from({ length: 100 }, (_, i) => event(i)), effects: [],
      }), (error: unknown) => error instanceof TableLimitError && /101/.test(error.message));
      assert.equal(submitTransaction.callCount, 0);
      assert.deepEqual(await keysOf(tables.cases, reference), []);
    });

    it('accepts a transaction of exactly 100 operations', async () => {
      const reference = nextReference();
      // 1 snapshot + 98 events + 1 outbox row = 100 operations.
      const result = await store.commit({
        reference, snapshot: {}, state: 'open', events: Array.from({ length: 98 }, (_, i) => event(i)), effects: [{ kind: 'refreshCards' }],
      });
      assert.equal(result.version, 98);
      assert.equal((await store.events(reference)).length, 98);
      assert.equal((await keysOf(tables.cases, reference)).length, 100);
    });
  });
});
