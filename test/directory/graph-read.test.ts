import assert from 'node:assert/strict';
import { BotHarness, PEOPLE } from '../support/bot-harness';
import { GRAPH_TOKEN, GraphStandIn, StandInUser } from '../support/graph-stand-in';
import type { DirectorySyncSettings } from '../../src/directory/entra-settings';
import type { DirectoryPerson } from '../../src/directory/directory';
import { createTableDirectory } from '../../src/store/directory-table';
import { collectSubjectAccess } from '../../src/data-protection/subject-access';

const COMMS_GROUP = '0f6d1c2a-3b4c-4d5e-8f90-a1b2c3d4e5f6';
const HOUSING_GROUP = '1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d';

/** The organisation as Entra ID holds it (ids as the bot harness's people). */
function staff(): StandInUser[] {
  return [
    { id: 'aad-alex', displayName: 'Alex Wilber', department: 'Housing', accountEnabled: true, mail: 'alex@example.org', managerId: 'aad-megan' },
    { id: 'aad-megan', displayName: 'Megan Bowen', department: 'Housing', accountEnabled: true, managerId: 'aad-isaiah' },
    { id: 'aad-adele', displayName: 'Adele Vance', department: 'Communications', accountEnabled: true, managerId: 'aad-isaiah' },
    { id: 'aad-patti', displayName: 'Patti Fernandez', department: 'Communications', accountEnabled: true, managerId: 'aad-isaiah' },
    { id: 'aad-isaiah', displayName: 'Isaiah Langer', department: 'Health and Safety', accountEnabled: true },
  ];
}

describe('directory sync from Entra ID: reading Microsoft Graph (a Graph stand-in over HTTP, Azurite)', function () {
  this.timeout(60_000);
  let graph: GraphStandIn;
  let bot: BotHarness;

  async function startBot(settings: Partial<DirectorySyncSettings> | undefined, people: readonly DirectoryPerson[] = []): Promise<BotHarness> {
    bot = await new BotHarness({
      people,
      ...(settings ? {
        directorySync: {
          graph: { baseUrl: graph.url, credential: { kind: 'managedIdentity' } }, graphToken: async () => GRAPH_TOKEN,
          directorySync: { roleGroups: {}, ...settings },
        },
      } : {}),
    }).start();
    return bot;
  }
  const directory = () => createTableDirectory(bot.tables.directory, 0);
  const names = async () => (await directory().everyone()).map((person) => person.name);

  beforeEach(async () => {
    graph = await new GraphStandIn().start();
    graph.users = staff();
  });
  afterEach(async () => {
    await bot?.stop();
    await graph.stop();
  });

  it('reads every page through @odata.nextLink, waits out a 429 for its Retry-After, and stores everyone with their manager', async () => {
    await startBot({});
    graph.throttleNext = '/v1.0/users';
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'synced', report.message);
    assert.deepEqual(await names(), ['Adele Vance', 'Alex Wilber', 'Isaiah Langer', 'Megan Bowen', 'Patti Fernandez']);
    assert.equal((await directory().find('aad-alex'))?.managerId, 'aad-megan');
    assert.equal((await directory().find('aad-alex'))?.department, 'Housing');
    const users = graph.requests.filter((request) => request.path === '/v1.0/users');
    assert.deepEqual(users.map((request) => request.status), [429, 200, 200, 200], 'throttled once, then three pages of two');
    assert.ok(users[1]!.at - users[0]!.at >= 950, 'the retry waited for Retry-After: 1');
    assert.match(report.message, /5 people/);
    assert.match(report.message, /First sync: nobody was treated as a new starter/);
    const stored = await bot.tables.directory.getEntity('person', 'aad-alex');
    assert.equal(stored.mail, undefined, 'no e-mail address is stored');
    const access = await collectSubjectAccess(bot.tables, 'aad-alex', new Date());
    assert.equal(access.directory?.department, 'Housing', 'what is stored is in their subject access export');
  });

  it('gives team roles from the Entra groups configured, and leaves roles without a group as the directory had them', async () => {
    await startBot({ roleGroups: { comms: COMMS_GROUP } }, Object.values(PEOPLE));
    graph.groups.set(COMMS_GROUP, ['aad-adele', 'aad-megan']);
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'synced', report.message);
    assert.deepEqual((await directory().membersOf('comms')).map((person) => person.name), ['Adele Vance', 'Megan Bowen']);
    assert.deepEqual((await directory().find('aad-patti'))?.roles, ['admin'], 'Patti leaves Comms (not in the group) and stays an admin (no admin group)');
    assert.deepEqual((await directory().find('aad-isaiah'))?.roles, ['incident']);
    assert.ok(graph.paths().includes(`/v1.0/groups/${COMMS_GROUP}/transitiveMembers/microsoft.graph.user`), 'nested groups count (transitiveMembers)');
  });

  it('with a department filter reads that department only, and the managers of its people from outside it', async () => {
    await startBot({ filter: { department: 'Housing' } });
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'synced', report.message);
    assert.deepEqual(await names(), ['Alex Wilber', 'Isaiah Langer', 'Megan Bowen'], 'Isaiah is Megan\'s manager, from Health and Safety');
    assert.ok(graph.paths().includes('/v1.0/users/aad-isaiah'));
  });

  it('with a group filter reads the group\'s members only', async () => {
    await startBot({ filter: { groupId: HOUSING_GROUP } });
    graph.groups.set(HOUSING_GROUP, ['aad-adele', 'aad-patti', 'aad-isaiah']);
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'synced', report.message);
    assert.deepEqual(await names(), ['Adele Vance', 'Isaiah Langer', 'Patti Fernandez']);
  });

  for (const [what, broken] of [
    ['a page Graph fails to serve', { status: 500, body: '{"error":{"code":"generalException"}}' }],
    ['a page that is not JSON', { status: 200, body: '<html>proxy error</html>' }],
    ['a page without a value list', { status: 200, body: '{"oops":[]}' }],
  ] as const) {
    it(`stores nothing of a sync when it meets ${what} half-way`, async () => {
      await startBot({}, Object.values(PEOPLE));
      graph.users = [...staff(), { id: 'aad-newbie', displayName: 'Nina New', accountEnabled: true }];
      graph.brokenPage = { skip: 4, ...broken };
      const before = await directory().allRecords();
      const report = await bot.runtime.syncDirectory(new Date());

      assert.equal(report.outcome, 'failed');
      assert.match(report.message, /Microsoft Graph could not be read .*nothing was changed/);
      assert.deepEqual(await directory().allRecords(), before);
      assert.equal(await directory().lastSync(), undefined);
    });
  }

  it('never follows a next page on another host, so the token goes only to Graph', async () => {
    const elsewhere = await new GraphStandIn().start();
    try {
      await startBot({}, Object.values(PEOPLE));
      graph.nextLinkOrigin = new URL(elsewhere.url).origin;
      const report = await bot.runtime.syncDirectory(new Date());

      assert.equal(report.outcome, 'failed');
      assert.equal(elsewhere.requests.length, 0, 'nothing was sent to the other host');
      assert.equal(await directory().lastSync(), undefined);
    } finally {
      await elsewhere.stop();
    }
  });

  it('clips a huge name, skips records without a usable id, and leaves someone whose record has no name as they were', async () => {
    await startBot({}, [PEOPLE.megan, PEOPLE.isaiah]);
    graph.users = [
      { id: 'aad-megan', accountEnabled: true, managerId: 'aad-isaiah' },
      { id: 'aad-isaiah', displayName: 'Isaiah Langer', accountEnabled: true },
      { id: 'aad-long', displayName: `Long ${'x'.repeat(200_000)}`, department: 'y'.repeat(70_000), accountEnabled: true },
      { id: '../../etc/passwd', displayName: 'Path Person', accountEnabled: true },
      { id: 42, displayName: 'Number Person' },
      { displayName: 'Nobody' },
    ];
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'synced', report.message);
    const long = await directory().find('aad-long');
    assert.equal(long?.name.length, 100);
    assert.equal(long?.department?.length, 100);
    assert.equal((await directory().find('aad-megan'))?.name, 'Megan Bowen', 'kept as she was, not a leaver');
    assert.equal((await directory().find('aad-megan'))?.leftAt, undefined);
    assert.equal((await directory().allRecords()).length, 3);
    assert.match(report.message, /4 account\(s\) Graph gave no usable record for were left as they were/);
  });

  it('says what to check when Graph refuses the token, and changes nothing', async () => {
    bot = await new BotHarness({
      people: Object.values(PEOPLE),
      directorySync: { graph: { baseUrl: graph.url, credential: { kind: 'managedIdentity' } }, graphToken: async () => 'not-consented', directorySync: { roleGroups: {} } },
    }).start();
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'failed');
    assert.match(report.message, /HTTP 401 InvalidAuthenticationToken\): nothing was changed\. Check that the Graph application permissions were granted/);
    assert.equal((await directory().everyone()).length, Object.values(PEOPLE).length);
  });

  it('says clearly that the sync is off, and changes nothing, when no Graph is configured', async () => {
    await startBot(undefined, Object.values(PEOPLE));
    const report = await bot.runtime.syncDirectory(new Date());

    assert.equal(report.outcome, 'off');
    assert.match(report.message, /directory sync from Entra ID is off: set DIRECTORY_SYNC=entra and GRAPH_AUTH/);
    assert.equal(graph.requests.length, 0);
    assert.equal((await directory().everyone()).length, Object.values(PEOPLE).length);
  });

  it('refuses a sync that would mark more than a fifth of the people as leavers, unless told to accept them', async () => {
    const many = Array.from({ length: 150 }, (_, index): StandInUser => ({ id: `aad-p${index}`, displayName: `Person ${index}`, accountEnabled: true }));
    await startBot({});
    graph.pageSize = 100;
    graph.users = many;
    assert.equal((await bot.runtime.syncDirectory(new Date())).outcome, 'synced');
    graph.users = many.slice(0, 110);

    const refused = await bot.runtime.syncDirectory(new Date());
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.message, /would mark 40 of 150 people as leavers.*--accept-leavers/);
    assert.equal((await directory().everyone()).length, 150, 'stored in transactions of 100, all of them');

    const accepted = await bot.runtime.syncDirectory(new Date(), { acceptLeavers: true });
    assert.equal(accepted.outcome, 'synced', accepted.message);
    assert.equal((await directory().everyone()).length, 110);
    assert.equal((await directory().allRecords()).length, 150, 'leavers are marked, not deleted');
  });
});
