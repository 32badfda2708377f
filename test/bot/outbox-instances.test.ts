import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import sinon from 'sinon';
import { loadCardTemplates } from '../../src/cards/render';
import { createWorkingTime } from '../../src/domain/working-time';
import { createLogger } from '../../src/logger';
import { createConversationStore } from '../../src/store/conversations';
import { createEffectRelay, EffectRelay } from '../../src/cases/relay';
import { createNotifier, Notifier } from '../../src/bot/notifier';
import { createConversationRateLimiter } from '../../src/bot/rate-limit';
import { CaseStore, createCaseStore } from '../../src/store/case-store';
import { createInbox } from '../../src/store/inbox';
import { createLeaseStore } from '../../src/store/leases';
import { createTimerStore } from '../../src/store/timers';
import { accessRequestPresenter } from '../../src/workflows/access-request/presenter';
import { BotHarness, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, validForm } from './conversation-helpers';

/**
 * Two instances on one storage account, each with its own effect relay (the real relay, notifier and stores, on
 * Azurite, sending through the Bot Connector stand-in), and one clock the test moves: the outbox lease keeps a
 * peer's recovery away from a case whose effects are still being sent, however long that takes, and a card
 * whose send was cut short by a crash reaches its person at most twice (once when the copy was recorded).
 */
const AR1 = 'AR-2026-00001';
const ASKS = /Alex Wilber asks for view access/;
const APPROVED = /approved your request/;
/** The submit's outbox: card refresh, inbox, the approver's notification, two timers. */
const NOTIFY_APPROVER = 'out-000001-002';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('outbox delivery with two instances (Azurite)', () => {
  let bot: BotHarness;
  let clock: Date;
  const tick = (millis: number) => { clock = new Date(clock.getTime() + millis); };

  beforeEach(async () => {
    clock = NOW;
    bot = await new BotHarness({ now: () => clock }).start();
    for (const person of ['alex', 'megan'] as const) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  interface Instance {
    readonly relay: EffectRelay;
    readonly cases: CaseStore;
  }

  /** One instance's relay on the bot's tables; `send` wraps its notifier's sends (a slow or dying connector). */
  function instance(name: string, options: { leaseMs?: number; send?: (person: string, go: () => Promise<unknown>) => Promise<unknown> } = {}): Instance {
    const { tables } = bot;
    const logger = createLogger('silent', new Writable({ write(_chunk, _encoding, done) { done(); } }));
    const real = createNotifier({
      adapter: bot.runtime.adapter, botAppId: '', conversations: createConversationStore(tables.conversations), logger,
      limiter: createConversationRateLimiter({ limits: [] }),
    });
    const send = options.send ?? ((_person, go) => go());
    const notifier: Notifier = {
      sendCard: async (userId, card) => (await send(userId, () => real.sendCard(userId, card))) as Awaited<ReturnType<Notifier['sendCard']>>,
      updateCard: async (copy, card) => (await send(copy.viewerId, () => real.updateCard(copy, card))) as Awaited<ReturnType<Notifier['updateCard']>>,
    };
    const cases = createCaseStore(tables.cases);
    const relay = createEffectRelay({
      cases, inbox: createInbox(tables.inbox), timers: createTimerStore(tables.timers), directory: bot.runtime.directory, notifier, logger,
      now: () => clock, leases: createLeaseStore(tables.timers, 'outbox-recovery'), instanceId: name,
      // The peer's recovery would take any effect older than a second: only the lease keeps it away.
      recoveryGraceMs: SECOND, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
      presenters: { AR: accessRequestPresenter(loadCardTemplates(), createWorkingTime()) },
    });
    return { relay, cases };
  }

  /** The turns of the bot under test hand their effects to `relay` (the instance that took the request). */
  function turnsUse(relay: EffectRelay): void {
    bot.runtime.relay.dispatch = relay.dispatch;
  }

  /** New cards the connector accepted into a person's chat matching `pattern` (sends, not in-place updates). */
  function delivered(person: PersonKey, pattern: RegExp): number {
    return bot.connector.delivered.filter((call) => call.conversationId === bot.personalConversation(person) && call.method === 'POST'
      && call.body.attachments && pattern.test(cardText((call.body.attachments as { content: unknown }[])[0]!.content))).length;
  }

  it('sends one card when the sending instance is still sending after the grace, while the other recovers', async () => {
    const peer = instance('peer');
    const recovered: number[] = [];
    const slow = instance('slow', {
      // The connector takes its time over the manager's card: recovery's grace is long past when it answers.
      send: async (_person, go) => {
        tick(2 * MINUTE);
        recovered.push(await peer.relay.recoverAll());
        return go();
      },
    });
    turnsUse(slow.relay);
    await bot.click('alex', 'accessRequest.submit', validForm());
    await slow.relay.idle();
    await peer.relay.idle();
    assert.deepEqual(recovered, [1], 'the peer saw the waiting effects while the card was on its way');
    assert.equal(delivered('megan', ASKS), 1, 'the manager got the request once');
    assert.equal(await peer.relay.recoverAll(), 0, 'nothing is left');
    assert.equal(delivered('megan', ASKS), 1);
  });

  it('sends one card when a drain outlasts its lease: the sender renews it, so the peer never takes the case', async () => {
    const leaseMs = 30 * SECOND;
    const peer = instance('peer', { leaseMs });
    let recoveries = 0;
    // Every connector call takes 20 s by the clock (two thirds of a lease); the approval's drain makes three.
    const slow = instance('slow', {
      leaseMs,
      send: async (_person, go) => {
        tick(20 * SECOND);
        recoveries += await peer.relay.recoverAll();
        return go();
      },
    });
    turnsUse(slow.relay);
    await bot.click('alex', 'accessRequest.submit', validForm(), 'form-message');
    await slow.relay.idle();
    const callsBefore = bot.connector.calls.length;
    const started = clock.getTime();
    await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
    await slow.relay.idle();
    await peer.relay.idle();
    assert.ok(clock.getTime() - started > leaseMs, 'the drain took longer than one lease');
    assert.ok(recoveries >= 3, 'the peer looked for leftover effects during every send');
    assert.equal(delivered('alex', APPROVED), 1, 'the requester was told once');
    const updates = bot.connector.calls.slice(callsBefore).filter((call) => call.method === 'PUT');
    assert.equal(new Set(updates.map((call) => call.activityId)).size, updates.length, 'each earlier copy was updated once');
    assert.equal(await peer.relay.recoverAll(), 0, 'nothing is left');
  });

  it('stops a drain whose lease another instance took over mid-send, and leaves the rest to it', async () => {
    const leaseMs = 30 * SECOND;
    const peer = instance('peer', { leaseMs });
    let stalls = 1;
    // One connector call outlasts the whole lease (the heartbeat never ran): the peer takes the case meanwhile.
    const stalled = instance('stalled', {
      leaseMs,
      send: async (_person, go) => {
        if (stalls-- > 0) {
          tick(2 * MINUTE);
          await peer.relay.recoverAll();
        }
        return go();
      },
    });
    await bot.click('alex', 'accessRequest.submit', validForm(), 'form-message');
    await bot.idle();
    turnsUse(stalled.relay);
    await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
    await stalled.relay.idle();
    await peer.relay.idle();
    assert.equal(delivered('alex', APPROVED), 1, 'the requester was told once, by the peer');
    assert.equal(await peer.relay.recoverAll(), 0, 'nothing is left');
  });

  it('waits for a peer that holds the case for a moment, then sends its own effects at once', async () => {
    await bot.click('alex', 'accessRequest.submit', validForm());
    await bot.idle();
    const own = instance('own');
    turnsUse(own.relay);
    // The peer's recovery holds the case (it is retrying an older effect) when the approval is stored.
    const leases = createLeaseStore(bot.tables.timers, 'outbox-recovery');
    const peersLease = await leases.acquire(AR1, 'peer', clock, new Date(clock.getTime() + MINUTE));
    assert.ok(peersLease);
    setTimeout(() => void leases.release(peersLease), 300);
    await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
    await own.relay.idle();
    assert.equal(delivered('alex', APPROVED), 1, 'told without waiting for recovery\'s grace');
  });

  describe('an instance that dies while it sends', () => {
    /** A promise that never settles: the process is gone. */
    const forever = () => new Promise<never>(() => undefined);

    it('updates the earlier copy in place when the dying instance had recorded it, so the manager sees one card', async () => {
      const dying = instance('dying');
      // Killed after the connector took the card and its copy was recorded, before the outbox row was removed.
      sinon.stub(dying.cases, 'completeEffect').callsFake(async (reference, rowKey) => {
        if (rowKey === NOTIFY_APPROVER) return forever();
        return createCaseStore(bot.tables.cases).completeEffect(reference, rowKey);
      });
      turnsUse(dying.relay);
      await bot.click('alex', 'accessRequest.submit', validForm());
      await until(() => delivered('megan', ASKS) === 1);
      const peer = instance('peer');
      tick(4 * MINUTE); // the dead instance's lease has run out
      assert.equal(await peer.relay.recoverAll(), 1);
      assert.equal(delivered('megan', ASKS), 1, 'no second card');
      const updated = bot.connector.delivered.filter((call) => call.conversationId === bot.personalConversation('megan') && call.method === 'PUT');
      const [copy] = (await peer.cases.cardCopies(AR1)).filter((card) => card.viewerId === PEOPLE.megan.id);
      assert.deepEqual(updated.map((call) => call.activityId), [copy?.activityId], 'the card that reached her was updated in place instead');
      assert.equal(await peer.relay.recoverAll(), 0, 'nothing is left');
    });

    it('repeats a card at most once when it died before the connector\'s answer gave it the card\'s id', async () => {
      const dying = instance('dying', { send: async (_person, go) => { await go(); return forever(); } });
      turnsUse(dying.relay);
      await bot.click('alex', 'accessRequest.submit', validForm());
      await until(() => delivered('megan', ASKS) === 1);
      const peer = instance('peer');
      tick(4 * MINUTE);
      assert.equal(await peer.relay.recoverAll(), 1);
      assert.equal(delivered('megan', ASKS), 2, 'the one documented repeat: nothing recorded which activity the first send made');
      assert.equal(await peer.relay.recoverAll(), 0);
      assert.equal(delivered('megan', ASKS), 2, 'and no more');
    });
  });
});

/** Polls (real time) until a background send has reached the connector stand-in. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'the background send reached the connector');
}
