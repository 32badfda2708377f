import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CaseSummary } from '../../src/dashboard/statistics';
import { createStatisticsStore } from '../../src/store/statistics';
import { ensureTables, openTables, TableMethod, TableName } from '../../src/store/tables';
import { testConnectionString } from '../support/azurite';
import { BotHarness } from '../support/bot-harness';
import { NOW } from '../bot/conversation-helpers';
import { as } from './dashboard-client';

const RECORDS = 400;

/** An AINM record's summary as the engine keeps it: the Incident team and admins see it whole. */
function record(number: number): CaseSummary {
  const reference = `AINM-2026-${String(number).padStart(5, '0')}`;
  return {
    reference, prefix: 'AINM', version: 1, state: number % 3 ? 'closed' : 'reported', open: number % 3 === 0, audience: 'admin,incident', clocks: [],
    cells: {
      reference, reportedAt: '2026-11-02T09:30:00.000Z', happenedOn: '2026-11-01', acknowledgedAt: '', closedAt: '', category: number === 7 ? 'Threat' : 'Harassment',
      fromWhom: 'Member of the public', platform: 'Facebook', urgent: number % 50 === 0 ? 'Yes' : 'No', state: number % 3 ? 'Closed' : 'Reported', outcome: '', hoursToAcknowledge: '',
    },
  };
}

interface RegisterBody {
  rows: { reference: string; cells: Record<string, string> }[];
  continuation?: string;
}

/**
 * A register page reads one page of the case summaries, never the cases (issue 14: "a page reads a few dozen rows,
 * not every case"): counted with the same table wrapper as the round-trip budgets, against a store of 400 records.
 */
describe('dashboard registers read a page of summaries, not the cases (round trips counted, Azurite)', function () {
  this.timeout(120_000);
  let bot: BotHarness;
  const calls: string[] = [];

  before(async () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const hook = (table: TableName, method: TableMethod) => calls.push(`${table} ${method}`);
    const tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, prefix, hook);
    await ensureTables(tables);
    bot = await new BotHarness({ now: () => NOW, tables: { tables, prefix } }).start();
    await createStatisticsStore(tables.statistics).seed(Array.from({ length: RECORDS }, (_, index) => record(index + 1)));
  });
  after(async () => bot.stop());

  /** The table calls one API call makes (the directory's reads for who is asking aside). */
  async function counted(path: string): Promise<{ body: RegisterBody; calls: string[] }> {
    calls.length = 0;
    const answer = await as(bot, 'isaiah', path);
    assert.equal(answer.status, 200, answer.text);
    return { body: answer.body as RegisterBody, calls: calls.filter((call) => !call.startsWith('directory ') && !call.endsWith(' listEntities')) };
  }

  it('reads one table page of 25 summaries for a page of 25, newest first, and the next page with the table\'s token', async () => {
    const first = await counted('/registers/ainm?pageSize=25');
    assert.deepEqual(first.calls, ['statistics listPage'], 'one query of the statistics table; no case read');
    assert.equal(first.body.rows.length, 25);
    assert.equal(first.body.rows[0]!.reference, 'AINM-2026-00400');
    const second = await counted(`/registers/ainm?pageSize=25&continuation=${first.body.continuation!}`);
    assert.deepEqual(second.calls, ['statistics listPage']);
    assert.equal(second.body.rows[0]!.reference, 'AINM-2026-00375');
  });

  it('searches a table page of 200 at a time, and stops at a full page', async () => {
    const found = await counted('/registers/ainm?pageSize=25&q=threat');
    assert.deepEqual(found.body.rows.map((row) => row.reference), ['AINM-2026-00007']);
    assert.deepEqual(found.calls, ['statistics listPage', 'statistics listPage'], '400 records: two pages of 200');
    const closed = await counted('/registers/ainm?pageSize=10&status=closed');
    assert.equal(closed.body.rows.length, 10);
    assert.deepEqual(closed.calls, ['statistics listPage']);
    const next = await counted(`/registers/ainm?pageSize=10&status=closed&continuation=${closed.body.continuation!}`);
    assert.ok(next.body.rows.every((row) => row.cells.state === 'Closed'));
    assert.ok(!next.body.rows.some((row) => closed.body.rows.some((shown) => shown.reference === row.reference)), 'the next page starts after the last row shown');
  });

  it('lists the register in another of its orders across pages, one table page a page, and keeps a token to its order', async () => {
    // Open first (every third record), the urgent ones (every fiftieth) on top, each newest first.
    const first = await counted('/registers/ainm?pageSize=5&sort=open');
    assert.deepEqual(first.calls, ['statistics listPage'], 'read from the order\'s index: one query, no sorting of what was read');
    assert.deepEqual(first.body.rows.map((row) => row.reference.slice(-3)), ['300', '150', '399', '396', '393']);
    const second = await counted(`/registers/ainm?pageSize=5&sort=open&continuation=${first.body.continuation!}`);
    assert.deepEqual(second.body.rows.map((row) => row.reference.slice(-3)), ['390', '387', '384', '381', '378'], 'page 2 carries on in the same order');
    const oldest = await counted('/registers/ainm?pageSize=3&sort=oldest');
    assert.deepEqual(oldest.body.rows.map((row) => row.reference), ['AINM-2026-00001', 'AINM-2026-00002', 'AINM-2026-00003']);
    assert.equal((await as(bot, 'isaiah', `/registers/ainm?pageSize=5&continuation=${first.body.continuation!}`)).status, 400, 'a token belongs to its order');
    const unknown = await as(bot, 'isaiah', '/registers/ainm?sort=category');
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /newest report first \(sort=newest\), oldest first \(sort=oldest\), open first, urgent on top \(sort=open\)/);
  });

  it('downloads the CSV in the order asked for', async () => {
    const answer = await as(bot, 'isaiah', '/registers/ainm/csv?sort=open');
    assert.equal(answer.status, 200, answer.text);
    const references = answer.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((line) => line.split(',')[0]);
    assert.equal(references.length, RECORDS);
    assert.deepEqual(references.slice(0, 3), ['AINM-2026-00300', 'AINM-2026-00150', 'AINM-2026-00399']);
  });
});
