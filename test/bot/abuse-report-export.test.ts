import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import sinon from 'sinon';
import { BotHarness, cardText, PEOPLE, PersonKey, TENANT } from '../support/bot-harness';
import { testConnectionString } from '../support/azurite';
import { NOW } from './conversation-helpers';
import { SentAttachment, UploadReceiver } from '../support/upload-receiver';

const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
const DESCRIPTION = 'He wrote that he knows where I live and will wait outside.';
const FORMULA = '=HYPERLINK("https://evil.example","click")';
const HEADER = 'reference,reportedAt,happenedOn,acknowledgedAt,closedAt,category,fromWhom,platform,urgent,state,outcome,manager,hoursToAcknowledge';

function reportForm(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    formId: randomUUID(), category: 'threat', source: 'member_of_public', platform: 'facebook', platformOther: '',
    links: 'https://facebook.com/groups/estate/posts/1', happenedOn: '', description: DESCRIPTION,
    immediateDanger: 'false', wantsSupport: 'false', manager: PEOPLE.megan.id, ...overrides,
  };
}

describe('AINM register export over HTTP', () => {
  let bot: BotHarness;
  let receiver: UploadReceiver;

  /** Attachments the bot sent into this person's chat since `since` calls, oldest first. */
  const sentTo = (person: PersonKey, since = 0): SentAttachment[] => bot.connector.calls.slice(since)
    .filter((call) => call.conversationId === bot.personalConversation(person) && call.method === 'POST')
    .flatMap((call) => (call.body.attachments as SentAttachment[] | undefined) ?? []);
  const textsTo = (person: PersonKey, since = 0): string[] => bot.connector.calls.slice(since)
    .filter((call) => call.conversationId === bot.personalConversation(person) && typeof call.body.text === 'string')
    .map((call) => call.body.text as string);

  async function consentCard(person: PersonKey, text: string): Promise<SentAttachment> {
    const since = bot.connector.calls.length;
    assert.equal((await bot.say(person, text)).status, 200);
    const cards = sentTo(person, since).filter((attachment) => attachment.contentType === FILE_CONSENT);
    assert.equal(cards.length, 1, `"${text}" should be answered with one file consent card`);
    return cards[0]!;
  }

  function consentInvoke(person: PersonKey, value: Record<string, unknown>) {
    return bot.post('/api/messages', bot.activity(person, { type: 'invoke', name: 'fileConsent/invoke', replyToId: 'consent-card', value }));
  }

  const accept = (person: PersonKey, context: unknown, uploadUrl = receiver.url('/upload/session-1')) => consentInvoke(person, {
    type: 'fileUpload', action: 'accept', context,
    uploadInfo: { name: 'ainm-register-2026-01-01-to-2026-11-25.csv', uploadUrl, contentUrl: 'https://wheatley-my.sharepoint.com/personal/isaiah/ainm.csv', uniqueId: 'file-1', fileType: 'csv' },
  });

  before(async () => {
    receiver = await new UploadReceiver().start();
    bot = await new BotHarness({ now: () => NOW }).start();
    bot.advanceClock(Date.parse('2025-12-01T10:00:00Z') - NOW.getTime());
    await bot.click('alex', 'abuseReport.submit', reportForm({ category: 'abuse' }));
    bot.advanceClock(NOW.getTime() - Date.parse('2025-12-01T10:00:00Z'));
    await bot.click('alex', 'abuseReport.submit', reportForm({ platform: 'other', platformOther: FORMULA }));
    await bot.click('alex', 'abuseReport.submit', reportForm({ category: 'harassment', source: 'tenant_or_customer', platform: 'x' }));
    bot.advanceClock(2 * 3_600_000);
    await bot.click('megan', 'abuseReport.acknowledge', { reference: 'AINM-2026-00001', note: '' });
    bot.advanceClock(-2 * 3_600_000);
    await bot.idle();
  });
  after(async () => {
    await bot.stop();
    await receiver.stop();
  });
  afterEach(() => {
    sinon.restore();
    receiver.uploads.length = 0;
  });

  it('offers the Incident team a file consent card for this year\'s register', async () => {
    const card = await consentCard('isaiah', 'export');
    assert.equal(card.name, 'ainm-register-2026-01-01-to-2026-11-25.csv');
    assert.deepEqual(card.content, {
      description: 'AINM register, 1 Jan 2026 to 25 Nov 2026: 2 records (CSV).',
      sizeInBytes: card.content.sizeInBytes,
      acceptContext: { export: 'ainmRegister', from: '2026-01-01', to: '2026-11-25', format: 'csv' },
      declineContext: {},
    });
    assert.ok(Number(card.content.sizeInBytes) > HEADER.length);
  });

  it('uploads the CSV on "Allow" and shows the saved file', async () => {
    const card = await consentCard('isaiah', 'export register');
    const since = bot.connector.calls.length;
    const answer = await accept('isaiah', card.content.acceptContext);
    assert.equal(answer.status, 200);

    assert.equal(receiver.uploads.length, 1);
    const [upload] = receiver.uploads;
    const size = Buffer.byteLength(upload!.body, 'utf8');
    assert.equal(upload!.method, 'PUT');
    assert.equal(upload!.path, '/upload/session-1');
    assert.equal(upload!.headers['content-length'], String(size));
    assert.equal(upload!.headers['content-range'], `bytes 0-${size - 1}/${size}`);
    assert.equal(size, card.content.sizeInBytes, 'the file offered is the file uploaded');
    const lines = upload!.body.split('\r\n');
    assert.equal(lines[0], HEADER);
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[0]), ['AINM-2026-00001', 'AINM-2026-00002', '']);
    assert.match(lines[1]!, /,Threat,A member of the public,"'=HYPERLINK\(""https:\/\/evil\.example"",""click""\)",false,Acknowledged by the line manager,,Megan Bowen,2$/);
    assert.match(lines[2]!, /,Harassment,A tenant or customer,X \(Twitter\),false,Reported: waiting for the line manager,,Megan Bowen,$/);
    for (const hidden of [DESCRIPTION, 'facebook.com', 'Alex Wilber']) assert.equal(upload!.body.includes(hidden), false, hidden);

    const info = sentTo('isaiah', since);
    assert.deepEqual(info, [{
      contentType: FILE_INFO, contentUrl: 'https://wheatley-my.sharepoint.com/personal/isaiah/ainm.csv',
      name: 'ainm-register-2026-01-01-to-2026-11-25.csv', content: { uniqueId: 'file-1', fileType: 'csv' },
    }]);
  });

  it('exports other dates as JSON when asked', async () => {
    const card = await consentCard('isaiah', 'export register 2025-01-01 2025-12-31 json');
    assert.deepEqual(card.content.acceptContext, { export: 'ainmRegister', from: '2025-01-01', to: '2025-12-31', format: 'json' });
    assert.equal((await accept('isaiah', card.content.acceptContext)).status, 200);
    const parsed = JSON.parse(receiver.uploads[0]!.body) as { exportedAt: string; from: string; to: string; rows: { reference: string; category: string }[] };
    assert.deepEqual({ from: parsed.from, to: parsed.to, exportedAt: parsed.exportedAt }, { from: '2025-01-01', to: '2025-12-31', exportedAt: NOW.toISOString() });
    assert.deepEqual(parsed.rows.map((row) => [row.reference, row.category]), [['AINM-2025-00001', 'Abuse']]);
  });

  it('says why when the dates are wrong, and offers nothing', async () => {
    const since = bot.connector.calls.length;
    await bot.say('isaiah', 'export register 2026-13-01');
    assert.equal(sentTo('isaiah', since).some((attachment) => attachment.contentType === FILE_CONSENT), false);
    assert.match(cardText(sentTo('isaiah', since).at(-1)?.content), /"2026-13-01" is not a date: give the start date as YYYY-MM-DD/);
  });

  it('offers files only in a 1:1 chat: in a group chat it says where to ask', async () => {
    const since = bot.connector.calls.length;
    const conversation = { id: 'group-chat-1', conversationType: 'groupChat', isGroup: true, tenantId: TENANT };
    assert.equal((await bot.post('/api/messages', bot.activity('isaiah', { type: 'message', text: 'export', conversation }))).status, 200);
    const sent = bot.connector.calls.slice(since).flatMap((call) => (call.body.attachments as SentAttachment[] | undefined) ?? []);
    assert.deepEqual(sent.map((attachment) => attachment.contentType), ['application/vnd.microsoft.card.adaptive']);
    assert.match(cardText(sent[0]!.content), /Ask me in our 1:1 chat/);
  });

  it('politely refuses the export to someone outside the Incident team', async () => {
    for (const person of ['alex', 'megan'] as const) {
      const since = bot.connector.calls.length;
      assert.equal((await bot.say(person, 'export')).status, 200);
      const sent = sentTo(person, since);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.match(cardText(sent[0]!.content), /Incident team only[\s\S]*Only the Incident team \(Health & Safety\) can export the AINM register/);
    }
  });

  it('uploads nothing when someone outside the Incident team sends an "Allow" for an export', async () => {
    const since = bot.connector.calls.length;
    const answer = await accept('alex', { from: '2026-01-01', to: '2026-11-25', format: 'csv' });
    assert.equal(answer.status, 200);
    assert.deepEqual(receiver.uploads, []);
    const sent = sentTo('alex', since);
    assert.equal(sent.some((attachment) => attachment.contentType === FILE_INFO), false);
    assert.match(cardText(sent.at(-1)?.content), /Only the Incident team/);
    assert.ok(bot.logLines.some((line) => line.includes('export accepted by someone it is not for') && line.includes('"export":"ainmRegister"')));
  });

  it('uploads nothing for a consent that names an export nobody offers (forged card context)', async () => {
    const since = bot.connector.calls.length;
    const answer = await accept('isaiah', { export: 'everything', from: '2026-01-01', to: '2026-11-25', format: 'csv' });
    assert.equal(answer.status, 200);
    assert.deepEqual(receiver.uploads, []);
    assert.equal(sentTo('isaiah', since).some((attachment) => attachment.contentType === FILE_INFO), false);
  });

  it('uploads nothing to a plain http address beyond loopback, though a server there would take it', async () => {
    // A stand-in for a hostile or mistyped upload session that WOULD accept the file: every outbound request
    // to these hosts is answered 201 here, so only the bot's scheme check stands between the register and them.
    const realFetch = globalThis.fetch;
    const intercepted: string[] = [];
    const plainHttp = ['http://uploads.example.com/session', 'http://127.0.0.1.example.com/session', 'http://10.0.0.7/session'];
    sinon.stub(globalThis, 'fetch').callsFake(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (!plainHttp.some((address) => url.startsWith(address))) return realFetch(input, init);
      intercepted.push(url);
      return new Response(JSON.stringify({ id: 'drive-item-1' }), { status: 201 });
    });
    for (const uploadUrl of plainHttp) {
      const since = bot.connector.calls.length;
      const answer = await accept('isaiah', { from: '2026-01-01', to: '2026-11-25', format: 'csv' }, uploadUrl);
      assert.equal(answer.status, 200);
      assert.equal(sentTo('isaiah', since).some((attachment) => attachment.contentType === FILE_INFO), false, `${uploadUrl}: no saved file shown`);
      assert.match(cardText(sentTo('isaiah', since).at(-1)?.content), /Export not saved[\s\S]*couldn't save the file to your OneDrive\. Type "export" to try again/);
    }
    assert.deepEqual(intercepted, [], 'nothing was sent to a plain http address');
    assert.equal(bot.logLines.filter((line) => line.includes('"reason":"no usable upload URL"')).length, plainHttp.length);
  });

  it('says the export was cancelled on "Decline"', async () => {
    const since = bot.connector.calls.length;
    const answer = await consentInvoke('isaiah', { type: 'fileUpload', action: 'decline', context: {} });
    assert.equal(answer.status, 200);
    assert.deepEqual(textsTo('isaiah', since), ['Export cancelled. Nothing was saved.']);
    assert.deepEqual(receiver.uploads, []);
  });

  describe('npm run export:ainm', function () {
    this.timeout(60_000); // each run starts a TypeScript process: several seconds on a busy machine

    function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, AZURE_TABLES_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: bot.tablePrefix };
      return new Promise((resolve) => {
        execFile('npx', ['tsx', 'scripts/export-ainm.ts', ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
        });
      });
    }

    it('writes the CSV register to standard output', async () => {
      const { code, stdout, stderr } = await runCli(['--from', '2026-01-01', '--to', '2026-12-31', '--format', 'csv']);
      assert.equal(code, 0, stderr);
      const lines = stdout.split('\r\n');
      assert.equal(lines[0], HEADER);
      assert.deepEqual(lines.slice(1).map((line) => line.split(',')[0]), ['AINM-2026-00001', 'AINM-2026-00002', '']);
      assert.equal(stdout.includes(DESCRIPTION), false);
      assert.match(stderr, /AINM register 2026-01-01 to 2026-12-31: 2 records/);
    });

    it('writes JSON with every record in the range', async () => {
      const { code, stdout, stderr } = await runCli(['--from', '2025-01-01', '--to', '2026-12-31', '--format', 'json']);
      assert.equal(code, 0, stderr);
      const parsed = JSON.parse(stdout) as { from: string; to: string; exportedAt: string; rows: { reference: string }[] };
      assert.equal(parsed.from, '2025-01-01');
      assert.equal(parsed.to, '2026-12-31');
      assert.ok(!Number.isNaN(Date.parse(parsed.exportedAt)));
      assert.deepEqual(parsed.rows.map((row) => row.reference), ['AINM-2025-00001', 'AINM-2026-00001', 'AINM-2026-00002']);
    });

    it('exits with 2 and says what is wrong for a date that does not exist', async () => {
      const { code, stdout, stderr } = await runCli(['--from', '2026-13-01']);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /"2026-13-01" is not a date/);
      assert.match(stderr, /usage: npm run export:ainm/);
    });

    it('exits with 2 on an unknown option', async () => {
      const { code, stderr } = await runCli(['--form', 'csv']);
      assert.equal(code, 2);
      assert.match(stderr, /Unknown option '--form'[\s\S]*usage:/);
    });
  });
});
