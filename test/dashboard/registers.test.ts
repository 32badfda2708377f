import assert from 'node:assert/strict';
import { createDashboardIdentity } from '../../src/dashboard/identity';
import { createLogger } from '../../src/logger';
import { BotHarness, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, issueTakedown, press, submitReport, submitRequest } from '../bot/conversation-helpers';
import { api, ApiAnswer, as } from './dashboard-client';

interface RegisterBody {
  columns: { key: string; label: string }[];
  rows: { reference: string; cells: Record<string, string>; deepLink: string }[];
  continuation?: string;
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
    await submitRequest(bot, 'alex');
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
    assert.equal(body.rows[0]!.cells.manager, 'Megan Bowen');
    assert.doesNotMatch(answer.text, /knows where I park/, 'the description stays in Teams');
  });

  it('gives a manager their reports\' cases they may see, not an unescalated takedown notice', async () => {
    const body = (await as(bot, 'megan', '/registers/myTeam?pageSize=100')).body as RegisterBody;
    const references = body.rows.map((row) => row.reference).sort();
    assert.deepEqual(references, ['AINM-2026-00001', 'AR-2026-00001', 'AR-2026-00002', 'AR-2026-00003']);
    assert.ok(body.rows.every((row) => row.cells.person === 'Alex Wilber'));
  });

  it('pages the access register with continuation tokens, sorted and searched', async () => {
    const first = await as(bot, 'adele', '/registers/access?pageSize=1&sort=reference&dir=desc');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    const page1 = first.body as RegisterBody;
    assert.deepEqual(page1.columns.map((column) => column.key), ['reference', 'person', 'sites', 'access', 'from', 'until', 'approvedBy', 'signedOffBy']);
    assert.deepEqual(page1.rows.map((row) => row.reference), ['AR-2026-00002'], 'active access only, newest reference first');
    assert.ok(page1.continuation);
    assert.match(page1.rows[0]!.deepLink, /^$/, 'no Teams to open locally');
    const page2 = (await as(bot, 'adele', `/registers/access?pageSize=1&sort=reference&dir=desc&continuation=${page1.continuation}`)).body as RegisterBody;
    assert.deepEqual(page2.rows.map((row) => row.reference), ['AR-2026-00001']);
    assert.equal(page2.continuation, undefined, 'the last page');
    const searched = (await as(bot, 'adele', '/registers/access?q=linkedin')).body as RegisterBody;
    assert.deepEqual(searched.rows.map((row) => row.reference), ['AR-2026-00001']);
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
    await bad('pageSize=0');
    await bad('pageSize=1000');
    await bad('pageSize=2.5');
    await bad('sort=businessCase');
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
