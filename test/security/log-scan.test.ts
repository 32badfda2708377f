import assert from 'node:assert/strict';
import { RestError } from '@azure/data-tables';
import sinon from 'sinon';
import type { DirectoryPerson } from '../../src/directory/directory';
import { BotHarness, cardText, PEOPLE } from '../support/bot-harness';
import { ask, issueTakedown, NOW, press, sendFiles, submitReport, submitRequest, teamsFile } from '../bot/conversation-helpers';

/**
 * Log hygiene (DESIGN.md, "Security": "Logs carry references and ids, not free text or personal
 * details"). One full session across the three workflows, with refusals and faults, logged at `debug`;
 * then every line the bot logged is searched for every name and every piece of free text used. None may
 * appear. References and ids may.
 */

/** Directory names: what the bot shows on cards. Teams' own display names (PEOPLE) are searched for too. */
const DIRECTORY: DirectoryPerson[] = [
  { id: PEOPLE.alex.id, name: 'Xanthe Quillfeather', managerId: PEOPLE.megan.id, roles: [] },
  { id: PEOPLE.megan.id, name: 'Morwenna Pettigrew', managerId: PEOPLE.isaiah.id, roles: [] },
  { id: PEOPLE.adele.id, name: 'Ottoline Brackenbury', managerId: PEOPLE.isaiah.id, roles: ['comms'] },
  { id: PEOPLE.patti.id, name: 'Perpetua Hollingsworth', managerId: PEOPLE.isaiah.id, roles: ['comms', 'admin'] },
  { id: PEOPLE.isaiah.id, name: 'Ignatius Fairweather', roles: ['incident'] },
  { id: PEOPLE.stranger.id, name: 'Sylvester Nightingale', roles: [] },
];

const TEXT = {
  businessCase: 'Quarterly tenant panel in Drumchapel needs live answers from the housing officer on Facebook.',
  approvalComment: 'Agreed: the Drumchapel panel is important, keep it to office hours.',
  refusedComment: 'Forged approval by a stranger who is not the approver.',
  description: 'Someone in the Sighthill residents group said they would slash my tyres after the rent meeting.',
  link: 'https://www.facebook.com/groups/sighthill-residents/posts/55512',
  acknowledgeNote: 'Phoned her, she is shaken but safe at her mother in Carntyne.',
  investigationNote: 'Screenshots match the account of a tenant at Petershill Drive.',
  closeNote: 'Reported to Police Scotland, crime number pending; tenancy warning sent.',
  evidenceFile: 'tyre-threat-screenshot-carntyne.png',
  explanation: 'The post shows a tenant of Maryhill Locks with her children in the close.',
  takedownLink: 'https://www.instagram.com/p/maryhill-locks-777',
  removalNote: 'Deleted from Instagram and my archived stories at lunchtime.',
  verifyNote: 'Checked from the Comms account: the Maryhill Locks photo is gone.',
  disputeNote: 'This photograph was taken at a public gala in Ruchill park.',
} as const;

/** Every name and free text used in the session: none may be in a log line. */
const SECRETS: readonly string[] = [
  ...DIRECTORY.map((person) => person.name),
  ...DIRECTORY.flatMap((person) => person.name.split(' ')),
  ...Object.values(PEOPLE).map((person) => person.name),
  ...Object.values(TEXT),
  // Distinctive words of the free text, in case a fragment is logged.
  'Drumchapel', 'Sighthill', 'Carntyne', 'Petershill', 'Maryhill', 'Ruchill', 'tyres', 'Police Scotland', 'crime number',
];

describe('logs of a full session carry no names and no free text', () => {
  let bot: BotHarness;

  before(async function () {
    this.timeout(120_000);
    bot = await new BotHarness({ now: () => NOW, people: DIRECTORY }).start();
    for (const person of ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'] as const) await bot.install(person);
    await runSession(bot);
  });
  after(async () => {
    sinon.restore();
    await bot.stop();
  });

  it('logged something, including the faults (the scan is not vacuous)', () => {
    assert.ok(bot.logLines.length >= 3, `only ${bot.logLines.length} log lines`);
    assert.ok(bot.logLines.some((line) => line.includes('turn failed')), 'the storage fault is logged');
    assert.ok(bot.logLines.some((line) => line.includes('not delivered')), 'the blocked notification is logged');
    assert.ok(bot.logLines.some((line) => line.includes('effect failed')), 'the failed send is logged');
    assert.ok(bot.logLines.some((line) => /"reference":"(AR|AINM|TD)-2026-\d{5}"/.test(line)), 'references may be logged');
    assert.ok(bot.logLines.some((line) => line.includes('case action refused') && line.includes(`"actorId":"${PEOPLE.stranger.id}"`)),
      'the stranger\'s forged approval and nosy clicks are logged (and scanned below)');
  });

  it('finds no name, business case, description, explanation, note, comment, link or file name in any log line', () => {
    const found: string[] = [];
    for (const line of bot.logLines) {
      for (const secret of SECRETS) if (line.toLowerCase().includes(secret.toLowerCase())) found.push(`"${secret}" in ${line.trim().slice(0, 300)}`);
    }
    assert.deepEqual(found, []);
  });

  it('logs only JSON lines (structured), each with a level and a message', () => {
    for (const line of bot.logLines) {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
      assert.equal(typeof entry.level, 'number');
      assert.equal(typeof entry.msg, 'string');
    }
  });
});

/** Everyone does their part, with refusals on the way and faults in the middle. */
async function runSession(bot: BotHarness): Promise<void> {
  // Access request -> approve, with a self-approval and a forged approval refused.
  const selfApproval = await submitRequest(bot, 'alex', { approver: PEOPLE.alex.id, businessCase: TEXT.businessCase });
  assert.match(cardText(selfApproval), /Choose someone other than yourself/);
  await submitRequest(bot, 'alex', { businessCase: TEXT.businessCase });
  const forged = await press(bot, 'stranger', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: TEXT.refusedComment });
  assert.match(cardText(forged), /Only .* can decide on it|can't find/);
  // A storage fault in the middle of the approval: the turn fails, is logged, and the retry works.
  const transaction = sinon.stub(bot.tables.cases, 'submitTransaction').callThrough();
  transaction.onFirstCall().rejects(new RestError('Operation could not be completed within the specified time.', { statusCode: 503 }));
  const failed = await press(bot, 'megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: TEXT.approvalComment });
  assert.match(cardText(failed), /Something went wrong/);
  transaction.restore();
  const approved = await press(bot, 'megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: TEXT.approvalComment });
  assert.match(cardText(approved), /AR-2026-00001/);

  // Abuse report -> acknowledge -> investigate -> close, with evidence, a stranger refused, and a manager who blocked the bot.
  // The Incident team member's chat fails (503) until the outbox gives up for now: the effect stays for a retry.
  bot.connector.faults.set(bot.personalConversation('megan'), [
    { status: 403, code: 'ConversationBlockedByUser' }, { status: 403, code: 'ConversationBlockedByUser' },
  ]);
  bot.connector.faults.set(bot.personalConversation('isaiah'), Array.from({ length: 4 }, () => ({ status: 503, retryAfterSeconds: 0 })));
  await submitReport(bot, 'alex', { description: TEXT.description, links: TEXT.link });
  bot.connector.faults.delete(bot.personalConversation('megan'));
  bot.connector.faults.delete(bot.personalConversation('isaiah'));
  await sendFiles(bot, 'alex', [teamsFile(TEXT.evidenceFile, 'png')]);
  await press(bot, 'alex', 'abuseReport.attachEvidence', { reference: 'AINM-2026-00001' });
  const nosy = await press(bot, 'stranger', 'abuseReport.acknowledge', { reference: 'AINM-2026-00001', note: TEXT.acknowledgeNote });
  assert.match(cardText(nosy), /can't find that report/);
  await press(bot, 'megan', 'abuseReport.acknowledge', { reference: 'AINM-2026-00001', note: TEXT.acknowledgeNote });
  await press(bot, 'isaiah', 'abuseReport.startInvestigation', { reference: 'AINM-2026-00001', note: TEXT.investigationNote });
  const tooEarly = await press(bot, 'megan', 'abuseReport.close', { reference: 'AINM-2026-00001', outcome: 'police_referral', note: TEXT.closeNote });
  assert.match(cardText(tooEarly), /Only the Incident team/);
  const closed = await press(bot, 'isaiah', 'abuseReport.close', { reference: 'AINM-2026-00001', outcome: 'police_referral', note: TEXT.closeNote });
  assert.match(cardText(closed), /Closed/);

  // Takedown -> confirm -> verify; a second notice disputed; refusals for the recipient and a stranger.
  await issueTakedown(bot, { link: TEXT.takedownLink, platform: 'instagram', explanation: TEXT.explanation });
  const notComms = await press(bot, 'alex', 'takedown.verify', { reference: 'TD-2026-00001', note: TEXT.verifyNote });
  assert.match(cardText(notComms), /Only the Communications Team/);
  await press(bot, 'alex', 'takedown.confirmRemoval', { reference: 'TD-2026-00001', note: TEXT.removalNote });
  const verified = await press(bot, 'adele', 'takedown.verify', { reference: 'TD-2026-00001', note: TEXT.verifyNote });
  assert.match(cardText(verified), /TD-2026-00001/);
  await issueTakedown(bot, { link: `${TEXT.takedownLink}-2`, explanation: TEXT.explanation });
  const stranger = await press(bot, 'stranger', 'takedown.dispute', { reference: 'TD-2026-00002', note: TEXT.disputeNote });
  assert.match(cardText(stranger), /can't find that takedown notice/);
  await press(bot, 'alex', 'takedown.dispute', { reference: 'TD-2026-00002', note: TEXT.disputeNote });

  // Lists and typed commands, an unknown command with free text, a malformed body, and an admin erasure preview.
  await ask(bot, 'alex', 'my cases');
  await ask(bot, 'isaiah', 'incidents');
  // Free text is understood (src/understanding): this description reads as danger, so it gets 999 and the form (two cards).
  assert.equal((await bot.say('stranger', `please tell me about ${TEXT.description}`)).status, 200);
  await ask(bot, 'patti', `erase person ${PEOPLE.stranger.id}`);
  const malformed = await bot.post('/api/messages', `{"type":"message","text":"${TEXT.description}"`);
  assert.equal(malformed.status, 400);
  await bot.idle();
}
