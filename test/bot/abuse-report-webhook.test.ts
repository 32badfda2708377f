import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { odata } from '@azure/data-tables';
import sinon from 'sinon';
import { REGISTER_COLUMNS } from '../../src/workflows/abuse-report/register';
import { BotHarness, PersonKey } from '../support/bot-harness';
import { ABUSE_DESCRIPTION, ABUSE_LINK, cardsMatching, NOW, submitReport } from './conversation-helpers';

const REF = 'AINM-2026-00001';
const MINUTE = 60_000;

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: string;
  readonly body: { reference: string; version: number; record: Record<string, unknown> };
  /** What the receiver answered; 0: it dropped the connection. */
  readonly status: number;
}

/** The Group's AINM register as a local HTTP receiver: answers from a queue of statuses (then 200), or drops every connection while down. */
class RegisterReceiver {
  readonly received: Received[] = [];
  readonly answers: number[] = [];
  down = false;
  private server?: http.Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/ainm/records`;
  }

  get accepted(): Received[] {
    return this.received.filter((request) => request.status >= 200 && request.status < 300);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const status = this.down ? 0 : this.answers.shift() ?? 200;
    this.received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'], status });
    if (status === 0) {
      req.socket.destroy();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(status < 300 ? { stored: true } : { error: 'unavailable' }));
  }
}

async function pendingWebhookRows(bot: BotHarness): Promise<{ attempts: number }[]> {
  const rows: { attempts: number }[] = [];
  const query = bot.tables.cases.listEntities<{ kind: string; attempts: number }>({
    queryOptions: { filter: odata`PartitionKey eq ${REF} and RowKey ge 'out-' and RowKey lt 'out.'` },
  });
  for await (const row of query) if (row.kind === 'webhook') rows.push({ attempts: row.attempts });
  return rows;
}

describe('AINM records sent to the Group\'s register (webhook)', () => {
  let bot: BotHarness;
  let receiver: RegisterReceiver;

  async function startBot(withWebhook: boolean): Promise<void> {
    bot = await new BotHarness({ now: () => NOW, ...(withWebhook ? { ainmWebhookUrl: receiver.url } : {}) }).start();
    for (const person of ['alex', 'megan', 'isaiah'] as PersonKey[]) await bot.install(person);
  }

  beforeEach(async () => {
    receiver = await new RegisterReceiver().start();
  });
  afterEach(async () => {
    sinon.restore();
    await bot?.stop();
    await receiver.stop();
  });

  it('POSTs a new record after the register recovers, waiting 30 s and then twice as long between tries', async () => {
    await startBot(true);
    receiver.answers.push(503, 503);
    await submitReport(bot, 'alex');
    assert.equal(receiver.received.length, 1, 'the record is POSTed at once');
    assert.equal(cardsMatching(bot, 'megan', /has reported/).length, 1, 'the manager is alerted although the register is down');

    assert.equal((await bot.runtime.scheduler.tick()).fired, 0, 'the record waits in the outbox; its retry timer is not due yet');
    assert.equal((await pendingWebhookRows(bot)).length, 1, 'the record is still waiting to be sent');
    assert.equal(receiver.received.length, 1, 'not retried at once');
    bot.advanceClock(29_000);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.received.length, 1, 'not retried before 30 s');
    bot.advanceClock(1_000);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.received.length, 2, 'retried after 30 s');

    bot.advanceClock(59_000);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.received.length, 2, 'the second wait is twice as long');
    bot.advanceClock(1_000);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.received.length, 3, 'retried after 60 s more');
    assert.equal(receiver.accepted.length, 1);

    assert.equal((await bot.runtime.scheduler.tick()).fired, 0, 'nothing is left to send');
    bot.advanceClock(120 * MINUTE);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.received.length, 3, 'a delivered record is not sent again');
    assert.equal(cardsMatching(bot, 'megan', /has reported/).length, 1, 'retrying the register does not alert the manager again');

    for (const request of receiver.received) {
      assert.equal(request.headers['idempotency-key'], REF, 'every try carries the reference as idempotency key');
      assert.match(String(request.headers['content-type']), /^application\/json/);
      assert.equal(request.raw, receiver.received[0]!.raw, 'every try sends the same body');
    }
    const { body, raw } = receiver.accepted[0]!;
    assert.equal(body.reference, REF);
    assert.equal(body.version, 1);
    assert.deepEqual(Object.keys(body.record).sort(), [...REGISTER_COLUMNS].sort(), 'the record holds the register columns');
    assert.equal(body.record.reference, REF);
    assert.equal(body.record.category, 'Harassment');
    assert.equal(body.record.fromWhom, 'A member of the public');
    assert.equal(body.record.platform, 'Facebook');
    assert.equal(body.record.happenedOn, '2026-11-24');
    assert.equal(body.record.reportedAt, NOW.toISOString());
    assert.equal(body.record.urgent, false);
    assert.equal(body.record.state, 'Reported: waiting for the line manager');
    assert.equal(body.record.acknowledgedAt, '');
    assert.equal(body.record.hoursToAcknowledge, null);
    assert.ok(!raw.includes(ABUSE_DESCRIPTION) && !raw.includes('knows where I park'), 'the description is not sent');
    assert.ok(!raw.includes(ABUSE_LINK) && !raw.includes('wheatleyhousing'), 'the links are not sent');
  });

  it('POSTs the record again with a higher version when the manager acknowledges, but not for a note', async () => {
    await startBot(true);
    await submitReport(bot, 'alex', { immediateDanger: 'true' });
    assert.equal(receiver.accepted.length, 1);

    bot.advanceClock(90 * MINUTE);
    await bot.click('megan', 'abuseReport.acknowledge', { reference: REF, note: '' });
    await bot.idle();
    assert.equal(receiver.accepted.length, 2, 'the acknowledgement is sent');
    const [first, second] = receiver.accepted.map((request) => request.body);
    assert.equal(receiver.accepted[1]!.headers['idempotency-key'], REF, 'the same key: the register keeps one line a record');
    assert.ok(second!.version > first!.version, `version ${second!.version} is higher than ${first!.version}`);
    assert.equal(second!.record.state, 'Acknowledged by the line manager');
    assert.equal(second!.record.acknowledgedAt, new Date(NOW.getTime() + 90 * MINUTE).toISOString());
    assert.equal(second!.record.hoursToAcknowledge, 1.5, 'working hours from report to acknowledgement');
    assert.equal(second!.record.urgent, true);

    await bot.click('megan', 'abuseReport.addNote', { reference: REF, note: 'Checked in with Alex again.' });
    await bot.idle();
    assert.equal(receiver.received.length, 2, 'a note changes nothing in the register');
    assert.ok(receiver.received.every((request) => !request.raw.includes('Checked in')), 'notes are never sent');
  });

  it('loses nothing while the register is unreachable, and delivers the record once it is back', async () => {
    await startBot(true);
    receiver.down = true;
    await submitReport(bot, 'alex');
    assert.equal(receiver.accepted.length, 0);

    for (let round = 1; round <= 4; round++) {
      bot.advanceClock(60 * MINUTE);
      assert.equal((await bot.runtime.scheduler.tick()).fired, 1, `round ${round}: the record is still in the outbox`);
      assert.deepEqual(await pendingWebhookRows(bot), [{ attempts: round + 1 }], `round ${round}: one webhook effect, its failures counted`);
    }
    assert.equal(receiver.received.length, 5, 'each round tried once');
    assert.equal(receiver.accepted.length, 0);

    receiver.down = false;
    bot.advanceClock(60 * MINUTE);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.accepted.length, 1, 'delivered once the register is back');
    assert.equal(receiver.accepted[0]!.body.reference, REF);
    assert.equal(receiver.accepted[0]!.headers['idempotency-key'], REF);
    assert.deepEqual(await pendingWebhookRows(bot), [], 'the outbox is empty');
    assert.equal((await bot.runtime.scheduler.tick()).fired, 0);
    bot.advanceClock(60 * MINUTE);
    await bot.runtime.scheduler.tick();
    assert.equal(receiver.accepted.length, 1, 'and delivered only once');
  });

  it('posts nothing when no register is configured, and leaves nothing waiting in the outbox', async () => {
    await startBot(false);
    await submitReport(bot, 'alex');
    await bot.click('megan', 'abuseReport.acknowledge', { reference: REF, note: '' });
    await bot.click('isaiah', 'abuseReport.startInvestigation', { reference: REF });
    await bot.idle();
    bot.advanceClock(60 * MINUTE);
    assert.equal((await bot.runtime.scheduler.tick()).fired, 0, 'no effect is left over');
    assert.equal(receiver.received.length, 0);
    assert.equal(cardsMatching(bot, 'alex', /has acknowledged your report/).length, 1, 'the workflow itself ran');
  });
});
