import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { createConversationRateLimiter } from '../../src/bot/rate-limit';
import { OUTBOX_TIMER } from '../../src/cases/outbox-lease';
import { RECOVERY_GRACE_MS } from '../../src/cases/relay';
import { buildRuntime, Runtime } from '../../src/runtime';
import { AzuriteProcess, startAzurite } from '../../src/store/azurite-process';
import { createCaseStore } from '../../src/store/case-store';
import { azuriteConnectionString, ensureTables, openTables, Tables } from '../../src/store/tables';
import { BotHarness, CardJson, cardText, HttpAnswer } from '../support/bot-harness';
import { NOW, submitReport, submitRequest, validForm } from '../bot/conversation-helpers';

/**
 * The faults of the issue: storage going away mid-turn (a real Azurite process stopped and restarted),
 * Teams delivering the same activity twice, the process dying between a transition and its effects, and
 * the Bot Connector failing proactive sends (429, 500, resets, requests that never get an answer).
 */

const AR1 = 'AR-2026-00001';
const AR2 = 'AR-2026-00002';
const ASKS = /Alex Wilber asks for view access/;
const APPROVED = /approved your request/;
const APOLOGY = /^Sorry, something went wrong on our side and nothing was changed\. Please try again in a minute\. \(Reference ([0-9a-f]{8})\.\)$/;
/** What a stack trace or an internal error would leak into a chat. */
const INTERNALS = /\bat .+:\d+|Error:|ECONNREFUSED|RestError|node_modules|\.ts\b|127\.0\.0\.1/;

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string };

async function allRows(table: TableClient, filter?: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of table.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {})) rows.push(row as Row);
  return rows;
}

/** Cards the stand-in accepted (a faulted call delivered nothing) as new messages in this person's chat, matching `pattern`. */
function deliveredCards(bot: BotHarness, person: Parameters<BotHarness['activity']>[0], pattern: RegExp): CardJson[] {
  return bot.connector.delivered
    .filter((call) => call.conversationId === bot.personalConversation(person) && call.method === 'POST' && call.body.attachments)
    .map((call) => (call.body.attachments as { content: CardJson }[])[0]!.content)
    .filter((card) => pattern.test(cardText(card)));
}

const outboxRows = (bot: BotHarness, reference: string) =>
  allRows(bot.tables.cases, odata`PartitionKey eq ${reference} and RowKey ge 'out-' and RowKey lt 'out.'`);

async function eventTypes(bot: BotHarness, reference: string): Promise<string[]> {
  return (await createCaseStore(bot.tables.cases).events(reference)).map((event) => (event as { type: string }).type);
}

/** The invoke Teams sends when a button is pressed: posted as is, so the very same activity (same id) can be posted again. */
function buttonPress(bot: BotHarness, person: Parameters<BotHarness['activity']>[0], verb: string, data: Record<string, unknown>) {
  return bot.activity(person, {
    type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-msg',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  });
}

/** The card an invoke was answered with (the invoke response body). */
function answeredCard(answer: HttpAnswer): CardJson {
  const body = answer.body as { type?: string; value?: CardJson } | undefined;
  assert.equal(answer.status, 200, `the invoke answered ${answer.status}`);
  assert.equal(body?.type, 'application/vnd.microsoft.card.adaptive', 'a card answers the invoke');
  return body!.value!;
}

/**
 * Every case is whole: a snapshot whose version is its number of audit events, in order from ev-000001;
 * and no outbox, timer, inbox line or form claim points at a case that does not exist.
 */
async function assertNothingPartial(bot: BotHarness): Promise<void> {
  const rows = await allRows(bot.tables.cases);
  const references = [...new Set(rows.map((row) => row.partitionKey))];
  for (const reference of references) {
    const own = rows.filter((row) => row.partitionKey === reference);
    const snapshot = own.find((row) => row.rowKey === 'case');
    assert.ok(snapshot, `${reference} has rows (${own.map((row) => row.rowKey).join(', ')}) but no snapshot`);
    const events = own.filter((row) => row.rowKey.startsWith('ev-')).map((row) => row.rowKey).sort();
    assert.deepEqual(events, Array.from({ length: Number(snapshot.version) }, (_, i) => `ev-${String(i + 1).padStart(6, '0')}`),
      `${reference}: its events are exactly those of its version ${String(snapshot.version)}`);
  }
  const cases = new Set(references);
  for (const timer of await allRows(bot.tables.timers)) {
    // An outbox's retry timer is written before its transition is stored: one whose transaction never made it
    // (storage went mid-turn) fires once, finds nothing to recover, and is deleted.
    if (timer.timer && timer.timer !== OUTBOX_TIMER) assert.ok(cases.has(String(timer.reference)), `timer for a missing case: ${timer.rowKey}`);
  }
  for (const line of await allRows(bot.tables.inbox)) assert.ok(cases.has(String(line.reference)), `inbox line for a missing case: ${line.rowKey}`);
  for (const claim of await allRows(bot.tables.idempotency)) {
    if (claim.rowKey !== 'staged-evidence' && claim.reference) assert.ok(cases.has(String(claim.reference)), `form claim for a missing case: ${String(claim.reference)}`);
  }
}

/** The bot as a restarted process would build it: a new runtime on the same tables, reaching the same connector. */
function restartedRuntime(bot: BotHarness, now: () => Date): Runtime {
  return buildRuntime({
    tables: bot.tables, bot: { appId: '', appPassword: '', appType: 'SingleTenant', tenantId: '' },
    allowedTenantIds: [], closureDays: [], rateLimiter: createConversationRateLimiter({ limits: [] }),
    logger: createLogger('silent', new Writable({ write(_chunk, _encoding, done) { done(); } })), now,
  });
}

describe('faults', function () {
  // A turn against stopped storage takes several seconds: the storage client retries refused connections (about 7 s).
  this.timeout(120_000);

  describe('storage down: a real Azurite process stopped and restarted', () => {
    let dataDir: string;
    let azurite: AzuriteProcess;
    let port: number;
    let tables: Tables;
    let bot: BotHarness;
    let storageUp = true;

    async function stopStorage(): Promise<void> {
      await azurite.stop();
      storageUp = false;
    }

    async function restartStorage(): Promise<void> {
      azurite = await startAzurite({ port, dataDir });
      storageUp = true;
      const deadline = Date.now() + 20_000;
      while ((await bot.get('/readyz')).status !== 200) {
        assert.ok(Date.now() < deadline, '/readyz stays red after storage came back');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    /** Stops Azurite the next time a case transaction is about to be sent: the turn has read the case and decided. */
    function stopStorageBeforeNextTransaction(): void {
      const original = tables.cases.submitTransaction.bind(tables.cases);
      tables.cases.submitTransaction = async (actions: TransactionAction[]) => {
        tables.cases.submitTransaction = original;
        await stopStorage();
        return original(actions);
      };
    }

    before(async () => {
      // A data folder, so what was stored survives the restart (as with a real storage account).
      dataDir = mkdtempSync(path.join(tmpdir(), 'faults-azurite-'));
      azurite = await startAzurite({ port: 0, dataDir });
      port = azurite.port;
      const prefix = `f${randomBytes(5).toString('hex')}`;
      tables = openTables({ kind: 'connectionString', connectionString: azuriteConnectionString(port) }, prefix);
      await ensureTables(tables);
      bot = await new BotHarness({ now: () => NOW, tables: { tables, prefix } }).start();
      await bot.install('alex');
      await bot.install('megan');
      await submitRequest(bot, 'alex');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1);
    });

    after(async () => {
      if (!storageUp) await restartStorage().catch(() => undefined);
      await bot?.stop();
      await azurite?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers a message and a card action with one short apology and a reference code, and /readyz goes red while /healthz stays green', async () => {
      await stopStorage();
      const meganChat = bot.personalConversation('megan');
      const textsBefore = bot.connector.textsIn(meganChat).length;

      const said = await bot.say('megan', 'my requests');
      assert.equal(said.status, 200, 'the message is taken (no 500 for Teams to retry)');
      const texts = bot.connector.textsIn(meganChat).slice(textsBefore);
      assert.equal(texts.length, 1, 'one reply');
      assert.match(texts[0]!, APOLOGY);
      assert.doesNotMatch(texts[0]!, INTERNALS);

      const pressed = await bot.post('/api/messages', buttonPress(bot, 'megan', 'accessRequest.approve', { reference: AR1, comment: '' }));
      const card = answeredCard(pressed);
      const text = cardText(card);
      assert.match(text, /Something went wrong/);
      const lines = text.split('\n').filter((line) => APOLOGY.test(line));
      assert.equal(lines.length, 1, `one apology with a reference code: ${text}`);
      assert.doesNotMatch(JSON.stringify(card), INTERNALS);
      const code = APOLOGY.exec(lines[0]!)![1]!;
      assert.ok(bot.logLines.some((line) => line.includes(code) && line.includes('turn failed')), 'the code finds the log line');

      const ready = await bot.get('/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body, { status: 'storage unreachable' });
      assert.equal((await bot.get('/healthz')).status, 200, 'the process itself is fine: no restart needed');
      await bot.idle();
      assert.equal(deliveredCards(bot, 'alex', APPROVED).length, 0, 'nobody was told of an approval that did not happen');
    });

    it('is ready again once storage returns, and the same approval then works, once', async () => {
      await restartStorage();
      assert.deepEqual((await bot.get('/readyz')).body, { status: 'ready' });
      const { card } = await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
      assert.match(cardText(card), /You approved this request/);
      await bot.idle();
      assert.deepEqual((await eventTypes(bot, AR1)).filter((type) => type === 'ApprovedByManager'), ['ApprovedByManager'], 'exactly one decision');
      assert.equal(deliveredCards(bot, 'alex', APPROVED).length, 1, 'the requester is told once');
      assert.deepEqual(await outboxRows(bot, AR1), [], 'every effect was carried out');
    });

    it('stores nothing of a submit and of an approval cut off mid-turn, and the same actions work once storage returns', async () => {
      // The request form: the reference is taken and the form claimed, then storage goes before the case is written.
      const form = validForm();
      stopStorageBeforeNextTransaction();
      const cut = cardText(answeredCard(await bot.post('/api/messages', buttonPress(bot, 'alex', 'accessRequest.submit', form))));
      assert.match(cut, /Something went wrong/);
      assert.match(cut, /Reference [0-9a-f]{8}/);
      await bot.idle();
      await restartStorage();
      assert.equal(await createCaseStore(bot.tables.cases).load(AR2), undefined, 'no case was stored');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'the approver heard of nothing new');

      // Sending the very same form again (same form id) makes the request, once.
      const sent = cardText(answeredCard(await bot.post('/api/messages', buttonPress(bot, 'alex', 'accessRequest.submit', form))));
      assert.match(sent, /Sent to Megan Bowen for approval/, 'the form is not stuck as "already being sent"');
      assert.match(sent, new RegExp(AR2));
      await bot.idle();
      assert.deepEqual(await eventTypes(bot, AR2), ['AccessRequested']);
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 2, 'the approver is asked once about the second request');
      const again = cardText(answeredCard(await bot.post('/api/messages', buttonPress(bot, 'alex', 'accessRequest.submit', form))));
      assert.match(again, /This request was already sent/);

      // The approval: decided, then storage goes before the decision is written.
      stopStorageBeforeNextTransaction();
      const cutApproval = cardText(answeredCard(await bot.post('/api/messages', buttonPress(bot, 'megan', 'accessRequest.approve', { reference: AR2, comment: '' }))));
      assert.match(cutApproval, /Something went wrong/);
      await restartStorage();
      assert.deepEqual(await eventTypes(bot, AR2), ['AccessRequested'], 'no decision was stored');
      const { card } = await bot.click('megan', 'accessRequest.approve', { reference: AR2, comment: '' });
      assert.match(cardText(card), /You approved this request/);
      await bot.idle();
      assert.deepEqual(await eventTypes(bot, AR2), ['AccessRequested', 'ApprovedByManager']);
      assert.equal(deliveredCards(bot, 'alex', APPROVED).length, 2, 'one approval notice for each request');
    });

    it('left nothing partial behind: every case whole, no orphan outbox rows, timers, inbox lines or form claims', async () => {
      await bot.idle();
      assert.deepEqual((await allRows(bot.tables.cases)).filter((row) => row.rowKey.startsWith('out-')).map((row) => row.rowKey), [], 'no effect was left waiting');
      // The retry timers of the turns that storage cut short fire after the grace, find nothing, and go.
      bot.advanceClock(RECOVERY_GRACE_MS + 1000);
      await bot.runtime.scheduler.tick();
      assert.deepEqual((await allRows(bot.tables.timers)).filter((row) => row.timer === OUTBOX_TIMER).map((row) => row.rowKey), [], 'no retry timer is left');
      const snapshots = (await allRows(bot.tables.cases)).filter((row) => row.rowKey === 'case').map((row) => row.partitionKey).sort();
      assert.deepEqual(snapshots, [AR1, AR2]);
      await assertNothingPartial(bot);
    });
  });

  describe('duplicate deliveries: the same activity (same id) twice', () => {
    let bot: BotHarness;
    beforeEach(async () => {
      bot = await new BotHarness({ now: () => NOW }).start();
      for (const person of ['alex', 'megan', 'isaiah'] as const) await bot.install(person);
    });
    afterEach(async () => bot.stop());

    it('opens one case from a form submit delivered twice, one after the other', async () => {
      const activity = buttonPress(bot, 'alex', 'accessRequest.submit', validForm());
      const first = cardText(answeredCard(await bot.post('/api/messages', activity)));
      const second = cardText(answeredCard(await bot.post('/api/messages', activity)));
      await bot.idle();
      assert.match(first, /Sent to Megan Bowen for approval/);
      assert.match(second, /This request was already sent/);
      assert.match(second, new RegExp(AR1), 'the repeat shows the case the first made');
      assert.deepEqual((await allRows(bot.tables.cases)).filter((row) => row.rowKey === 'case').map((row) => row.partitionKey), [AR1]);
      assert.deepEqual(await eventTypes(bot, AR1), ['AccessRequested']);
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'the approver is asked once');
      await assertNothingPartial(bot);
    });

    it('opens one case from a form submit delivered twice at the same time', async () => {
      const activity = buttonPress(bot, 'alex', 'accessRequest.submit', validForm());
      const answers = await Promise.all([bot.post('/api/messages', activity), bot.post('/api/messages', activity)]);
      answers.forEach(answeredCard);
      await bot.idle();
      assert.deepEqual((await allRows(bot.tables.cases)).filter((row) => row.rowKey === 'case').length, 1, 'one case');
      const [reference] = (await allRows(bot.tables.cases)).filter((row) => row.rowKey === 'case').map((row) => row.partitionKey);
      assert.deepEqual(await eventTypes(bot, reference!), ['AccessRequested']);
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'the approver is asked once');
      await assertNothingPartial(bot);
    });

    it('records one decision and tells the requester once when an approval is delivered twice (in turn, and at the same time)', async () => {
      await submitRequest(bot, 'alex');
      await submitRequest(bot, 'alex');
      const activity = buttonPress(bot, 'megan', 'accessRequest.approve', { reference: AR1, comment: '' });
      const first = cardText(answeredCard(await bot.post('/api/messages', activity)));
      const second = cardText(answeredCard(await bot.post('/api/messages', activity)));
      assert.match(first, /You approved this request/);
      assert.match(second, new RegExp(`${AR1}\nActive\n`), 'the repeat shows the case as it is');
      assert.doesNotMatch(second, /You approved this request|Something went wrong/, 'and changes nothing');
      const together = buttonPress(bot, 'megan', 'accessRequest.approve', { reference: AR2, comment: '' });
      (await Promise.all([bot.post('/api/messages', together), bot.post('/api/messages', together)])).forEach(answeredCard);
      await bot.idle();
      for (const reference of [AR1, AR2]) {
        assert.deepEqual(await eventTypes(bot, reference), ['AccessRequested', 'ApprovedByManager'], `${reference}: one decision`);
      }
      assert.equal(deliveredCards(bot, 'alex', APPROVED).length, 2, 'one notice to the requester for each request');
      await assertNothingPartial(bot);
    });

    it('adds a note to an AINM record once when the action is delivered twice', async () => {
      await submitReport(bot, 'alex');
      const activity = buttonPress(bot, 'megan', 'abuseReport.addNote', { reference: 'AINM-2026-00001', note: 'Spoke to Alex; the page admins are hiding his comments.' });
      answeredCard(await bot.post('/api/messages', activity));
      answeredCard(await bot.post('/api/messages', activity));
      await bot.idle();
      assert.deepEqual((await eventTypes(bot, 'AINM-2026-00001')).filter((type) => type === 'NoteAdded'), ['NoteAdded']);
    });
  });

  describe('the process killed between a transition and its notifications', () => {
    let bot: BotHarness;
    beforeEach(async () => {
      bot = await new BotHarness({ now: () => NOW }).start();
      await bot.install('alex');
      await bot.install('megan');
    });
    afterEach(async () => bot.stop());

    it('carries the effects out after a restart: the approver gets the card once, the timers and inbox lines are written', async () => {
      // The first process commits the transition (snapshot, events, outbox) and dies before carrying out any effect.
      bot.runtime.relay.dispatch = () => undefined;
      const { card } = await bot.click('alex', 'accessRequest.submit', validForm());
      assert.match(cardText(card), /Sent to Megan Bowen for approval/, 'the turn itself was answered');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 0);
      assert.equal((await outboxRows(bot, AR1)).length > 0, true, 'the effects wait in the outbox');
      assert.deepEqual((await allRows(bot.tables.timers)).map((row) => `${String(row.timer)} ${String(row.reference)} ${String(row.leaseUntil)}`),
        [`${OUTBOX_TIMER} ${AR1} ${new Date(NOW.getTime() + RECOVERY_GRACE_MS).toISOString()}`], 'only the retry timer, written before the transition');
      assert.deepEqual(await allRows(bot.tables.inbox), []);

      // A new process on the same tables: its scheduler leaves the effects to the instance that stored them until
      // the retry timer's claim runs out (it may be alive, and sending them), then fires it: no scan of the cases.
      const restarted = restartedRuntime(bot, () => NOW);
      assert.equal((await restarted.scheduler.tick()).fired, 0, 'the retry timer is still claimed by the process that stored them');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 0, 'not yet: the process that stored them might still be sending them');
      const afterGrace = () => new Date(NOW.getTime() + RECOVERY_GRACE_MS + 1000);
      const recovered = restartedRuntime(bot, afterGrace);
      assert.equal((await recovered.scheduler.tick()).fired, 1, 'the retry timer fired');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'the approver got the request');
      const timers = (await allRows(bot.tables.timers)).filter((row) => row.timer).map((row) => `${String(row.timer)} ${String(row.reference)}`).sort();
      assert.deepEqual(timers, [`accessRequest.escalate ${AR1}`, `accessRequest.remindApprover ${AR1}`]);
      const inbox = (await allRows(bot.tables.inbox)).map((row) => `${row.partitionKey} ${row.rowKey} ${String(row.awaitingMe)}`).sort();
      assert.deepEqual(inbox, [`aad-alex requester|${AR1} false`, `aad-megan approver|${AR1} true`, `team:comms register|${AR1} false`]);
      assert.deepEqual(await outboxRows(bot, AR1), []);
      assert.equal((await recovered.scheduler.tick()).fired, 0, 'nothing is left');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'exactly once');

      // The same for a decision: the requester is told once, and the access expiry timers are written.
      await bot.click('megan', 'accessRequest.approve', { reference: AR1, comment: '' });
      assert.equal(deliveredCards(bot, 'alex', APPROVED).length, 0);
      const again = restartedRuntime(bot, () => new Date(NOW.getTime() + 2 * RECOVERY_GRACE_MS));
      assert.equal((await again.scheduler.tick()).fired, 1);
      assert.equal((await again.scheduler.tick()).fired, 0);
      assert.equal(deliveredCards(bot, 'alex', APPROVED).length, 1, 'the requester was told once');
      const later = (await allRows(bot.tables.timers)).filter((row) => row.timer).map((row) => String(row.timer));
      assert.ok(later.includes('accessRequest.remindExpiry') && later.includes('accessRequest.expire'), later.join(', '));
      await assertNothingPartial(bot);
    });
  });

  describe('Bot Connector errors on proactive sends', () => {
    /** Each connector request is given up after this long (the runtime's option; production: 15 s). */
    const CONNECTOR_TIMEOUT_MS = 1000;
    let bot: BotHarness;
    let meganChat: string;
    let callsBefore: number;
    beforeEach(async () => {
      bot = await new BotHarness({ now: () => NOW, connectorTimeoutMs: CONNECTOR_TIMEOUT_MS }).start();
      await bot.install('alex');
      await bot.install('megan');
      meganChat = bot.personalConversation('megan');
      callsBefore = bot.connector.calls.length;
    });
    afterEach(async () => bot.stop());

    /** What the bot POSTed into the approver's chat since the welcome cards, as the statuses the stand-in answered. */
    const sendsToMegan = () => bot.connector.calls.slice(callsBefore)
      .filter((call) => call.conversationId === meganChat && call.method === 'POST').map((call) => call.status);

    async function notifyRow(): Promise<Row | undefined> {
      return (await outboxRows(bot, AR1)).find((row) => row.kind === 'notify');
    }

    it('retries a 429 after its Retry-After, a 500 and a reset connection within the send, and delivers once', async () => {
      bot.connector.faults.set(meganChat, [
        { status: 429, code: 'TooManyRequests', retryAfterSeconds: 1 },
        { status: 500 },
        { status: 502, dropAfterMs: 0 },
      ]);
      await submitRequest(bot, 'alex');
      assert.deepEqual(sendsToMegan(), [429, 500, 502, 200]);
      const [throttled, retried] = bot.connector.calls.slice(callsBefore).filter((call) => call.conversationId === meganChat && call.method === 'POST');
      assert.ok(retried!.at - throttled!.at >= 950, `the Retry-After second was waited (${retried!.at - throttled!.at} ms)`);
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'delivered exactly once');
      assert.deepEqual(await outboxRows(bot, AR1), [], 'nothing left to retry');
    });

    it('gives up on a send that gets no answer, keeps it in the outbox, and delivers it once on the backed-off retry', async () => {
      // The connector takes the request and never answers (it drops the connection long after the bot's timeout).
      bot.connector.faults.set(meganChat, [{ status: 504, dropAfterMs: 5 * CONNECTOR_TIMEOUT_MS }]);
      const started = Date.now();
      await submitRequest(bot, 'alex');
      assert.ok(Date.now() - started < 4 * CONNECTOR_TIMEOUT_MS, 'the outbox was not held up by the hanging request');
      assert.deepEqual(sendsToMegan(), [504], 'an abandoned request is not sent again at once by the client');
      const row = await notifyRow();
      assert.ok(row, 'the notification stays in the outbox');
      assert.equal(row.attempts, 1);
      assert.equal(row.lastProblem, 'delivery failed: timed out');
      assert.equal(row.nextAttemptAt, new Date(NOW.getTime() + 30_000).toISOString(), 'first retry after 30 s');

      assert.equal((await bot.runtime.scheduler.tick()).fired, 0, 'its retry timer waits');
      assert.deepEqual(sendsToMegan(), [504], 'not retried before its time');
      bot.advanceClock(30_000);
      assert.equal((await bot.runtime.scheduler.tick()).fired, 1, 'then fires');
      assert.deepEqual(sendsToMegan(), [504, 200]);
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'delivered exactly once');
      assert.equal(await notifyRow(), undefined);
    });

    it('records attempts and the last problem while the connector keeps failing, loses nothing, and delivers once it recovers', async () => {
      // More faults than the connector client's three retries: the send fails, and fails again on the outbox's retry.
      bot.connector.faults.set(meganChat, [
        ...Array.from({ length: 4 }, () => ({ status: 500 })),
        ...Array.from({ length: 4 }, () => ({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 0 })),
      ]);
      await submitRequest(bot, 'alex');
      let row = await notifyRow();
      assert.ok(row);
      assert.deepEqual([row.attempts, row.lastProblem, row.nextAttemptAt], [1, 'delivery failed: HTTP 500', new Date(NOW.getTime() + 30_000).toISOString()]);
      assert.deepEqual(sendsToMegan(), [500, 500, 500, 500], 'the connector client tried four times');

      bot.advanceClock(30_000);
      await bot.runtime.scheduler.tick();
      row = await notifyRow();
      assert.ok(row, 'still kept');
      assert.deepEqual([row.attempts, row.lastProblem, row.nextAttemptAt], [2, 'delivery failed: HTTP 429', new Date(NOW.getTime() + 30_000 + 60_000).toISOString()], 'the wait doubles');
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 0);
      // The other effects of the transition were not held up by the failing send.
      assert.equal((await allRows(bot.tables.timers)).filter((timer) => timer.timer && timer.timer !== OUTBOX_TIMER).length, 2);
      assert.equal((await allRows(bot.tables.inbox)).length, 3, 'requester, approver and the Communications Team register');

      bot.advanceClock(60_000);
      assert.equal((await bot.runtime.scheduler.tick()).fired, 1);
      assert.equal(deliveredCards(bot, 'megan', ASKS).length, 1, 'delivered exactly once');
      assert.equal(sendsToMegan().filter((status) => status < 300).length, 1);
      assert.deepEqual(await outboxRows(bot, AR1), [], 'nothing left');
      assert.equal((await bot.runtime.scheduler.tick()).fired, 0);
    });
  });
});
