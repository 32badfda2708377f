import assert from 'node:assert/strict';
import { odata } from '@azure/data-tables';
import sinon from 'sinon';
import type { DirectoryPerson } from '../../src/directory/directory';
import { BotHarness, buttonVerbs, CardJson, cardText, PEOPLE, PersonKey, TENANT } from '../support/bot-harness';
import {
  ABUSE_DESCRIPTION, ABUSE_LINK, newCardsIn, NOW, sendFiles, submitReport, teamsFile,
} from './conversation-helpers';

/**
 * DESIGN.md section 2: an AINM record is confidential. Only the reporter, their manager, the Incident team
 * and admins see it; for anyone else it does not exist, and nobody can act on it from forged card data.
 */
const REF = 'AINM-2026-00001';
const MISSING = 'AINM-2026-00999';

/** A line manager with no part in alex's report: Lynne Robbins reports to him. */
const NESTOR: DirectoryPerson = { id: 'aad-nestor', name: 'Nestor Wilke', roles: [] };
const LYNNE: DirectoryPerson = { id: 'aad-lynne', name: 'Lynne Robbins', managerId: NESTOR.id, roles: [] };

type Who = PersonKey | DirectoryPerson;
const chatOf = (bot: BotHarness, who: Who) => (typeof who === 'string' ? bot.personalConversation(who) : `personal-${who.id}`);

/** The activity Teams would send from `who` (one of the harness people, or someone added to the directory). */
function activityOf(bot: BotHarness, who: Who, fields: Record<string, unknown>): Record<string, unknown> {
  if (typeof who === 'string') return bot.activity(who, fields);
  return bot.activity('stranger', {
    conversation: { id: chatOf(bot, who), conversationType: 'personal', tenantId: TENANT },
    from: { id: `29:${who.id}`, aadObjectId: who.id, name: who.name },
    ...fields,
  });
}

async function click(bot: BotHarness, who: Who, verb: string, data: Record<string, unknown>): Promise<CardJson> {
  const answer = await bot.post('/api/messages', activityOf(bot, who, {
    type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-msg',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  }));
  const body = answer.body as { type?: string; value?: CardJson } | undefined;
  assert.equal(answer.status, 200, `${verb} answered ${answer.status}`);
  assert.equal(body?.type, 'application/vnd.microsoft.card.adaptive', `${verb} answered with a card`);
  return body!.value!;
}

async function say(bot: BotHarness, who: Who, text: string): Promise<CardJson> {
  const before = newCardsIn(bot, chatOf(bot, who)).length;
  const answer = await bot.post('/api/messages', activityOf(bot, who, { type: 'message', text }));
  assert.equal(answer.status, 200);
  const cards = newCardsIn(bot, chatOf(bot, who));
  assert.equal(cards.length, before + 1, `"${text}" is answered with one card`);
  return cards.at(-1)!;
}

async function auditEvents(bot: BotHarness, reference: string): Promise<number> {
  let count = 0;
  const rows = bot.tables.cases.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge 'ev-' and RowKey lt 'ev.'` } });
  for await (const _row of rows) count++;
  return count;
}

/** Everything the people with a part in the record have been sent so far. */
function cardsOfParticipants(bot: BotHarness): number {
  return (['alex', 'megan', 'isaiah', 'patti'] as const).reduce((sum, person) => sum + newCardsIn(bot, bot.personalConversation(person)).length, 0);
}

const MAY_SEE: readonly { role: string; who: Who }[] = [
  { role: 'the reporter', who: 'alex' },
  { role: 'their line manager', who: 'megan' },
  { role: 'an Incident team member', who: 'isaiah' },
  { role: 'an admin', who: 'patti' },
];
const MAY_NOT_SEE: readonly { role: string; who: Who }[] = [
  { role: 'a stranger', who: 'stranger' },
  { role: 'another line manager', who: NESTOR },
  { role: 'a Communications Team member', who: 'adele' },
];
const ACTIONS: readonly { verb: string; data: Record<string, unknown> }[] = [
  { verb: 'abuseReport.acknowledge', data: { note: 'Seen, thanks.' } },
  { verb: 'abuseReport.addNote', data: { note: 'A note from someone with no part in it.' } },
  { verb: 'abuseReport.startInvestigation', data: { note: '' } },
  { verb: 'abuseReport.close', data: { outcome: 'no_further_action', note: 'Closing it.' } },
];

describe('abuse reports are confidential', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW, people: [...Object.values(PEOPLE), NESTOR, LYNNE] }).start();
    for (const person of ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'] as const) await bot.install(person);
    for (const person of [NESTOR, LYNNE]) await bot.post('/api/messages', activityOf(bot, person, { type: 'installationUpdate', action: 'add' }));
    await submitReport(bot, 'alex'); // AINM-2026-00001: alex, manager megan
    await click(bot, LYNNE, 'abuseReport.submit', { // AINM-2026-00002: lynne, manager nestor
      formId: '3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b', category: 'abuse', source: 'unknown', platform: 'x', links: '',
      happenedOn: '2026-11-25', description: 'Abusive replies to the repairs post.', immediateDanger: 'false', wantsSupport: 'false', manager: NESTOR.id,
    });
    await bot.idle();
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  describe('who sees the record', () => {
    for (const { role, who } of MAY_SEE) {
      it(`shows the record to ${role}, typed and from a list`, async () => {
        for (const card of [await say(bot, who, `show ${REF}`), await click(bot, who, 'case.show', { reference: REF })]) {
          assert.match(cardText(card), /Abuse or harassment report \(AINM\)/);
          assert.match(cardText(card), new RegExp(REF));
          assert.ok(cardText(card).includes(ABUSE_DESCRIPTION), `${role} sees what happened`);
          assert.doesNotMatch(cardText(card), /can't find/);
        }
      });
    }

    for (const { role, who } of MAY_NOT_SEE) {
      it(`answers ${role} exactly as for a reference that does not exist`, async () => {
        const typed = await say(bot, who, `show ${REF}`);
        assert.deepEqual(typed, await say(bot, who, `show ${MISSING}`), 'typed: the same answer as for no record');
        const clicked = await click(bot, who, 'case.show', { reference: REF });
        assert.deepEqual(clicked, await click(bot, who, 'case.show', { reference: MISSING }), 'from a list: the same answer');
        const refreshed = await click(bot, who, 'abuseReport.refresh', { reference: REF });
        assert.deepEqual(refreshed, await click(bot, who, 'abuseReport.refresh', { reference: MISSING }), 'an automatic refresh: the same answer');
        for (const card of [typed, clicked, refreshed]) {
          assert.match(cardText(card), /I can't find that report, or you don't have a part in it\./);
          const json = JSON.stringify(card);
          for (const secret of [REF, ABUSE_DESCRIPTION, 'Alex', 'Megan', 'Harassment']) assert.ok(!json.includes(secret), `${role} does not learn "${secret}"`);
          assert.deepEqual(buttonVerbs(card), []);
        }
      });
    }

    it('lets the other line manager see their own team member\'s report, and only that', async () => {
      assert.match(cardText(await say(bot, NESTOR, 'show AINM-2026-00002')), /Abusive replies to the repairs post\./);
      assert.deepEqual(newCardsIn(bot, chatOf(bot, NESTOR)).filter((card) => cardText(card).includes(REF)), [], 'he was never sent alex\'s record');
    });
  });

  describe('nobody without a part in the record can act on it', () => {
    for (const { role, who } of MAY_NOT_SEE) {
      for (const { verb, data } of ACTIONS) {
        it(`gives ${role} the can't-find answer for ${verb.split('.')[1]} and stores nothing`, async () => {
          const reportersView = await say(bot, 'alex', `show ${REF}`);
          const events = await auditEvents(bot, REF);
          const participantsCards = cardsOfParticipants(bot);

          const answer = await click(bot, who, verb, { reference: REF, ...data });
          assert.deepEqual(answer, await click(bot, who, verb, { reference: MISSING, ...data }), 'the same answer as for a record that does not exist');
          assert.match(cardText(answer), /I can't find that report, or you don't have a part in it\./);
          assert.ok(!JSON.stringify(answer).includes(ABUSE_DESCRIPTION));
          await bot.idle();

          assert.equal(await auditEvents(bot, REF), events, 'no event was stored');
          assert.equal(cardsOfParticipants(bot), participantsCards, 'nobody was told anything');
          assert.deepEqual(await say(bot, 'alex', `show ${REF}`), reportersView, 'the reporter\'s view of the record is unchanged');
        });
      }
    }
  });

  describe('forged card data', () => {
    it('grants a stranger nothing when the card data names the manager as the actor', async () => {
      const reportersView = await say(bot, 'alex', `show ${REF}`);
      const forged = { reference: REF, actorId: PEOPLE.megan.id, userId: PEOPLE.megan.id, aadObjectId: PEOPLE.megan.id, roles: ['incident', 'admin'], note: 'Acknowledged.' };
      for (const verb of ['abuseReport.acknowledge', 'abuseReport.startInvestigation', 'case.show']) {
        const card = await click(bot, 'stranger', verb, forged);
        assert.match(cardText(card), /can't find that report/, `${verb} with forged data is refused`);
        assert.ok(!JSON.stringify(card).includes(ABUSE_DESCRIPTION));
      }
      await bot.idle();
      assert.deepEqual(await say(bot, 'alex', `show ${REF}`), reportersView);
    });

    it('does not let the manager work the record as the Incident team by claiming the role in card data', async () => {
      const forged = { reference: REF, actorId: PEOPLE.isaiah.id, roles: ['incident'], role: 'incident', outcome: 'no_further_action', note: 'Nothing to see.' };
      const investigate = await click(bot, 'megan', 'abuseReport.startInvestigation', forged);
      assert.match(cardText(investigate), /Only the Incident team \(Health & Safety\) investigates reports/);
      const close = await click(bot, 'megan', 'abuseReport.close', forged);
      assert.match(cardText(close), /Only the Incident team \(Health & Safety\) closes reports/);
      await bot.idle();
      assert.match(cardText(await say(bot, 'alex', `show ${REF}`)), /Reported: waiting for the line manager/);
    });

    it('does not let a stranger add their staged files to someone else\'s report', async () => {
      await sendFiles(bot, 'stranger', [teamsFile('fake.png', 'png')]);
      const card = await click(bot, 'stranger', 'abuseReport.attachEvidence', { reference: REF });
      assert.match(cardText(card), /can't find that report/);
      assert.doesNotMatch(cardText(await say(bot, 'alex', `show ${REF}`)), /fake\.png/);
    });
  });

  describe('logs', () => {
    it('carry no description, link, note, file name or person name through a whole report, with a failed delivery retried', async () => {
      await bot.stop();
      bot = await new BotHarness({ now: () => NOW }).start();
      for (const person of ['alex', 'megan', 'isaiah'] as const) await bot.install(person);
      // The Incident team's alert fails (the connector client retries a 503 three times itself), so failures are logged too.
      bot.connector.faults.set(bot.personalConversation('isaiah'), Array.from({ length: 4 }, () => ({ status: 503, retryAfterSeconds: 0 })));
      bot.logLines.length = 0;

      await submitReport(bot, 'alex', { wantsSupport: 'true', immediateDanger: 'true' });
      await sendFiles(bot, 'alex', [teamsFile('bruises-photo.jpg', 'jpg')]);
      await bot.click('alex', 'abuseReport.attachEvidence', { reference: REF });
      await bot.click('megan', 'abuseReport.acknowledge', { reference: REF, note: 'Called Alex at home, shaken but safe.' });
      await bot.click('megan', 'abuseReport.addNote', { reference: REF, note: 'The commenter uses the name Dave Smith.' });
      await bot.idle();
      bot.advanceClock(60_000);
      await bot.runtime.scheduler.tick();
      await bot.click('isaiah', 'abuseReport.startInvestigation', { reference: REF, note: 'Asked Facebook for the account details.' });
      await bot.click('isaiah', 'abuseReport.close', { reference: REF, outcome: 'police_referral', note: 'Police Scotland crime number 0423.' });
      await bot.idle();
      await bot.say('alex', 'my reports');
      assert.match(cardText(bot.lastCardFor('alex')), /Closed/, 'the flow ran to the end');

      const logs = bot.logLines.join('\n');
      assert.ok(bot.logLines.length > 0, 'the failed delivery was logged');
      assert.match(logs, /AINM-2026-00001/, 'logs carry the reference');
      const secrets = [
        ABUSE_DESCRIPTION, 'knows where I park', ABUSE_LINK, 'wheatleyhousing', 'pfbid0abc123', 'bruises-photo', 'sharepoint', 'tempauth',
        'shaken but safe', 'Dave Smith', 'account details', 'crime number',
      ];
      for (const secret of secrets) assert.ok(!logs.toLowerCase().includes(secret.toLowerCase()), `the logs do not contain "${secret}"`);
      // Ids (here "aad-alex") may be logged; names may not.
      for (const name of ['alex', 'megan', 'isaiah'].flatMap((key) => PEOPLE[key as PersonKey].name.split(' '))) {
        assert.ok(!logs.includes(name), `the logs do not contain the name "${name}"`);
      }
    });
  });
});
