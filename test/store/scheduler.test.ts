import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import sinon from 'sinon';
import { createLogger } from '../../src/logger';
import { AnyTimerHandler, createScheduler, SchedulerOptions, TimerHandler } from '../../src/scheduler/scheduler';
import { openTables, Tables } from '../../src/store/tables';
import { createTimerStore, TimerRow, TimerStore } from '../../src/store/timers';
import { freshTables, testConnectionString } from '../support/azurite';

/**
 * The scheduler against a real table service (Azurite): due timers fire exactly once, also with two
 * instances ticking at the same time; an instance that dies or fails while firing means a retry by another
 * instance once its lease runs out (the day's, or a failed timer's own); only the due day partitions are read,
 * from the cursor on.
 * The clock is a plain function the test moves; handlers only record what they were asked to fire.
 */
const T0 = new Date('2026-03-04T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const REMIND = 'accessRequest.remindApprover';

/** A clock the test controls: `clock.now()` is what every scheduler instance sees. */
function fakeClock(start: Date) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set(instant: Date | string) { current = new Date(instant).getTime(); },
    advance(millis: number) { current += millis; },
  };
}

/** Warnings and errors the scheduler logged, parsed. */
function recordingLogger() {
  const lines: { level: number; msg: string; reference?: string; timer?: string }[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { logger: createLogger('warn', sink), lines };
}

/** Handlers that remember which timer fired (reference + kind + dueAt), at which instant, by which instance. */
function recorder() {
  const fired: { key: string; basis?: string; at: string; by: string }[] = [];
  const handler = (by: string, fail?: (timer: TimerRow) => boolean): TimerHandler => async (timer, now) => {
    // Yield, so that concurrent instances interleave between claim and completion as real ones do.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
    if (fail?.(timer)) throw new Error('the process died before the reminder was sent');
    fired.push({ key: keyOf(timer), ...(timer.basis ? { basis: timer.basis } : {}), at: now.toISOString(), by });
  };
  return { fired, handler, keys: () => fired.map((entry) => entry.key) };
}

const keyOf = (timer: Pick<TimerRow, 'reference' | 'timer' | 'dueAt'>) => `${timer.reference} ${timer.timer} ${timer.dueAt}`;
const timerAt = (reference: string, dueAt: Date | string, timer = REMIND): TimerRow => ({ reference, timer, dueAt: new Date(dueAt).toISOString() });
const day = (instant: Date) => instant.toISOString().slice(0, 10);

interface Row { status: string; leaseOwner?: string; leaseUntil?: string }
async function rowOf(tables: Tables, timer: TimerRow): Promise<Row> {
  return tables.timers.getEntity<Row>(timer.dueAt.slice(0, 10), `${timer.dueAt}|${timer.reference}|${timer.timer}`);
}

describe('scheduler on Azure Tables', () => {
  let tables: Tables;
  let store: TimerStore;
  let clock: ReturnType<typeof fakeClock>;
  let log: ReturnType<typeof recordingLogger>;

  beforeEach(async () => {
    ({ tables } = await freshTables());
    store = createTimerStore(tables.timers);
    clock = fakeClock(T0);
    log = recordingLogger();
  });
  afterEach(() => sinon.restore());

  /** One scheduler instance; `kinds` maps timer kinds to handlers. */
  function instance(handlers: Record<string, AnyTimerHandler>, options: Partial<SchedulerOptions> = {}, timers: TimerStore = store) {
    return createScheduler({ timers, handlers, now: clock.now, logger: log.logger, ...options });
  }

  /** A second process: its own clients on the same tables. */
  function otherProcessStore(prefixOf: Tables): TimerStore {
    const prefix = prefixOf.timers.tableName.replace(/timers$/, '');
    return createTimerStore(openTables({ kind: 'connectionString', connectionString: testConnectionString() }, prefix).timers);
  }

  describe('due timers', () => {
    it('fires only the timers that are due, each exactly once however often it ticks', async () => {
      const morning = timerAt('AR-2026-00001', '2026-03-04T10:00:00Z');
      const afternoon = timerAt('AR-2026-00002', '2026-03-04T14:00:00Z');
      const tomorrow = timerAt('AR-2026-00003', '2026-03-05T09:00:00Z');
      for (const timer of [afternoon, tomorrow, morning]) await store.schedule(timer);
      const record = recorder();
      const scheduler = instance({ [REMIND]: record.handler('a') });

      const first = await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(morning)], 'only the timer due by 12:00 fires');
      assert.equal(first.fired, 1);
      await scheduler.tick();
      await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(morning)], 'ticking again fires nothing twice');

      clock.set('2026-03-04T13:59:59.999Z');
      await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(morning)], 'not a millisecond early');

      clock.set('2026-03-04T14:00:00.000Z');
      await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(morning), keyOf(afternoon)], 'due at exactly its instant');

      clock.set('2026-03-05T09:30:00Z');
      await scheduler.tick();
      await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(morning), keyOf(afternoon), keyOf(tomorrow)]);
      assert.equal((await rowOf(tables, morning)).status, 'done');
    });

    it('gives the handler the timer with its basis and the tick\'s time', async () => {
      const basis = '2026-03-02T10:00:00.000Z';
      await store.schedule({ ...timerAt('AR-2026-00001', '2026-03-04T10:00:00Z'), basis });
      const record = recorder();
      await instance({ [REMIND]: record.handler('a') }).tick();
      assert.deepEqual(record.fired, [{ key: keyOf(timerAt('AR-2026-00001', '2026-03-04T10:00:00Z')), basis, at: T0.toISOString(), by: 'a' }]);
    });

    it('fires timers that came due while no instance was running, on the next tick', async () => {
      const threeDaysAgo = timerAt('AR-2026-00001', new Date(T0.getTime() - 3 * DAY));
      const yesterday = timerAt('AR-2026-00002', new Date(T0.getTime() - DAY - 5 * MINUTE));
      const inAnHour = timerAt('AR-2026-00003', new Date(T0.getTime() + 60 * MINUTE));
      for (const timer of [threeDaysAgo, yesterday, inAnHour]) await store.schedule(timer);
      const record = recorder();

      const report = await instance({ [REMIND]: record.handler('a') }).tick();

      assert.deepEqual(record.keys(), [keyOf(threeDaysAgo), keyOf(yesterday)]);
      assert.deepEqual({ fired: report.fired, failed: report.failed, skipped: report.skipped }, { fired: 2, failed: 0, skipped: 0 });
    });

    it('fires each of 36 timers exactly once when two instances tick at the same time, round after round', async () => {
      const record = recorder();
      const handlers = (by: string) => ({ [REMIND]: record.handler(by), 'accessRequest.escalate': record.handler(by) });
      const a = instance(handlers('a'), { owner: 'instance-a', lookbackDays: 2 });
      const b = instance(handlers('b'), { owner: 'instance-b', lookbackDays: 2 }, otherProcessStore(tables));
      // 36 timers over three days, two of them before today; some due only in later rounds.
      const timers: TimerRow[] = [];
      for (let i = 0; i < 36; i++) {
        const dueAt = new Date(T0.getTime() - 2 * DAY + i * 90 * MINUTE);
        timers.push(timerAt(`AR-2026-${String(i + 1).padStart(5, '0')}`, dueAt, i % 3 === 0 ? 'accessRequest.escalate' : REMIND));
      }
      await Promise.all(timers.map((timer) => store.schedule(timer)));

      const reports = [];
      for (let round = 0; round < 4; round++) {
        reports.push(...await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]));
        clock.advance(3 * 60 * MINUTE);
      }

      const counts = new Map<string, number>();
      for (const key of record.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
      assert.deepEqual([...counts.entries()].filter(([, n]) => n !== 1), [], 'no timer fired twice');
      assert.deepEqual([...counts.keys()].sort(), timers.map(keyOf).sort(), 'every timer fired');
      assert.equal(reports.reduce((sum, report) => sum + report.fired, 0), 36, 'the instances\' reports add up to one firing each');
      assert.equal(reports.reduce((sum, report) => sum + report.failed, 0), 0);
      for (const timer of timers) assert.equal((await rowOf(tables, timer)).status, 'done');
    });
  });

  describe('a handler that fails (the process died before the send)', () => {
    it('leaves the timer claimed, and another instance fires it once the lease has run out, not before', async () => {
      const timer = timerAt('AR-2026-00001', '2026-03-04T10:00:00Z');
      const other = timerAt('AR-2026-00002', '2026-03-04T11:00:00Z');
      await store.schedule(timer);
      await store.schedule(other);
      const record = recorder();
      const crashing = instance({ [REMIND]: record.handler('a', (t) => t.reference === timer.reference) }, { owner: 'instance-a', leaseMillis: 2 * MINUTE });
      const survivor = instance({ [REMIND]: record.handler('b') }, { owner: 'instance-b', leaseMillis: 2 * MINUTE }, otherProcessStore(tables));

      const crashed = await crashing.tick();
      assert.equal(crashed.failed, 1);
      assert.equal(crashed.fired, 1, 'the other due timer of the tick still fires');
      assert.deepEqual(record.keys(), [keyOf(other)]);
      const row = await rowOf(tables, timer);
      assert.equal(row.status, 'claimed');
      assert.equal(row.leaseOwner, 'instance-a');
      assert.equal(row.leaseUntil, new Date(T0.getTime() + 2 * MINUTE).toISOString());
      assert.ok(log.lines.some((line) => line.reference === timer.reference && /retried when its lease runs out/.test(line.msg)), 'the failure is logged');

      clock.advance(MINUTE);
      await survivor.tick();
      clock.set(new Date(T0.getTime() + 2 * MINUTE));
      await survivor.tick();
      assert.deepEqual(record.keys(), [keyOf(other)], 'nobody fires it while the lease runs');

      clock.advance(1);
      const retried = await survivor.tick();
      assert.equal(retried.fired, 1);
      assert.deepEqual(record.fired.map(({ key, by }) => `${by}: ${key}`), [`a: ${keyOf(other)}`, `b: ${keyOf(timer)}`], 'the survivor sent it');
      assert.equal((await rowOf(tables, timer)).status, 'done');

      clock.advance(10 * MINUTE);
      await Promise.all([survivor.tick(), crashing.tick()]);
      assert.equal(record.keys().filter((key) => key === keyOf(timer)).length, 1, 'fired once, by the survivor');
    });

    it('retries a timer the same instance failed on, once its own lease has run out', async () => {
      const timer = timerAt('AR-2026-00001', '2026-03-04T10:00:00Z');
      await store.schedule(timer);
      const record = recorder();
      let down = true;
      const scheduler = instance({ [REMIND]: record.handler('a', () => down) }, { leaseMillis: 5 * MINUTE });

      assert.equal((await scheduler.tick()).failed, 1);
      down = false;
      clock.advance(4 * MINUTE);
      await scheduler.tick();
      assert.deepEqual(record.keys(), [], 'still leased');
      clock.advance(2 * MINUTE);
      await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(timer)]);
    });
  });

  describe('one instance a day: the day\'s lease', () => {
    it('leaves a day to the instance that took it, even while it is still firing; once its lease runs out, another fires each timer once', async () => {
      const timers = Array.from({ length: 5 }, (_, i) => timerAt(`AR-2026-0000${i + 1}`, new Date(T0.getTime() - (i + 1) * MINUTE)));
      for (const timer of timers) await store.schedule(timer);
      const record = recorder();
      // Instance a hangs in its first handler (a stuck send), holding the day.
      let started!: () => void;
      const hanging = new Promise<void>((resolve) => { started = resolve; });
      const stuck = instance({ [REMIND]: async () => { started(); await new Promise(() => undefined); } }, { owner: 'instance-a', leaseMillis: 2 * MINUTE, concurrency: 1 });
      void stuck.tick();
      await hanging;
      const survivor = instance({ [REMIND]: record.handler('b') }, { owner: 'instance-b', leaseMillis: 2 * MINUTE }, otherProcessStore(tables));

      const whileHeld = await survivor.tick();
      assert.deepEqual(record.keys(), [], 'the day is instance a\'s while its lease runs');
      assert.equal(whileHeld.skipped, 5);
      clock.advance(2 * MINUTE);
      await survivor.tick();
      assert.deepEqual(record.keys(), [], 'not before the lease has run out');

      clock.advance(1);
      const taken = await survivor.tick();
      assert.equal(taken.fired, 5);
      assert.deepEqual(record.keys().sort(), timers.map(keyOf).sort());
      for (const timer of timers) assert.equal((await rowOf(tables, timer)).status, 'done');
      clock.advance(10 * MINUTE);
      await survivor.tick();
      assert.equal(record.keys().length, 5, 'each fired once');
    });

    it('writes a day\'s 150 timers in three round trips: the lease, then each batch\'s outcomes with the lease in one transaction', async () => {
      const timers = Array.from({ length: 150 }, (_, i) => timerAt(`AR-2026-${String(i + 1).padStart(5, '0')}`, new Date(T0.getTime() - DAY / 2 + i * 1000)));
      await Promise.all(timers.map((timer) => store.schedule(timer)));
      const record = recorder();
      const writes = ['createEntity', 'updateEntity', 'upsertEntity', 'deleteEntity', 'submitTransaction'].map((name) => sinon.spy(tables.timers, name as 'createEntity'));
      const scheduler = instance({ [REMIND]: record.handler('a') }, { lookbackDays: 0 });

      const report = await scheduler.tick();

      assert.equal(report.fired, 150);
      const byName = Object.fromEntries(writes.map((spy, i) => [['createEntity', 'updateEntity', 'upsertEntity', 'deleteEntity', 'submitTransaction'][i], spy.callCount]));
      // The one upsert is the cursor, moved on past the days with nothing left.
      assert.deepEqual(byName, { createEntity: 1, updateEntity: 0, upsertEntity: 1, deleteEntity: 0, submitTransaction: 2 });
      for (const timer of timers) assert.equal((await rowOf(tables, timer)).status, 'done');

      // Given back: another instance may take the day at once (a timer due later today).
      const later = timerAt('AR-2026-09999', new Date(T0.getTime() + MINUTE));
      await store.schedule(later);
      clock.advance(2 * MINUTE);
      const other = instance({ [REMIND]: record.handler('b') }, { owner: 'instance-b', lookbackDays: 0 }, otherProcessStore(tables));
      assert.equal((await other.tick()).fired, 1);
      assert.equal(record.fired.at(-1)!.by, 'b');
    });

    it('stops after the batch in hand when its lease ran out and another instance took the day, which alone fires the rest', async () => {
      const timers = Array.from({ length: 120 }, (_, i) => timerAt(`AR-2026-${String(i + 1).padStart(5, '0')}`, new Date(T0.getTime() - DAY / 2 + i * 1000)));
      await Promise.all(timers.map((timer) => store.schedule(timer)));
      const record = recorder();
      const other = instance({ [REMIND]: record.handler('b') }, { owner: 'instance-b', leaseMillis: 2 * MINUTE, lookbackDays: 0 }, otherProcessStore(tables));
      let tookOver: Promise<unknown> | undefined;
      // Instance a is so slow on its first batch that its lease runs out, and b takes the day meanwhile.
      const slow = instance({
        [REMIND]: async (timer, now) => {
          if (!tookOver) {
            clock.advance(3 * MINUTE);
            tookOver = other.tick();
            await tookOver;
          }
          await record.handler('a')(timer, now);
        },
      }, { owner: 'instance-a', leaseMillis: 2 * MINUTE, lookbackDays: 0, concurrency: 1 });

      const slowReport = await slow.tick();

      const counts = new Map<string, number>();
      for (const key of record.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
      // b fired all 120 while a was in its first batch; a fired its batch of 99 as well (it could not know), and
      // then stopped: the 21 after it are b's alone.
      assert.equal(slowReport.fired, 99);
      assert.equal(slowReport.skipped, 21);
      assert.deepEqual(timers.slice(99).map((timer) => counts.get(keyOf(timer))), Array(21).fill(1));
      assert.deepEqual([...counts.keys()].sort(), timers.map(keyOf).sort());
      for (const timer of timers) assert.equal((await rowOf(tables, timer)).status, 'done');
    });
  });

  describe('the day\'s lease against a slow tick, a lost lease and a changed row', () => {
    it('takes the day by the clock when the tick gets there: earlier days that took minutes do not leave it open to another instance', async () => {
      const yesterday = timerAt('AR-2026-00099', new Date(T0.getTime() - DAY));
      const today = Array.from({ length: 5 }, (_, i) => timerAt(`AR-2026-0000${i + 1}`, new Date(T0.getTime() - (i + 1) * MINUTE)));
      for (const timer of [yesterday, ...today]) await store.schedule(timer);
      const record = recorder();
      const other = instance({ [REMIND]: record.handler('b') }, { owner: 'instance-b', leaseMillis: 2 * MINUTE, lookbackDays: 1 }, otherProcessStore(tables));
      let otherTicked: Promise<unknown> | undefined;
      const slow = instance({
        [REMIND]: async (timer, now) => {
          // Yesterday's timer takes three minutes (a slow send), longer than a lease.
          if (timer.reference === yesterday.reference) clock.advance(3 * MINUTE);
          else otherTicked ??= other.tick();
          await record.handler('a')(timer, now);
        },
      }, { owner: 'instance-a', leaseMillis: 2 * MINUTE, lookbackDays: 1, concurrency: 1 });

      await slow.tick();
      await otherTicked;

      const counts = new Map<string, number>();
      for (const key of record.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
      assert.deepEqual([...counts.values()], Array(6).fill(1), 'each fired once');
      assert.deepEqual(record.fired.filter((entry) => entry.by === 'b'), [], 'today was instance a\'s while it fired it');
    });

    it('leaves a timer it failed on to the instance that took the day over, which completes it: it does not fire again', async () => {
      const timer = timerAt('AR-2026-00001', new Date(T0.getTime() - MINUTE));
      await store.schedule(timer);
      const record = recorder();
      let aDone!: () => void;
      const aSettled = new Promise<void>((resolve) => { aDone = resolve; });
      let bStarted!: () => void;
      const bFiring = new Promise<void>((resolve) => { bStarted = resolve; });
      const other = instance({
        [REMIND]: async (t, now) => {
          bStarted();
          await aSettled;
          await record.handler('b')(t, now);
        },
      }, { owner: 'instance-b', leaseMillis: 2 * MINUTE }, otherProcessStore(tables));
      let otherTick: Promise<unknown> | undefined;
      const failing = instance({
        [REMIND]: async () => {
          // Stuck past its lease: instance b takes the day and starts firing the same timer; then a's send fails.
          clock.advance(3 * MINUTE);
          otherTick = other.tick();
          await bFiring;
          throw new Error('the connector did not answer');
        },
      }, { owner: 'instance-a', leaseMillis: 2 * MINUTE });

      assert.equal((await failing.tick()).failed, 1);
      aDone();
      await otherTick;

      assert.equal((await rowOf(tables, timer)).status, 'done', 'instance b completed it');
      clock.advance(10 * MINUTE);
      await Promise.all([other.tick(), failing.tick()]);
      assert.deepEqual(record.fired.map(({ key, by }) => `${by}: ${key}`), [`b: ${keyOf(timer)}`], 'fired once, by b');
    });

    it('writes a batch row by row when one of its timers changed meanwhile, keeps the day, and goes on with the next batch', async () => {
      const timers = Array.from({ length: 120 }, (_, i) => timerAt(`AR-2026-${String(i + 1).padStart(5, '0')}`, new Date(T0.getTime() - DAY / 2 + i * 1000)));
      await Promise.all(timers.map((timer) => store.schedule(timer)));
      const changed = timers[1]!;
      const record = recorder();
      let touched = false;
      const scheduler = instance({
        [REMIND]: async (timer, now) => {
          if (!touched) {
            touched = true;
            // Something else writes one of the batch's rows (an instance of the version before day leases, claiming it).
            await tables.timers.updateEntity({ partitionKey: changed.dueAt.slice(0, 10), rowKey: `${changed.dueAt}|${changed.reference}|${changed.timer}`, status: 'claimed', leaseOwner: 'old-instance', leaseUntil: new Date(T0.getTime() + MINUTE).toISOString() }, 'Merge');
          }
          await record.handler('a')(timer, now);
        },
      }, { owner: 'instance-a', lookbackDays: 0, concurrency: 1 });

      const report = await scheduler.tick();

      assert.equal(report.fired, 120, 'the second batch fired too: the day was still this instance\'s');
      for (const timer of timers) assert.equal((await rowOf(tables, timer)).status, timer === changed ? 'claimed' : 'done');
      assert.equal((await rowOf(tables, changed)).leaseOwner, 'old-instance', 'the changed row is left to whoever changed it');
    });

    it('claims a row-keeping timer (an outbox retry) for the instance that fires it, and leaves its row to its handler, beside the day\'s other timers', async () => {
      const retry = timerAt('AR-2026-00001', new Date(T0.getTime() - 2 * MINUTE), 'outbox');
      const plain = Array.from({ length: 4 }, (_, i) => timerAt(`AR-2026-0000${i + 2}`, new Date(T0.getTime() - (i + 3) * MINUTE)));
      for (const timer of [retry, ...plain]) await store.schedule(timer);
      const record = recorder();
      const seen: Row[] = [];
      const handlers = (by: string): Record<string, AnyTimerHandler> => ({
        [REMIND]: record.handler(by),
        outbox: {
          keepsItsRow: true,
          fire: async (timer, now, claim) => {
            seen.push(await tables.timers.getEntity<Row>(claim.partitionKey, claim.rowKey));
            await record.handler(by)(timer, now);
          },
        },
      });
      const a = instance(handlers('a'), { owner: 'instance-a' });
      const b = instance(handlers('b'), { owner: 'instance-b' }, otherProcessStore(tables));

      await Promise.all([a.tick(), b.tick()]);
      clock.advance(MINUTE);
      await Promise.all([a.tick(), b.tick()]);

      const counts = new Map<string, number>();
      for (const key of record.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
      assert.deepEqual([...counts.values()], Array(5).fill(1), 'each fired once');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.status, 'claimed', 'the handler holds a claim on its row');
      const firedBy = record.fired.find((entry) => entry.key === keyOf(retry))!.by;
      assert.equal(seen[0]!.leaseOwner, `instance-${firedBy}`);
      assert.equal((await rowOf(tables, retry)).status, 'claimed', 'left as its handler left it, not completed by the scheduler');
      for (const timer of plain) assert.equal((await rowOf(tables, timer)).status, 'done');
    });
  });

  describe('cursor', () => {
    it('moves past days with nothing pending, so later ticks read only the lookback window', async () => {
      // The scheduler was last running ten days ago; timers came due since.
      const tenDaysAgo = new Date(T0.getTime() - 10 * DAY);
      await store.setOldestPendingDay(day(tenDaysAgo));
      const old = timerAt('AR-2026-00001', tenDaysAgo);
      const recent = timerAt('AR-2026-00002', new Date(T0.getTime() - 4 * DAY));
      for (const timer of [old, recent]) await store.schedule(timer);
      const record = recorder();
      const scheduler = instance({ [REMIND]: record.handler('a') }, { lookbackDays: 1 });

      const catchUp = await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(old), keyOf(recent)], 'a timer older than the lookback fires, thanks to the cursor');
      assert.equal(catchUp.daysRead, 11, 'from ten days ago to today');
      assert.equal(await store.oldestPendingDay(), '2026-03-03', 'the cursor moved on to the lookback (yesterday)');

      const next = await scheduler.tick();
      assert.equal(next.daysRead, 2, 'yesterday and today only');
    });

    it('holds the cursor at a day with a failed timer until that timer has fired, even while its lease hides it', async () => {
      const fiveDaysAgo = new Date(T0.getTime() - 5 * DAY);
      await store.setOldestPendingDay(day(new Date(T0.getTime() - 6 * DAY)));
      const failing = timerAt('AR-2026-00001', fiveDaysAgo);
      const fine = timerAt('AR-2026-00002', new Date(T0.getTime() - 3 * DAY));
      for (const timer of [failing, fine]) await store.schedule(timer);
      const record = recorder();
      let down = true;
      const handlers = { [REMIND]: record.handler('a', (timer) => down && timer.reference === failing.reference) };
      const scheduler = instance(handlers, { lookbackDays: 1, leaseMillis: 2 * MINUTE });

      await scheduler.tick();
      assert.deepEqual(record.keys(), [keyOf(fine)]);
      assert.equal(await store.oldestPendingDay(), day(fiveDaysAgo), 'the failed timer\'s day holds the cursor');

      clock.advance(MINUTE);
      await scheduler.tick();
      assert.equal(await store.oldestPendingDay(), day(fiveDaysAgo), 'still held while the lease runs and the timer is not due to anyone');

      down = false;
      clock.advance(2 * MINUTE);
      const retry = instance(handlers, { lookbackDays: 1, leaseMillis: 2 * MINUTE }, otherProcessStore(tables));
      await retry.tick();
      assert.deepEqual(record.keys(), [keyOf(fine), keyOf(failing)], 'fired once its lease ran out');
      assert.equal(await store.oldestPendingDay(), '2026-03-03', 'and then the cursor moves on');
    });
  });

  describe('unknown timers', () => {
    it('drops a timer no handler knows, with a warning, instead of retrying it for ever', async () => {
      const stray = timerAt('AR-2026-00001', '2026-03-04T10:00:00Z', 'takedown.remind');
      await store.schedule(stray);
      const record = recorder();
      const scheduler = instance({ [REMIND]: record.handler('a') }, { leaseMillis: MINUTE });

      const report = await scheduler.tick();
      assert.equal(report.failed, 0);
      assert.equal((await rowOf(tables, stray)).status, 'done');
      const warnings = () => log.lines.filter((line) => line.timer === 'takedown.remind' && line.level === 40);
      assert.equal(warnings().length, 1);
      assert.match(warnings()[0]!.msg, /no handler/);
      assert.equal(warnings()[0]!.reference, stray.reference);

      clock.advance(10 * MINUTE);
      await scheduler.tick();
      assert.equal(warnings().length, 1, 'not tried again');
      assert.deepEqual(record.keys(), []);
    });
  });

  describe('what it reads', () => {
    it('reads one day partition of the timers table a day, from the lookback to today, and no other table', async () => {
      await store.schedule(timerAt('AR-2026-00001', '2026-03-02T10:00:00Z'));
      const spies = Object.fromEntries(Object.entries(tables).map(([name, client]) => [name, sinon.spy(client, 'listEntities')]));
      const record = recorder();

      const report = await instance({ [REMIND]: record.handler('a') }, { lookbackDays: 3 }).tick();

      assert.equal(report.daysRead, 4);
      const timersSpy = spies.timers!;
      assert.equal(timersSpy.callCount, report.daysRead, 'one query a day read');
      const filters = timersSpy.getCalls().map((call) => String((call.args[0] as { queryOptions?: { filter?: string } } | undefined)?.queryOptions?.filter));
      ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'].forEach((expected, i) => {
        assert.match(filters[i]!, new RegExp(`^PartitionKey eq '${expected}' and `), `query ${i} reads only ${expected}`);
      });
      for (const [name, spy] of Object.entries(spies)) if (name !== 'timers') assert.equal(spy.callCount, 0, `${name} is not read`);
      assert.equal(record.keys().length, 1);
    });
  });
});
