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
import { createScheduler } from '../../src/scheduler/scheduler';
import { createTimerStore } from '../../src/store/timers';
import { accessRequestPresenter } from '../../src/workflows/access-request/presenter';
import { BotHarness, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, validForm } from './conversation-helpers';

/**
 * Two instances on one storage account, each with its own effect relay and scheduler (the real relay, scheduler,
 * notifier and stores, on Azurite, sending through the Bot Connector stand-in), and one clock the test moves: the
 * claim on a transition's retry timer keeps a peer's scheduler away from effects that are still being sent, however
 * long that takes, and a card whose send was cut short by a crash reaches its person at most twice (once when the
 * copy was recorded).
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
    /** One tick of this instance's scheduler: the retry timers it fired (recovered outboxes). */
    recover(): Promise<number>;
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
    const timers = createTimerStore(tables.timers);
    const relay = createEffectRelay({
      cases, inbox: createInbox(tables.inbox), timers, directory: bot.runtime.directory, notifier, logger,
      now: () => clock, instanceId: name,
      // A retry timer is claimed for a second only: after that, only the renewed claim keeps the peer away.
      recoveryGraceMs: SECOND, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
      presenters: { AR: accessRequestPresenter(loadCardTemplates(), createWorkingTime()) },
    });
    const scheduler = createScheduler({ timers, handlers: relay.timerHandlers(), now: () => clock, logger, owner: `${name}-scheduler` });
    return { relay, cases, recover: async () => (await scheduler.tick()).fired };
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
      // The connector takes its time over the manager's card: the retry timer's first claim is long past when it answers.
      send: async (_person, go) => {
        tick(2 * MINUTE);
        recovered.push(await peer.recover());
        return go();
      },
    });
    turnsUse(slow.relay);
    await bot.click('alex', 'accessRequest.submit', validForm());
    await slow.relay.idle();
    await peer.relay.idle();
    assert.deepEqual(recovered, [0], 'the peer\'s scheduler found the retry timer still claimed: the sender renewed it before the send');
    assert.equal(delivered('megan', ASKS), 1, 'the manager got the request once');
    tick(10 * MINUTE);
    assert.equal(await peer.recover(), 0, 'nothing is left: the sender deleted its retry timer');
    assert.equal(delivered('megan', ASKS), 1);
  });

  it('sends one card when a drain outlasts its lease: the sender renews it, so the peer never takes the case', async () => {
    const leaseMs = 600;
    const peer = instance('peer', { leaseMs });
    let recoveries = 0;
    let calls = 0;
    let connector = Promise.resolve();
    // A connector that answers one call at a time, each taking two thirds of a lease by the clock; meanwhile the
    // sender's heartbeat (every sixth of a lease, in real time) renews its claim, and the peer's scheduler looks.
    const slow = instance('slow', {
      leaseMs,
      send: (_person, go) => {
        const turn = connector.then(async () => {
          calls++;
          tick((2 * leaseMs) / 3);
          await new Promise((resolve) => setTimeout(resolve, leaseMs / 2));
          recoveries += await peer.recover();
        });
        connector = turn;
        return turn.then(go);
      },
    });
    turnsUse(slow.relay);
    await bot.click('alex', 'accessRequest.submit', validForm(), 'form-message');
    await slow.relay.idle();
    const callsBefore = bot.connector.calls.length;
    const started = clock.getTime();
    calls = 0;
    await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
    await slow.relay.idle();
    await peer.relay.idle();
    assert.ok(calls >= 2 && clock.getTime() - started > leaseMs, `the drain took longer than one lease (${calls} calls)`);
    assert.equal(recoveries, 0, 'the peer never took the outbox over');
    assert.equal(delivered('alex', APPROVED), 1, 'the requester was told once');
    const updates = bot.connector.calls.slice(callsBefore).filter((call) => call.method === 'PUT');
    assert.equal(new Set(updates.map((call) => call.activityId)).size, updates.length, 'each earlier copy was updated once');
    tick(10 * MINUTE);
    assert.equal(await peer.recover(), 0, 'nothing is left');
  });

  it('stops a drain whose lease another instance took over mid-send, and leaves the rest to it', async () => {
    const leaseMs = 30 * SECOND;
    const peer = instance('peer', { leaseMs });
    let stalls = 1;
    // One connector call outlasts the whole lease (the heartbeat never ran): the peer takes the outbox meanwhile.
    const stalled = instance('stalled', {
      leaseMs,
      send: async (_person, go) => {
        if (stalls-- > 0) {
          tick(2 * MINUTE);
          await peer.recover();
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
    assert.equal(delivered('alex', APPROVED), 1, 'the requester was told once');
    tick(10 * MINUTE);
    assert.equal(await peer.recover(), 0, 'nothing is left');
  });

  it('sends a transition\'s effects at once while a peer is still to retry an earlier transition of the same case', async () => {
    const megansChat = bot.personalConversation('megan');
    bot.connector.faults.set(megansChat, Array.from({ length: 4 }, () => ({ status: 503, retryAfterSeconds: 0 })));
    await bot.click('alex', 'accessRequest.submit', validForm());
    await bot.idle();
    assert.equal(delivered('megan', ASKS), 0, 'the manager\'s card failed; its retry timer waits 30 s');
    const own = instance('own');
    turnsUse(own.relay);
    await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
    await own.relay.idle();
    assert.equal(delivered('alex', APPROVED), 1, 'the approval\'s own effects did not wait for the earlier transition\'s retry');
    const toMegan = () => bot.connector.delivered.filter((call) => call.conversationId === megansChat && call.method === 'POST').length;
    const welcomeOnly = toMegan();
    const peer = instance('peer');
    tick(MINUTE);
    assert.equal(await peer.recover(), 1, 'the earlier transition\'s retry timer fired on the peer');
    assert.equal(toMegan(), welcomeOnly + 1, 'and the manager got that card once');
    tick(10 * MINUTE);
    assert.equal(await peer.recover(), 0, 'nothing is left');
  });

  describe('an instance that dies while it sends', () => {
    /** A promise that never settles: the process is gone. */
    const forever = () => new Promise<never>(() => undefined);

    it('updates the earlier copy in place when the dying instance had recorded it, so the manager sees one card', async () => {
      const dying = instance('dying');
      // Killed after the connector took the card and its copy was recorded, before the outbox row was removed.
      let died = false;
      sinon.stub(dying.cases, 'completeEffects').callsFake(async (reference, rowKeys) => {
        if (rowKeys.includes(NOTIFY_APPROVER)) {
          died = true;
          return forever();
        }
        return createCaseStore(bot.tables.cases).completeEffects(reference, rowKeys);
      });
      turnsUse(dying.relay);
      await bot.click('alex', 'accessRequest.submit', validForm());
      await until(() => delivered('megan', ASKS) === 1);
      // Dead only once its drain is done with everything else: a send still running would renew its claim (by design).
      await until(() => died);
      const peer = instance('peer');
      tick(4 * MINUTE); // the dead instance's claim on the retry timer has run out
      assert.equal(await peer.recover(), 1);
      assert.equal(delivered('megan', ASKS), 1, 'no second card');
      const updated = bot.connector.delivered.filter((call) => call.conversationId === bot.personalConversation('megan') && call.method === 'PUT');
      const [copy] = (await peer.cases.cardCopies(AR1)).filter((card) => card.viewerId === PEOPLE.megan.id);
      assert.deepEqual(updated.map((call) => call.activityId), [copy?.activityId], 'the card that reached her was updated in place instead');
      assert.equal(await peer.recover(), 0, 'nothing is left');
    });

    it('repeats a card at most once when it died before the connector\'s answer gave it the card\'s id', async () => {
      const dying = instance('dying', { send: async (_person, go) => { await go(); return forever(); } });
      turnsUse(dying.relay);
      await bot.click('alex', 'accessRequest.submit', validForm());
      await until(() => delivered('megan', ASKS) === 1);
      const peer = instance('peer');
      tick(4 * MINUTE);
      assert.equal(await peer.recover(), 1);
      assert.equal(delivered('megan', ASKS), 2, 'the one documented repeat: nothing recorded which activity the first send made');
      assert.equal(await peer.recover(), 0);
      assert.equal(delivered('megan', ASKS), 2, 'and no more');
    });
  });
});

/** Polls (real time) until a background send has reached the connector stand-in. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'the background send reached the connector');
}
