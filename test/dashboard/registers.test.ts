import assert from 'node:assert/strict';
import { createDashboardIdentity } from '../../src/dashboard/identity';
import { createLogger } from '../../src/logger';
import { continuationAt } from '../../src/dashboard/paging';
import { collectSubjectAccess } from '../../src/data-protection/subject-access';
import { createStatisticsStore, summaryKeyOf } from '../../src/store/statistics';
import { BotHarness, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, issueTakedown, press, submitReport, submitRequest } from '../bot/conversation-helpers';
import { api, ApiAnswer, as } from './dashboard-client';

interface RegisterBody {
  columns: { key: string; label: string }[];
  rows: { reference: string; cells: Record<string, string>; deepLink: string }[];
  continuation?: string;
  order: string;
  sort: string;
  orders: { id: string; label: string }[];
}

/**
 * Who sees which register, and how a register pages, searches and downloads: locally (no app id, loopback), as
 * Comms (Adele), the Incident team (Isaiah), a manager (Megan, Alex's line manager) and staff (Alex).
 */
describe('dashboard API: views and registers by role (bot over HTTP, Azurite)', function () {
  this.timeout(120_000);
  let bot: BotHarness;

  before(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    await submitRequest(bot, 'alex', { endDate: '2027-01-15' });
    await press(bot, 'megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    await submitRequest(bot, 'alex', { sites: 'x', kind: 'view' });
    await press(bot, 'megan', 'accessRequest.approve', { reference: 'AR-2026-00002', comment: '' });
    await submitRequest(bot, 'alex', { sites: 'youtube' });
    await submitReport(bot, 'alex');
    await issueTakedown(bot);
  });
  after(async () => bot.stop());

  const views = async (person: PersonKey) => ((await as(bot, person, '/me')).body as { views: string[] }).views;

  it('offers each person the views their roles give them, marked local', async () => {
    assert.deepEqual(await views('adele'), ['overview', 'serviceLevels', 'register:access', 'register:desk']);
    assert.deepEqual(await views('isaiah'), ['overview', 'serviceLevels', 'register:ainm', 'register:myTeam'], 'Megan, Adele and Patti report to him');
    assert.deepEqual(await views('megan'), ['overview', 'register:myTeam']);
    assert.deepEqual(await views('alex'), ['overview']);
    const me = await as(bot, 'alex', '/me');
    assert.deepEqual(me.body, { name: 'Alex Wilber', roles: [], local: true, views: ['overview'] });
  });

  it('lists the directory for the local person chooser, and refuses an unknown or missing person', async () => {
    const people = (await api(bot, '/local/people')).body as { id: string; name: string; roles: string[] }[];
    assert.ok(people.some((person) => person.id === PEOPLE.isaiah.id && person.roles.includes('incident')));
    assert.equal((await api(bot, '/overview')).status, 401);
    assert.equal((await api(bot, '/overview', { 'X-Dashboard-User': 'aad-nobody' })).status, 401);
  });

  it('answers local mode on loopback only', async () => {
    const identity = createDashboardIdentity({ appId: '', allowedTenantIds: [], directory: bot.runtime.directory, logger: createLogger('silent') });
    assert.deepEqual(await identity.identify({ headers: { 'x-dashboard-user': PEOPLE.adele.id }, remoteAddress: '10.1.2.3' }), { ok: false, status: 404 });
    assert.equal(identity.isLocal({ remoteAddress: '10.1.2.3' }), false);
  });

  it('refuses a register that is not the person\'s with 403 and words to show', async () => {
    const refusals: [PersonKey, string][] = [['alex', 'access'], ['alex', 'desk'], ['adele', 'ainm'], ['megan', 'ainm'], ['adele', 'myTeam'], ['isaiah', 'access']];
    for (const [person, name] of refusals) {
      const answer = await as(bot, person, `/registers/${name}`);
      assert.equal(answer.status, 403, `${person} ${name}`);
      assert.equal(typeof (answer.body as { error: string }).error, 'string');
    }
    assert.equal((await as(bot, 'alex', '/registers/ainm/csv')).status, 403, 'nor as a file');
    assert.equal((await as(bot, 'adele', '/registers/everything')).status, 404);
  });

  it('gives the Incident team the AINM register, with no description of what happened', async () => {
    const answer = await as(bot, 'isaiah', '/registers/ainm');
    const body = answer.body as RegisterBody;
    assert.deepEqual(body.rows.map((row) => row.reference), ['AINM-2026-00001']);
    assert.equal(body.rows[0]!.cells.category, 'Harassment');
    assert.doesNotMatch(answer.text, /knows where I park/, 'the description stays in Teams');
  });

  it('gives a manager their reports\' cases they may see, not an unescalated takedown notice', async () => {
    const body = (await as(bot, 'megan', '/registers/myTeam?pageSize=100')).body as RegisterBody;
    const references = body.rows.map((row) => row.reference).sort();
    assert.deepEqual(references, ['AINM-2026-00001', 'AR-2026-00001', 'AR-2026-00002', 'AR-2026-00003']);
    assert.ok(body.rows.every((row) => row.cells.person === 'Alex Wilber'));
  });

  it('pages the access register newest first with continuation tokens, and searches it', async () => {
    const first = await as(bot, 'adele', '/registers/access?pageSize=1');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const page1 = first.body as RegisterBody;
    assert.deepEqual(page1.columns.map((column) => column.key), ['reference', 'person', 'sites', 'access', 'from', 'until', 'approvedBy', 'signedOffBy']);
    assert.equal(page1.order, 'Newest request first');
    assert.deepEqual(page1.rows.map((row) => row.reference), ['AR-2026-00002'], 'active access only, newest first');
    assert.ok(page1.continuation);
    assert.match(page1.rows[0]!.deepLink, /^$/, 'no Teams to open locally');
    const answer2 = await as(bot, 'adele', `/registers/access?pageSize=1&continuation=${page1.continuation}`);
    assert.equal(answer2.status, 200, `${answer2.text} ${Buffer.from(page1.continuation, 'base64url').toString()}`);
    const page2 = answer2.body as RegisterBody;
    assert.deepEqual(page2.rows.map((row) => row.reference), ['AR-2026-00001']);
    assert.equal(page2.continuation, undefined, 'the last page');
    const searched = (await as(bot, 'adele', '/registers/access?q=linkedin')).body as RegisterBody;
    assert.deepEqual(searched.rows.map((row) => row.reference), ['AR-2026-00001']);
    const viewAnswer = await as(bot, 'adele', '/registers/access?status=view');
    assert.equal(viewAnswer.status, 200, viewAnswer.text);
    const views = viewAnswer.body as RegisterBody;
    assert.deepEqual(views.rows.map((row) => row.reference), ['AR-2026-00002', 'AR-2026-00001'], 'filtered by the kind of access');
    assert.deepEqual(((await as(bot, 'adele', '/registers/access?status=post')).body as RegisterBody).rows, [], 'nobody posts on the Group\'s behalf yet');
  });

  it('lists the access register in another of its orders across pages: the access ending soonest first', async () => {
    const first = (await as(bot, 'adele', '/registers/access?pageSize=1')).body as RegisterBody;
    assert.deepEqual(first.orders.map((order) => order.id), ['newest', 'oldest', 'ending'], 'the orders the page offers');
    assert.equal(first.sort, 'newest');
    const page1 = (await as(bot, 'adele', '/registers/access?pageSize=1&sort=ending')).body as RegisterBody;
    assert.equal(page1.order, 'Access ending soonest first');
    assert.equal(page1.sort, 'ending');
    assert.deepEqual(page1.rows.map((row) => [row.reference, row.cells.until]), [['AR-2026-00001', '2027-01-15']]);
    const page2 = (await as(bot, 'adele', `/registers/access?pageSize=1&sort=ending&continuation=${page1.continuation!}`)).body as RegisterBody;
    assert.deepEqual(page2.rows.map((row) => [row.reference, row.cells.until]), [['AR-2026-00002', '2027-05-25']]);
    assert.equal(page2.continuation, undefined);
    const csv = await as(bot, 'adele', '/registers/access/csv?sort=ending');
    assert.deepEqual(csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((line) => line.split(',')[0]), ['AR-2026-00001', 'AR-2026-00002'], 'the file in the same order');
  });

  it('lists "my team" latest change first, longest unchanged first or by team member', async () => {
    const list = async (sort: string) => {
      const answer = await as(bot, 'megan', `/registers/myTeam?pageSize=100&sort=${sort}`);
      assert.equal(answer.status, 200, answer.text);
      return (answer.body as RegisterBody).rows.map((row) => row.reference);
    };
    const latest = await list('latest');
    assert.equal(latest.length, 4);
    assert.deepEqual(await list('earliest'), [...latest].reverse(), 'the same clock for all: the oldest case first');
    assert.deepEqual(await list('person'), latest, 'one team member: latest change first within');
    for (const sort of ['due', 'constructor', 'toString', '__proto__', 'latest&sort=person']) assert.equal((await as(bot, 'megan', `/registers/myTeam?sort=${sort}`)).status, 400, sort);
  });

  it('never gives the AINM register\'s lines to anyone but the Incident team, whatever the page token says', async () => {
    // The Incident team's token for the AINM register's second page, put in a token of the access register or the desk:
    // it can only say where a page of those rows starts.
    await submitReport(bot, 'alex');
    const ainmPage = (await as(bot, 'isaiah', '/registers/ainm?pageSize=1')).body as RegisterBody;
    assert.deepEqual(ainmPage.rows.map((row) => row.reference), ['AINM-2026-00002'], 'newest first');
    const intoAinm = (JSON.parse(Buffer.from(ainmPage.continuation!, 'base64url').toString()) as { t: string }).t;
    const query = { q: '', status: '', sort: '', pageSize: 25 };
    for (const name of ['access', 'desk'] as const) {
      const forged = await as(bot, 'adele', `/registers/${name}?continuation=${continuationAt(name, query, { table: intoAinm, skip: 0 })}`);
      assert.ok([200, 400].includes(forged.status), `${name}: ${forged.status}`);
      assert.doesNotMatch(forged.text, /AINM-2026|Member of the public/, name);
    }
    // Megan manages the reporter: "my team" lists the record (she may open it in the bot) without its register line.
    const team = await as(bot, 'megan', '/registers/myTeam?pageSize=100');
    const line = (team.body as RegisterBody).rows.find((row) => row.reference === 'AINM-2026-00001');
    assert.ok(line, 'her report\'s record is listed');
    assert.deepEqual(Object.keys(line.cells).sort(), ['part', 'person', 'reference', 'state', 'summary', 'updatedAt']);
    assert.doesNotMatch(team.text, /Member of the public|Line manager|hoursToAcknowledge/, 'her part in it, as the bot lists it; not the register\'s line');
    for (const person of ['adele', 'megan', 'alex'] as const) {
      assert.equal((await as(bot, person, `/registers/ainm?pageSize=1&continuation=${ainmPage.continuation!}`)).status, 403, person);
    }
  });

  it('keeps a register line with a case\'s summary only while a register lists it, and no one\'s id', async () => {
    const summaries = await createStatisticsStore(bot.tables.statistics).summaries(['AR-2026-00001', 'AR-2026-00003', 'AINM-2026-00001', 'TD-2026-00001']);
    assert.equal(summaries.get('AR-2026-00001')?.cells?.person, 'Alex Wilber', 'active access is on the register');
    assert.equal(summaries.get('AR-2026-00003')?.cells, undefined, 'a request waiting for approval is not: no names kept for it');
    assert.equal(summaries.get('AINM-2026-00001')?.cells?.category, 'Harassment');
    assert.equal(summaries.get('AINM-2026-00001')?.cells?.manager, undefined, 'the record\'s line names nobody: it outlives its people\'s erasure');
    assert.equal(summaries.get('TD-2026-00001')?.cells, undefined, 'no register lists takedown notices');
    assert.doesNotMatch(JSON.stringify([...summaries.values()]), /aad-/, 'no ids');
  });

  it('lists a register line naming someone in their subject access file, in every order it is kept in', async () => {
    const held = (await collectSubjectAccess(bot.tables, PEOPLE.alex.id, NOW)).heldRows.filter((row) => row.table === 'statistics' && row.partitionKey === 's|AR');
    const key = summaryKeyOf('AR-2026-00001');
    for (const rowKey of [key, `!oldest|2026-000000001|${key}`, `!ending|2027-01-15|${key}`]) assert.ok(held.some((row) => row.rowKey === rowKey), `${rowKey} listed`);
  });

  it('refuses a forged or foreign continuation token and bad parameters with 400', async () => {
    const page1 = (await as(bot, 'adele', '/registers/access?pageSize=1')).body as RegisterBody;
    const bad = async (query: string) => {
      const answer: ApiAnswer = await as(bot, 'adele', `/registers/access?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(typeof (answer.body as { error: string }).error, 'string');
    };
    await bad('continuation=forged');
    await bad(`continuation=${Buffer.from(JSON.stringify({ v: 1, a: ['', 'AR-2026-00001'], f: 'made-up' })).toString('base64url')}`);
    await bad(`continuation=${page1.continuation}&q=facebook`);
    await bad(`continuation=${page1.continuation}&pageSize=2`);
    await bad('sort=reference');
    await bad('pageSize=0');
    await bad('pageSize=1000');
    await bad('pageSize=2.5');
    await bad('sort=businessCase');
    await bad('sort=constructor');
    await bad('sort=ending&sort=oldest');
    await bad(`sort=${encodeURIComponent('!due|')}`);
    await bad('dir=sideways');
    await bad(`q=${'x'.repeat(101)}`);
  });

  it('downloads the register as CSV with the same filters, no-store', async () => {
    const answer = await as(bot, 'adele', '/registers/access/csv?q=linkedin');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(answer.headers.get('content-disposition') ?? '', /^attachment; filename="access-register-\d{4}-\d{2}-\d{2}\.csv"$/);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const lines = answer.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'Reference,Person,Sites,Access,From,Until,Approved by,Signed off by');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^AR-2026-00001,Alex Wilber,/);
  });

  it('lists the open posts of the desk for Comms', async () => {
    const answer = await as(bot, 'adele', '/registers/desk');
    assert.equal(answer.status, 200);
    assert.deepEqual((answer.body as RegisterBody).rows, [], 'no customer posts logged yet');
  });
});
