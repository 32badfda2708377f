import assert from 'node:assert/strict';
import { odata } from '@azure/data-tables';
import { LEAVER_NOTICE_PARTITION } from '../../src/store/leaver-notices';
import { BotHarness, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { GRAPH_TOKEN, GraphStandIn, StandInUser } from '../support/graph-stand-in';
import { ask, cardsMatching, errorNextTo, listItems, NOW, submitReport, submitRequest } from '../bot/conversation-helpers';
import type { NewStarterEnrolment } from '../../src/directory/new-starters';
import { createTableDirectory } from '../../src/store/directory-table';

const REF = 'AR-2026-00001';

/** Entra ID as the harness's directory has it: Alex reports to Megan, Megan to Isaiah. */
function entraUsers(): StandInUser[] {
  return Object.values(PEOPLE).map((person) => ({
    id: person.id, displayName: person.name, accountEnabled: true, ...('managerId' in person ? { managerId: person.managerId } : {}),
  }));
}

/** The campaigns' side of the interface: who was enrolled, in which calls; `failNext` makes one call fail. */
class RecordedEnrolment implements NewStarterEnrolment {
  readonly calls: string[][] = [];
  failNext = false;
  async enrol(personIds: readonly string[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('campaign store unavailable');
    }
    this.calls.push([...personIds]);
  }
}

describe('directory sync from Entra ID: what changes in the desk (real bot over HTTP, Graph stand-in, Azurite)', function () {
  this.timeout(60_000);
  let graph: GraphStandIn;
  let bot: BotHarness;
  let enrolment: RecordedEnrolment;

  const withGraph = () => ({
    graph: { baseUrl: graph.url, credential: { kind: 'managedIdentity' as const } }, graphToken: async () => GRAPH_TOKEN,
    directorySync: { roleGroups: {} }, newStarters: enrolment,
  });
  const sync = async () => {
    const report = await bot.runtime.syncDirectory(NOW);
    await bot.idle();
    assert.equal(report.outcome, 'synced', report.message);
    return report;
  };
  const setUser = (id: string, change: Partial<StandInUser>) => {
    graph.users = graph.users.map((user) => (user.id === id ? { ...user, ...change } : user));
  };

  beforeEach(async () => {
    graph = await new GraphStandIn().start();
    graph.users = entraUsers();
    enrolment = new RecordedEnrolment();
    bot = await new BotHarness({ now: () => NOW, directorySync: withGraph() }).start();
    for (const person of ['alex', 'megan', 'adele', 'patti', 'isaiah'] as const) await bot.install(person);
    // A first install is a new starter of its own (the campaigns' side): only the sync's calls count here.
    enrolment.calls.length = 0;
    await sync();
  });
  afterEach(async () => {
    await bot.stop();
    await graph.stop();
  });

  it('moves a request waiting for the old line manager to the new one, tells all three, and the audit trail says "Directory sync"', async () => {
    await submitRequest(bot, 'alex');
    setUser(PEOPLE.alex.id, { managerId: PEOPLE.adele.id });
    const report = await sync();

    assert.equal(report.counts?.managerChanges, 1);
    assert.equal(report.counts?.approvalsMoved, 1);
    assert.equal(cardsMatching(bot, 'adele', /Alex Wilber's request for .* now waits for you: the staff directory changed who approves it/).length, 1);
    assert.equal(cardsMatching(bot, 'alex', /Your request now waits for Adele Vance: the staff directory changed who approves it/).length, 1);
    assert.equal(cardsMatching(bot, 'megan', new RegExp(`${REF}[\\s\\S]*This request has moved to another approver: nothing is needed from you`)).length, 1);
    assert.match(cardText(await ask(bot, 'adele', 'approvals')), new RegExp(REF));
    assert.doesNotMatch(cardText(await ask(bot, 'megan', 'approvals')), new RegExp(REF));
    const opened = await ask(bot, 'alex', REF);
    assert.match(cardText(opened), /Given a new approver by Directory sync/);

    const cardsBefore = bot.connector.calls.length;
    const again = await sync();
    assert.equal(again.counts?.approvalsMoved, 0, 'a second run changes nothing');
    assert.equal(bot.connector.calls.length, cardsBefore, 'and sends nothing');
  });

  it('marks a leaver (not deleted), gives the approvals waiting for them to their own manager, and shows their open cases to Comms and the admins, each only what they may see', async () => {
    await submitRequest(bot, 'alex');
    await submitReport(bot, 'alex');
    setUser(PEOPLE.megan.id, { accountEnabled: false });
    const report = await sync();

    assert.equal(report.counts?.leavers, 1);
    const directory = createTableDirectory(bot.tables.directory, 0);
    const megan = await directory.find(PEOPLE.megan.id);
    assert.ok(megan?.leftAt, 'Megan is kept, marked as a leaver');
    assert.equal(megan?.name, 'Megan Bowen');
    assert.ok(!(await directory.everyone()).some((person) => person.id === PEOPLE.megan.id), 'and is in no people list');

    assert.equal(cardsMatching(bot, 'isaiah', /Alex Wilber's request for .* now waits for you: the staff directory changed who approves it/).length, 1);
    assert.match(cardText(await ask(bot, 'isaiah', 'approvals')), new RegExp(REF));

    const pattiList = cardsMatching(bot, 'patti', /People who left: their open cases/);
    assert.equal(pattiList.length, 1, 'Patti (Comms and admin) gets one list');
    assert.deepEqual(listItems(pattiList[0]).map((item) => item.reference).sort(), ['AINM-2026-00001', REF], 'an admin sees the AINM record waiting on Megan too');
    assert.match(cardText(pattiList[0]), /Megan Bowen \(left\)/);
    assert.match(cardText(pattiList[0]), /Now waits for Isaiah Langer, Megan Bowen's manager/);
    const adeleList = cardsMatching(bot, 'adele', /People who left: their open cases/);
    assert.equal(adeleList.length, 1);
    assert.deepEqual(listItems(adeleList[0]).map((item) => item.reference), [REF], 'Comms alone never learn of an AINM record');
    assert.equal(cardsMatching(bot, 'alex', /People who left/).length, 0);
    const syncLine = bot.logLines.find((line) => line.includes('directory synced from Entra ID') && line.includes('"leavers":1'));
    assert.ok(syncLine, 'one log line with the counts');
    assert.ok(!bot.logLines.some((line) => /Megan Bowen|Alex Wilber/.test(line)), 'and no names in any log line');
  });

  it('lets nobody choose a leaver as approver', async () => {
    setUser(PEOPLE.megan.id, { accountEnabled: false });
    await sync();
    const form = await submitRequest(bot, 'alex', { approver: PEOPLE.megan.id });
    assert.match(errorNextTo(form, 'approver') ?? '', /couldn't find that person in the staff directory/);
    assert.match(cardText(await ask(bot, 'alex', 'my requests')), /You have not asked for access yet/);
  });

  it('treats an account removed from Entra ID as a leaver too, and a leaver whose account comes back as a joiner', async () => {
    graph.users = graph.users.filter((user) => user.id !== PEOPLE.stranger.id);
    assert.equal((await sync()).counts?.leavers, 1);
    assert.ok((await createTableDirectory(bot.tables.directory, 0).find(PEOPLE.stranger.id))?.leftAt);

    graph.users = entraUsers();
    const back = await sync();
    assert.equal(back.counts?.joiners, 1);
    assert.equal((await createTableDirectory(bot.tables.directory, 0).find(PEOPLE.stranger.id))?.leftAt, undefined);
  });

  it('gives joiners the current campaign once, and keeps a joiner waiting for it when enrolling failed', async () => {
    assert.deepEqual(enrolment.calls, [], 'the first sync takes nobody for a new starter');
    graph.users = [...graph.users, { id: 'aad-nina', displayName: 'Nina New', accountEnabled: true, managerId: PEOPLE.megan.id }];
    enrolment.failNext = true;
    await assert.rejects(bot.runtime.syncDirectory(NOW), /campaign store unavailable/);
    assert.equal((await createTableDirectory(bot.tables.directory, 0).find('aad-nina'))?.name, 'Nina New', 'Nina is in the directory already');

    const next = await sync();
    assert.deepEqual(enrolment.calls, [['aad-nina']], 'the next run enrols her');
    assert.equal(next.counts?.joiners, 0);
    await sync();
    assert.deepEqual(enrolment.calls, [['aad-nina']], 'and only once');
  });

  it('changes roles from the Entra groups: a new Comms member gets the Comms commands', async () => {
    const commsGroup = '0f6d1c2a-3b4c-4d5e-8f90-a1b2c3d4e5f6';
    await bot.stop();
    bot = await new BotHarness({ now: () => NOW, tables: { tables: bot.tables, prefix: bot.tablePrefix }, directorySync: { ...withGraph(), directorySync: { roleGroups: { comms: commsGroup } } } }).start();
    graph.groups.set(commsGroup, [PEOPLE.adele.id, PEOPLE.alex.id]);
    const report = await sync();

    assert.equal(report.counts?.roleChanges, 2, 'Alex joins Comms, Patti leaves it');
    assert.match(cardText(await ask(bot, 'alex', 'takedowns')), /Open takedown notices[\s\S]*No open takedown notices/);
    assert.match(cardText(await ask(bot, 'patti', 'takedowns')), /Communications Team only/);
  });

  describe('the leavers\' notice, when it cannot go out at once', () => {
    const MINUTE = 60_000;
    /** The leavers' lists that reached a person (the connector took them: a faulted call delivered nothing). */
    const listsFor = (person: PersonKey) => bot.connector.cardsIn(bot.personalConversation(person)).filter((card) => /People who left: their open cases/.test(cardText(card))).length;
    const noticeRows = async () => {
      let rows = 0;
      for await (const _ of bot.tables.directory.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${LEAVER_NOTICE_PARTITION}` } })) rows++;
      return rows;
    };
    const tick = async () => {
      const report = await bot.runtime.scheduler.tick();
      await bot.idle();
      return report;
    };

    it('keeps it when a send fails, and the scheduler sends it to the one it missed, not again to the others', async () => {
      await submitRequest(bot, 'alex');
      setUser(PEOPLE.megan.id, { accountEnabled: false });
      // The connector client retries a 503 three times: four make Patti's send fail.
      bot.connector.faults.set(bot.personalConversation('patti'), Array.from({ length: 4 }, () => ({ status: 503, retryAfterSeconds: 0 })));
      await sync();
      assert.equal(listsFor('adele'), 1);
      assert.equal(listsFor('patti'), 0, 'the connector did not take Patti\'s card');

      bot.advanceClock(MINUTE);
      await tick();
      assert.equal(listsFor('patti'), 1, 'the retry reached Patti');
      assert.equal(listsFor('adele'), 1, 'and did not send Adele a second card');
      assert.equal(await noticeRows(), 0, 'nothing of the notice is kept once it is sent');
      bot.advanceClock(60 * MINUTE);
      await tick();
      assert.deepEqual([listsFor('adele'), listsFor('patti')], [1, 1], 'and nothing is sent again');
    });

    it('is sent by another instance when the syncing one died while sending it, to each recipient once', async () => {
      await submitRequest(bot, 'alex');
      setUser(PEOPLE.megan.id, { accountEnabled: false });
      // Another instance on the same tables syncs, and dies while the connector holds its send to Patti (the send
      // would time out only after the test: the instance is gone as far as the test can tell).
      bot.connector.faults.set(bot.personalConversation('patti'), [{ status: 503, dropAfterMs: 60 * MINUTE }]);
      const dying = await new BotHarness({ now: () => NOW, tables: { tables: bot.tables, prefix: bot.tablePrefix }, directorySync: withGraph() }).start();
      void dying.runtime.syncDirectory(NOW);
      await until(() => bot.connector.calls.some((call) => call.conversationId === bot.personalConversation('patti') && /People who left/.test(cardText(call.body))));
      await dying.stop();
      assert.deepEqual([listsFor('adele'), listsFor('patti')], [1, 0], 'Adele\'s card went out before it died');

      await tick();
      assert.deepEqual([listsFor('adele'), listsFor('patti')], [1, 0], 'a sync finds no leaver, and the dead instance\'s claim on the notice still runs');
      bot.advanceClock(4 * MINUTE);
      await tick();
      assert.deepEqual([listsFor('adele'), listsFor('patti')], [1, 1], 'Patti got it from this instance, and Adele not again');
      assert.equal(await noticeRows(), 0);
    });
  });

  it('runs once a day on one instance only: two schedulers, one sync', async () => {
    const second = await new BotHarness({ now: () => NOW, tables: { tables: bot.tables, prefix: bot.tablePrefix }, directorySync: withGraph() }).start();
    try {
      const pagesOfOneSync = Math.ceil(graph.users.length / graph.pageSize);
      const usersPages = () => graph.requests.filter((request) => request.path === '/v1.0/users').length;
      const before = usersPages();
      await Promise.all([bot.runtime.scheduler.tick(), second.runtime.scheduler.tick()]);
      assert.equal(usersPages() - before, pagesOfOneSync, 'one instance read Entra ID, once');
      await Promise.all([bot.runtime.scheduler.tick(), second.runtime.scheduler.tick()]);
      assert.equal(usersPages() - before, pagesOfOneSync, 'and not again the same day');
    } finally {
      await second.stop();
    }
  });
});

/** Polls (real time) until a background step has happened. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), 'the background step happened');
}
