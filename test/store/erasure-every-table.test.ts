import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { recordSubjectAccess } from '../../src/store/audit-rows';
import { erasePerson } from '../../src/data-protection/erasure';
import { collectSubjectAccess, OTHER_PERSONS_KEY } from '../../src/data-protection/subject-access';
import type { DirectoryPerson } from '../../src/directory/directory';
import { createCaseStore } from '../../src/store/case-store';
import { createLeaverNoticeStore, LEAVER_NOTICE_PARTITION } from '../../src/store/leaver-notices';
import { TABLE_NAMES, Tables } from '../../src/store/tables';
import { BotHarness, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, submitReport, submitRequest } from '../bot/conversation-helpers';
import { startCampaign } from '../campaign/campaign-helpers';

/**
 * Erasure and subject access against rows the real bot wrote (UK GDPR Articles 15 and 17). Adele Vance plays
 * every part a person can: requester, approver, Communications Team sign-off, team-card recipient of an access
 * request and of an AINM record (open and closed cases she has no part in), reporter, the reporter's manager,
 * Incident team member, takedown issuer, recipient and recipient's manager; she has a chat, staged files, form
 * claims, an earlier subject access request and a refused erasure. Every row of every table is then scanned.
 */
const ADELE = PEOPLE.adele;
const CAMPAIGN = 'AC-2026-00001';
const EMAIL = 'adele.vance@wheatley-example.co.uk';
const TEAMS_USER_ID = `29:${ADELE.id}`;
/** Megan is outside Adele's and Sam's management chains: naming her needs a reason (issue 13). */
const OUTSIDE_CHAIN_REASON = 'My line manager is away this month; Megan runs the pages I will post on.';
const people: readonly DirectoryPerson[] = [
  { ...PEOPLE.alex, managerId: ADELE.id },
  PEOPLE.megan,
  { ...ADELE, roles: ['comms', 'incident'] },
  PEOPLE.patti, PEOPLE.isaiah, PEOPLE.stranger,
];

/** Everything that is hers: ids, chat id, names (whole words), e-mail. */
function hersIn(text: string, conversationId: string): string[] {
  const values = [ADELE.id, TEAMS_USER_ID, conversationId, EMAIL].filter((value) => text.includes(value));
  const names = [ADELE.name, ...ADELE.name.split(' ')].filter((name) => new RegExp(`(?<![\\p{L}\\p{N}])${name}(?![\\p{L}\\p{N}])`, 'iu').test(text));
  return [...values, ...names];
}

interface Found { readonly table: string; readonly partitionKey: string; readonly rowKey: string; readonly values: string[] }

/** Every row of every table of the store (src/store/tables.ts), as text, that holds a value of hers. */
async function scan(tables: Tables, conversationId: string): Promise<Found[]> {
  const found: Found[] = [];
  for (const table of TABLE_NAMES) {
    for await (const row of tables[table].listEntities<Record<string, unknown>>()) {
      const { etag: _e, timestamp: _t, ...columns } = row;
      const values = hersIn(JSON.stringify(columns), conversationId);
      if (values.length > 0) found.push({ table, partitionKey: String(row.partitionKey), rowKey: String(row.rowKey), values });
    }
  }
  return found;
}

describe('erasure and subject access reach every row of every table (bot over HTTP, Azurite)', function () {
  this.timeout(120_000);
  let bot: BotHarness;
  const ref = {
    own: 'AR-2026-00001', approver: 'AR-2026-00002', signOff: 'AR-2026-00003', teamCardOpen: 'AR-2026-00004',
    teamCardIncident: 'AINM-2026-00001', reporter: 'AINM-2026-00002', investigator: 'AINM-2026-00003', manager: 'AINM-2026-00004',
    issuer: 'TD-2026-00001', recipient: 'TD-2026-00002', tdManager: 'TD-2026-00003',
  };
  /** The AINM records she has a part in: kept by erasure (docs/security.md), snapshot and audit events only. */
  const retained = [ref.reporter, ref.investigator, ref.manager];

  const click = async (person: PersonKey, verb: string, data: Record<string, unknown>) => {
    await bot.click(person, verb, data);
    await bot.idle();
  };

  before(async () => {
    bot = await new BotHarness({ now: () => NOW, people }).start();
    for (const who of ['alex', 'megan', 'patti', 'isaiah', 'stranger'] as const) await bot.install(who);
    // Teams sends more about her than the bot needs: none of it may be kept.
    const from = { id: TEAMS_USER_ID, aadObjectId: ADELE.id, name: ADELE.name, email: EMAIL, userPrincipalName: EMAIL, givenName: 'Adele', surname: 'Vance' };
    assert.equal((await bot.post('/api/messages', bot.activity('adele', { type: 'installationUpdate', action: 'add', from }))).status, 200);

    // Requester: her request to post, approved, signed off, then revoked.
    await submitRequest(bot, 'adele', { kind: 'post', approverReason: OUTSIDE_CHAIN_REASON });
    await click('megan', 'accessRequest.approve', { reference: ref.own, comment: '' });
    await click('patti', 'accessRequest.commsSignOff', { reference: ref.own, comment: '' });
    // While it is open, an erasure is refused: the audit row names her until she is erased.
    assert.equal((await erasePerson(bot.tables, ADELE.id, PEOPLE.patti, NOW)).outcome, 'refused');
    await click('patti', 'accessRequest.revoke', { reference: ref.own, comment: 'The campaign ended, no longer needed.' });
    // Approver: Alex's request, rejected by her.
    await submitRequest(bot, 'alex', { approver: ADELE.id });
    await click('adele', 'accessRequest.reject', { reference: ref.approver, comment: 'Please ask the community team instead.' });
    // Communications Team sign-off: Megan's request, approved by Isaiah, signed off by her, revoked by Patti.
    await submitRequest(bot, 'megan', { kind: 'post', approver: PEOPLE.isaiah.id });
    await click('isaiah', 'accessRequest.approve', { reference: ref.signOff, comment: '' });
    await click('adele', 'accessRequest.commsSignOff', { reference: ref.signOff, comment: 'Signed off for the newsletter.' });
    await click('patti', 'accessRequest.revoke', { reference: ref.signOff, comment: 'The newsletter moved to email.' });
    // Team card only: Sam's request, signed off by Patti; it stays open (active).
    await submitRequest(bot, 'stranger', { kind: 'post', approverReason: OUTSIDE_CHAIN_REASON });
    await click('megan', 'accessRequest.approve', { reference: ref.teamCardOpen, comment: '' });
    await click('patti', 'accessRequest.commsSignOff', { reference: ref.teamCardOpen, comment: '' });

    // Incident team card only: Alex's report, handled by Isaiah.
    await submitReport(bot, 'alex');
    await click('isaiah', 'abuseReport.startInvestigation', { reference: ref.teamCardIncident, note: '' });
    await click('isaiah', 'abuseReport.close', { reference: ref.teamCardIncident, outcome: 'no_further_action', note: 'Nothing more to do.' });
    // Reporter: her report, acknowledged by Megan, closed by Isaiah; and a file waiting to be added.
    await submitReport(bot, 'adele');
    await click('megan', 'abuseReport.acknowledge', { reference: ref.reporter, note: '' });
    await click('isaiah', 'abuseReport.startInvestigation', { reference: ref.reporter, note: '' });
    await click('isaiah', 'abuseReport.close', { reference: ref.reporter, outcome: 'police_referral', note: 'Passed to the police.' });
    await bot.post('/api/messages', bot.activity('adele', {
      type: 'message', text: '', attachments: [{ contentType: 'image/png', name: 'screenshot.png', contentUrl: 'https://contoso.sharepoint.com/personal/adele/screenshot.png' }],
    }));
    // Incident team member: Sam's report, investigated and closed by her.
    await submitReport(bot, 'stranger');
    await click('adele', 'abuseReport.startInvestigation', { reference: ref.investigator, note: '' });
    await click('adele', 'abuseReport.close', { reference: ref.investigator, outcome: 'no_further_action', note: 'Spoke to Sam.' });
    // The reporter's manager: Alex's report naming her, acknowledged by her, closed by Isaiah.
    await submitReport(bot, 'alex', { manager: ADELE.id });
    await click('adele', 'abuseReport.acknowledge', { reference: ref.manager, note: 'Spoke to Alex, all fine.' });
    await click('isaiah', 'abuseReport.startInvestigation', { reference: ref.manager, note: '' });
    await click('isaiah', 'abuseReport.close', { reference: ref.manager, outcome: 'no_further_action', note: 'Closed.' });

    const notice = (recipient: string) => ({
      formId: randomUUID(), recipient, recipientSearch: '', link: 'https://www.facebook.com/some.one/posts/1', platform: 'facebook', platformOther: '',
      clauses: 'identifying_people', explanation: 'The post shows a tenant\'s front door and names the street.', deadline: 'days1',
    });
    // Issuer: her notice to Sam, verified by Patti.
    await click('adele', 'takedown.issue', notice(PEOPLE.stranger.id));
    await click('stranger', 'takedown.confirmRemoval', { reference: ref.issuer, note: '' });
    await click('patti', 'takedown.verify', { reference: ref.issuer, note: '' });
    // Recipient: Patti's notice to her.
    await click('patti', 'takedown.issue', notice(ADELE.id));
    await click('adele', 'takedown.confirmRemoval', { reference: ref.recipient, note: 'Deleted it.' });
    await click('patti', 'takedown.verify', { reference: ref.recipient, note: '' });
    // The recipient's manager: Patti's notice to Alex (she is his manager in the directory).
    await click('patti', 'takedown.issue', notice(PEOPLE.alex.id));
    await click('alex', 'takedown.confirmRemoval', { reference: ref.tdManager, note: '' });
    await click('patti', 'takedown.verify', { reference: ref.tdManager, note: '' });

    // A policy campaign from Patti: Adele acknowledges her card; Alex (who reports to her) does not, so the final
    // reminder tells her of him (a mark of its own), and his row names her as his line manager.
    await startCampaign(bot, {}, 'patti');
    await bot.runtime.campaigns!.drain();
    await click('adele', 'campaign.acknowledge', { reference: CAMPAIGN });
    await bot.runtime.campaigns!.timerHandlers().campaignFinal!({ reference: CAMPAIGN, timer: 'campaignFinal', dueAt: '' }, NOW);
    await bot.runtime.campaigns!.drain();

    // A leavers' notice not yet sent to everyone, as the directory sync stores it (src/directory/leaver-notice.ts):
    // a line about her as a leaver, one naming her as the one Megan's approval went to, and the mark that it reached her.
    const notices = createLeaverNoticeStore(bot.tables.directory);
    const leaverNotice = `leavers-${NOW.toISOString()}`;
    await notices.record(leaverNotice, [
      { personId: ADELE.id, leftAt: NOW.toISOString(), reference: ref.own, role: 'requester' },
      { personId: PEOPLE.megan.id, leftAt: NOW.toISOString(), reference: ref.teamCardOpen, role: 'approver', movedTo: ADELE.id },
    ]);
    await notices.reached(leaverNotice, ADELE.id, 'sent');

    // An earlier subject access request about her.
    const earlier = await collectSubjectAccess(bot.tables, ADELE.id, NOW);
    await recordSubjectAccess(bot.tables.cases, { at: NOW.toISOString(), by: PEOPLE.patti.id, subjectId: ADELE.id, caseCount: earlier.cases.length });
    await bot.idle();
    const store = createCaseStore(bot.tables.cases);
    const states = Object.fromEntries(await Promise.all(Object.values(ref).map(async (reference) => [reference, (await store.load<{ state: string }>(reference))?.snapshot.state])));
    assert.deepEqual(states, {
      [ref.own]: 'revoked', [ref.approver]: 'rejected', [ref.signOff]: 'revoked', [ref.teamCardOpen]: 'active',
      [ref.teamCardIncident]: 'closed', [ref.reporter]: 'closed', [ref.investigator]: 'closed', [ref.manager]: 'closed',
      [ref.issuer]: 'verified', [ref.recipient]: 'verified', [ref.tdManager]: 'verified',
    });
  });
  after(async () => bot.stop());

  it('seeds her into every table that can hold a person, in every part', async () => {
    const found = await scan(bot.tables, bot.personalConversation('adele'));
    const tablesWithHer = new Set(found.map((row) => row.table));
    for (const table of ['cases', 'inbox', 'conversations', 'directory', 'idempotency', 'campaignrecipients']) assert.ok(tablesWithHer.has(table), `${table} holds her data`);
    assert.equal(found.filter((row) => row.partitionKey === LEAVER_NOTICE_PARTITION).length, 3, 'a leavers\' notice: two lines and a mark');
    const campaignRows = found.filter((row) => row.table === 'campaignrecipients').map((row) => row.rowKey).sort();
    assert.deepEqual(campaignRows, [ADELE.id, PEOPLE.alex.id, `~manager-${ADELE.id}`].sort(), 'her row, Alex\'s naming her as manager, the final reminder\'s mark');
    for (const reference of Object.values(ref)) assert.ok(found.some((row) => row.partitionKey === reference), `${reference} holds her data`);
    const cardOnly = found.filter((row) => [ref.teamCardOpen, ref.teamCardIncident].includes(row.partitionKey));
    assert.ok(cardOnly.some((row) => row.rowKey.startsWith('card-')) && cardOnly.some((row) => row.rowKey.startsWith('sent-')), 'team cards leave card copies and sent marks');
    assert.ok(!found.some((row) => row.values.includes(EMAIL)), 'her e-mail address is never stored');
  });

  it('lists every row that holds her data in the subject access file, team cards included', async () => {
    const found = await scan(bot.tables, bot.personalConversation('adele'));
    const exported = await collectSubjectAccess(bot.tables, ADELE.id, NOW);
    // A key that is someone else's id (Alex's directory entry names her as his manager) is listed without it.
    const listed = (row: Found) => exported.heldRows.some((held) => held.table === row.table
      && (held.partitionKey === row.partitionKey || held.partitionKey === OTHER_PERSONS_KEY) && (held.rowKey === row.rowKey || held.rowKey === OTHER_PERSONS_KEY));
    assert.deepEqual(found.filter((row) => !listed(row)), [], 'rows with her data that the export does not list');
    assert.ok(!JSON.stringify(exported.heldRows).includes(PEOPLE.alex.id), 'nobody else\'s id');
    const parts = new Map(exported.cases.map((item) => [item.reference, item.roles]));
    assert.deepEqual(parts.get(ref.teamCardOpen), ['received the team\'s card']);
    assert.deepEqual(parts.get(ref.teamCardIncident), ['received the team\'s card']);
    assert.deepEqual(exported.cases.find((item) => item.reference === ref.teamCardOpen)!.cardCopies.map((copy) => copy.conversationId), [bot.personalConversation('adele')]);
    assert.equal(exported.cases.length, Object.keys(ref).length);
  });

  it('leaves no value of hers in any row of any table after erasure, but the retained AINM records', async () => {
    const result = await erasePerson(bot.tables, ADELE.id, PEOPLE.patti, NOW);
    assert.equal(result.outcome, 'erased', JSON.stringify(result.plan.open));
    assert.deepEqual(result.plan.notified.map((item) => item.reference).sort(), [ref.teamCardIncident, ref.teamCardOpen].sort(), 'an open case she only got a card for does not block');
    assert.deepEqual(result.plan.retained.map((item) => item.reference).sort(), [...retained].sort());

    const left = (await scan(bot.tables, bot.personalConversation('adele')))
      .filter((row) => !(row.table === 'cases' && retained.includes(row.partitionKey) && (row.rowKey === 'case' || row.rowKey.startsWith('ev-'))));
    assert.deepEqual(left, [], 'rows that still hold her data');
  });
});
