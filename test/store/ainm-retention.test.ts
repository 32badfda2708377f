import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import sinon from 'sinon';
import type { Actor, Person } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { CaseStore, ConcurrencyError, createCaseStore } from '../../src/store/case-store';
import { createInbox, teamInbox } from '../../src/store/inbox';
import { runTransition } from '../../src/cases/transition';
import type { Tables } from '../../src/store/tables';
import { AbuseReportDetails, AbuseReportCommand, AbuseReport } from '../../src/workflows/abuse-report/model';
import { abuseReportParticipants,  } from '../../src/workflows/abuse-report/presenter';
import { abuseReport } from '../../src/workflows/abuse-report';
import { anonymise, anonymiseEventBody, purgedEvent } from '../../src/workflows/abuse-report/retention';
import { createCaseLinks } from '../../src/store/case-links';
import { createStatisticsStore } from '../../src/store/statistics';
import { RetentionReport, runAinmRetention } from '../../src/workflows/abuse-report/retention-job';
import { freshTables, testConnectionString } from '../support/azurite';

/**
 * The AINM retention purge against a real table service (DESIGN.md section 2): records closed longer
 * than the retention period lose their free text and identities in every row; the statistics, an
 * anonymised audit trail and a `Purged` audit event remain.
 */
const reporter: Actor = { id: 'u-rowan-7f3a', name: 'Rowan Reporter', roles: [] };
const manager: Actor = { id: 'u-mhairi-91c2', name: 'Mhairi Manager', roles: [] };
const investigator: Actor = { id: 'u-ishbel-5d0e', name: 'Ishbel Incident', roles: ['incident'] };
const person = ({ id, name }: Actor): Person => ({ id, name });

const DESCRIPTION = 'He posted my home address on the estate page and said he would come round tonight.';
const LINK = 'https://www.facebook.com/groups/leith-estate/posts/998877';
const EVIDENCE = { name: 'rowan-screenshot-1.png', contentType: 'image/png', link: 'https://contoso.sharepoint.com/personal/rowan/shot-1.png' };
const CONVERSATION = 'a:conversation-with-mhairi-4455';
/** Everything that must not survive a purge, in any row. */
const SECRETS = [
  reporter.id, reporter.name, manager.id, manager.name, investigator.id, investigator.name,
  DESCRIPTION, 'estate page', LINK, 'facebook.com', EVIDENCE.name, EVIDENCE.link, 'sharepoint', 'Nextdoor', CONVERSATION,
  'Spoke to Rowan', 'Police Scotland', 'note number',
];

const details: AbuseReportDetails = {
  category: 'harassment', source: 'member_of_public', platform: 'other', platformOther: 'Nextdoor', links: [LINK],
  happenedOn: '2026-03-01', description: DESCRIPTION, immediateDanger: true, wantsSupport: true,
};

const workflow = abuseReport.create({ workingTime: createWorkingTime() } as never).workflow;

const YEAR_MS = 365 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;
/** The same calendar instant `years` earlier. */
const yearsBefore = (date: Date, years: number) => { const d = new Date(date); d.setUTCFullYear(d.getUTCFullYear() - years); return d; };

let sequence = 0;
const nextReference = () => `AINM-2026-${String(++sequence).padStart(5, '0')}`;

type Row = Record<string, unknown> & { rowKey: string; etag: string };

async function rowsOf(table: TableClient, reference: string): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${reference}` } })) {
    rows.set(row.rowKey as string, row as Row);
  }
  return rows;
}

async function allRows(table: TableClient): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of table.listEntities<Record<string, unknown>>()) rows.push(row as Row);
  return rows;
}

function assertNoSecrets(rows: Iterable<Row>): void {
  for (const row of rows) {
    const json = JSON.stringify(row);
    for (const secret of SECRETS) assert.ok(!json.includes(secret), `row ${row.rowKey} still holds "${secret}": ${json}`);
  }
}

describe('AINM retention purge (Azurite)', () => {
  let tables: Tables;
  let prefix: string;
  let store: CaseStore;
  const now = new Date('2029-06-01T02:00:00.000Z');

  beforeEach(async () => {
    ({ tables, prefix } = await freshTables());
    store = createCaseStore(tables.cases);
  });

  afterEach(() => sinon.restore());

  async function act(reference: string, command: AbuseReportCommand, actor: Actor, when: Date) {
    const outcome = await runTransition(store, workflow, reference, command, { actor, now: when });
    assert.ok(outcome.ok, outcome.ok ? '' : `${command.type}: ${outcome.message}`);
    return outcome;
  }

  /**
   * A record as the bot leaves it: reported, acknowledged with a note, notes, evidence, investigated and
   * closed at `closedAt` (or left open), with card copies, a delivery mark, inbox lines and a form claim.
   */
  async function makeRecord(closedAt: Date | undefined, options: { notes?: number } = {}): Promise<string> {
    const reference = nextReference();
    const base = closedAt ?? new Date(now.getTime() - 30 * DAY_MS);
    const t = (hours: number) => new Date(base.getTime() - 40 * DAY_MS + hours * 3600_000);
    await act(reference, { type: 'report', reference, manager: person(manager), details }, reporter, t(0));
    await act(reference, { type: 'acknowledge', note: 'Spoke to Rowan, she is safe at her sister\'s.' }, manager, t(1));
    for (let i = 0; i < (options.notes ?? 1); i++) {
      await act(reference, { type: 'addNote', note: `Rowan's note number ${i}: he messaged again.` }, reporter, t(2 + i / 100));
    }
    await act(reference, { type: 'addEvidence', files: [EVIDENCE] }, reporter, t(3));
    await act(reference, { type: 'startInvestigation', note: 'Police Scotland informed.' }, investigator, t(4));
    if (closedAt) await act(reference, { type: 'close', outcome: 'police_referral', note: 'Police Scotland took it on.' }, investigator, closedAt);

    await store.saveCardCopy(reference, { viewerId: manager.id, conversationId: CONVERSATION, activityId: '1:activity-1' });
    await store.saveCardCopy(reference, { viewerId: reporter.id, conversationId: 'a:conversation-with-rowan', activityId: '1:activity-2' });
    await store.markDelivered(reference, 'out-000001-003', investigator.id);
    const record = (await store.load<AbuseReport>(reference))!.snapshot;
    await createInbox(tables.inbox).write(abuseReportParticipants(record).map(({ userId, role }) => ({
      userId, role, reference, state: record.state, summary: 'Harassment (urgent)', nextStep: '', awaitingMe: false, updatedAt: base.toISOString(),
    })));
    await tables.idempotency.createEntity({ partitionKey: reporter.id, rowKey: randomUUID(), reference });
    // The dashboard's summary, as the relay keeps it: its register line names nobody.
    await createStatisticsStore(tables.statistics).record({
      reference, prefix: 'AINM', version: 1, state: record.state, open: !closedAt, audience: 'admin,incident', clocks: [],
      cells: { reference, category: 'Harassment', fromWhom: 'Member of the public', urgent: 'Yes', state: record.state },
    });
    return reference;
  }

  const run = (options: { dryRun?: boolean; years?: number; at?: Date } = {}): Promise<RetentionReport> => runAinmRetention({
    cases: store, links: createCaseLinks(tables), now: options.at ?? now, years: options.years ?? 3,
    ...(options.dryRun ? { dryRun: true } : {}),
  });

  async function inboxReferences(): Promise<string[]> {
    return (await allRows(tables.inbox)).map((row) => `${row.partitionKey as string}/${row.rowKey}`).sort();
  }

  async function claimedReferences(): Promise<string[]> {
    return (await allRows(tables.idempotency)).map((row) => row.reference as string).sort();
  }

  /** Everything a purge must have done to `reference`, which had `eventsBefore` audit events. */
  async function assertPurged(reference: string, eventsBefore: number): Promise<void> {
    const rows = await rowsOf(tables.cases, reference);
    assertNoSecrets(rows.values());
    assert.deepEqual([...rows.keys()].filter((key) => !key.startsWith('ev-')), ['case'], 'outbox, card copies and delivery marks are gone');

    const stored = await store.load<AbuseReport>(reference);
    assert.ok(stored);
    const record = stored.snapshot;
    assert.equal(stored.version, eventsBefore + 1);
    assert.equal(rows.get('case')!.kind, 'AINM');
    assert.equal(rows.get('case')!.state, 'closed');
    assert.equal(record.purgedAt, now.toISOString());
    assert.equal(record.details.description, '');
    assert.deepEqual(record.details.links, []);
    assert.deepEqual(record.evidence, []);
    assert.equal(record.details.platformOther, undefined);
    assert.deepEqual(record.reporter, { id: '', name: 'Removed' });
    assert.deepEqual(record.manager, { id: '', name: 'Removed' });
    // The statistics stay.
    assert.equal(record.reference, reference);
    assert.equal(record.state, 'closed');
    assert.equal(record.details.category, 'harassment');
    assert.equal(record.details.source, 'member_of_public');
    assert.equal(record.details.platform, 'other');
    assert.equal(record.details.happenedOn, '2026-03-01');
    assert.equal(record.urgent, true);
    assert.equal(record.outcome, 'police_referral');
    assert.ok(record.reportedAt && record.acknowledgedAt && record.closedAt);
    assert.ok(record.history.length > 0 && record.history.every((step) => step.by.id === '' && step.note === undefined));

    const events = await store.events(reference) as { type: string; at: string; outcome?: string }[];
    assert.equal(events.length, eventsBefore + 1);
    assert.deepEqual(Object.keys(events[0]), ['type', 'at']);
    assert.equal(events[0].type, 'ReportMade');
    assert.deepEqual(events.filter((event) => event.type === 'Closed').map((event) => event.outcome), ['police_referral']);
    assert.deepEqual(events.filter((event) => event.type === 'Purged'), [purgedEvent(now, 3)], 'one purge audit event');
    assert.equal(events[events.length - 1].type, 'Purged', 'appended last');
    for (const [key, row] of rows) {
      if (key.startsWith('ev-')) assert.equal(row.actorId === undefined || row.actorId === 'system', true, `${key} names no one`);
    }
    assert.ok(!(await inboxReferences()).some((key) => key.endsWith(reference)), 'inbox lines are gone');
    assert.ok(!(await claimedReferences()).includes(reference), 'the form claim is gone');
    const summary = (await createStatisticsStore(tables.statistics).summaries([reference])).get(reference);
    assert.equal(summary?.cells?.category, 'Harassment', 'the dashboard still lists and counts the anonymous record');
  }

  it('purges a record closed 3 years and a day ago in every row, leaving statistics and an anonymised audit trail', async () => {
    const reference = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS));
    const eventsBefore = (await store.events(reference)).length;
    const keysBefore = [...(await rowsOf(tables.cases, reference)).keys()];
    assert.ok(keysBefore.some((key) => key.startsWith('out-')) && keysBefore.some((key) => key.startsWith('card-')) && keysBefore.some((key) => key.startsWith('sent-')));
    assert.equal((await inboxReferences()).length, 3);

    assert.deepEqual(await run(), { checked: 1, alreadyPurged: 0, due: 1, purged: 1, failed: 0 });
    await assertPurged(reference, eventsBefore);
  });

  it('leaves a record closed 2 years ago and an open record exactly as they were', async () => {
    const recent = await makeRecord(yearsBefore(now, 2));
    const open = await makeRecord(undefined);
    const old = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS));
    const before = { recent: await rowsOf(tables.cases, recent), open: await rowsOf(tables.cases, open) };
    const inboxBefore = await inboxReferences();

    assert.deepEqual(await run(), { checked: 3, alreadyPurged: 0, due: 1, purged: 1, failed: 0 });

    assert.deepEqual(await rowsOf(tables.cases, recent), before.recent, 'every row, etag included');
    assert.deepEqual(await rowsOf(tables.cases, open), before.open);
    assert.deepEqual(await inboxReferences(), inboxBefore.filter((key) => !key.endsWith(old)));
    assert.deepEqual(await claimedReferences(), [recent, open].sort());
    assert.equal((await inboxReferences()).filter((key) => key.startsWith(`${teamInbox('incident')}/`)).length, 2);
  });

  it('uses the retention period it is given', async () => {
    const recent = await makeRecord(new Date(yearsBefore(now, 2).getTime() - DAY_MS));
    assert.equal((await run({ years: 3 })).purged, 0);
    assert.equal((await run({ years: 2 })).purged, 1);
    assert.equal((await store.load<AbuseReport>(recent))?.snapshot.purgedAt, now.toISOString());
  });

  it('changes nothing when run a second time', async () => {
    const old = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS));
    await makeRecord(yearsBefore(now, 1));
    await run();
    const cases = await allRows(tables.cases);
    const inbox = await allRows(tables.inbox);
    const submitTransaction = sinon.spy(tables.cases, 'submitTransaction');

    const later = new Date(now.getTime() + YEAR_MS / 2);
    assert.deepEqual(await run({ at: later }), { checked: 2, alreadyPurged: 1, due: 0, purged: 0, failed: 0 });

    assert.equal(submitTransaction.callCount, 0);
    assert.deepEqual(await allRows(tables.cases), cases, 'every row, etag included');
    assert.deepEqual(await allRows(tables.inbox), inbox);
    assert.equal((await store.load<AbuseReport>(old))?.snapshot.purgedAt, now.toISOString(), 'the first purge time stays');
  });

  it('changes nothing on a dry run, and counts what is due', async () => {
    await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS));
    await makeRecord(yearsBefore(now, 2));
    const cases = await allRows(tables.cases);
    const inbox = await allRows(tables.inbox);
    const named: string[] = [];

    const report = await runAinmRetention({ cases: store, links: createCaseLinks(tables), now, years: 3, dryRun: true, onPurged: (ref) => named.push(ref) });

    assert.deepEqual(report, { checked: 2, alreadyPurged: 0, due: 1, purged: 0, failed: 0 });
    assert.equal(named.length, 1);
    assert.deepEqual(await allRows(tables.cases), cases);
    assert.deepEqual(await allRows(tables.inbox), inbox);
  });

  it('purges a record of more than 100 rows in transactions of at most 100, the snapshot in the last', async function () {
    this.timeout(60_000);
    const reference = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS), { notes: 110 });
    const eventsBefore = (await store.events(reference)).length;
    assert.ok((await rowsOf(tables.cases, reference)).size > 200);
    const submitTransaction = sinon.spy(tables.cases, 'submitTransaction');

    assert.deepEqual(await run(), { checked: 1, alreadyPurged: 0, due: 1, purged: 1, failed: 0 });

    const batches = submitTransaction.getCalls().map((call) => call.args[0] as TransactionAction[]);
    assert.ok(batches.length >= 3, `${batches.length} transactions`);
    assert.ok(batches.every((batch) => batch.length <= 100));
    const withSnapshot = batches.map((batch, i) => (batch.some(([, entity]) => entity.rowKey === 'case') ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(withSnapshot, [batches.length - 1]);
    await assertPurged(reference, eventsBefore);
  });

  it('leaves the record un-purged when the last transaction fails, and a second run finishes it', async function () {
    this.timeout(60_000);
    const reference = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS), { notes: 110 });
    const eventsBefore = (await store.events(reference)).length;
    const snapshotBefore = (await rowsOf(tables.cases, reference)).get('case')!;
    const original = tables.cases.submitTransaction.bind(tables.cases);
    let failed = 0;
    const stub = sinon.stub(tables.cases, 'submitTransaction').callsFake(async (actions: TransactionAction[]) => {
      if (failed === 0 && actions.some(([, entity]) => entity.rowKey === 'case')) {
        failed++;
        throw new Error('connection reset');
      }
      return original(actions);
    });
    const failures: string[] = [];

    const first = await runAinmRetention({
      cases: store, links: createCaseLinks(tables), now, years: 3, onFailed: (ref) => failures.push(ref),
    });

    assert.deepEqual(first, { checked: 1, alreadyPurged: 0, due: 1, purged: 0, failed: 1 });
    assert.deepEqual(failures, [reference]);
    assert.ok(stub.callCount >= 3, 'the earlier transactions went through');
    const halfway = await rowsOf(tables.cases, reference);
    assert.deepEqual(halfway.get('case'), snapshotBefore, 'the snapshot is untouched: still due, nothing says it was purged');
    const stored = await store.load<AbuseReport>(reference);
    assert.equal(stored?.snapshot.purgedAt, undefined);
    assert.equal(stored?.snapshot.details.description, DESCRIPTION);
    assert.ok(!(await store.events(reference)).some((event) => (event as { type: string }).type === 'Purged'));

    const purge = sinon.spy(store, 'purge');
    assert.deepEqual(await run(), { checked: 1, alreadyPurged: 0, due: 1, purged: 1, failed: 0 });
    assert.equal(failed, 1);
    const result = await purge.firstCall.returnValue;
    const anonymisedAlready = [...halfway].filter(([key, row]) => key.startsWith('ev-') && row.actorId === undefined).length;
    assert.ok(anonymisedAlready > 0, 'the first transactions anonymised events');
    assert.equal(result.eventsAnonymised, eventsBefore - anonymisedAlready, 'events anonymised the first time are not rewritten');
    assert.equal(result.rowsDeleted, [...halfway.keys()].filter((key) => key !== 'case' && !key.startsWith('ev-')).length);
    await assertPurged(reference, eventsBefore);
  });

  it('looks again when a row goes while it works (the outbox relay finishing an effect)', async () => {
    const reference = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS));
    const eventsBefore = (await store.events(reference)).length;
    const original = tables.cases.submitTransaction.bind(tables.cases);
    let raced = false;
    const refusals: unknown[] = [];
    sinon.stub(tables.cases, 'submitTransaction').callsFake(async (actions: TransactionAction[]) => {
      if (!raced) {
        raced = true;
        const [, outRow] = actions.find(([kind, entity]) => kind === 'delete' && entity.rowKey.startsWith('out-'))!;
        await store.completeEffect(reference, outRow.rowKey);
      }
      return original(actions).catch((error: unknown) => { refusals.push(error); throw error; });
    });

    assert.deepEqual(await run(), { checked: 1, alreadyPurged: 0, due: 1, purged: 1, failed: 0 });
    assert.equal(raced, true);
    assert.equal(refusals.length, 1, 'the transaction with the vanished row was refused as a whole, then redone');
    await assertPurged(reference, eventsBefore);
  });

  it('refuses a purge against a stale snapshot with ConcurrencyError, changing nothing', async () => {
    const reference = await makeRecord(new Date(yearsBefore(now, 3).getTime() - DAY_MS));
    const stale = await store.load<AbuseReport>(reference);
    assert.ok(stale);
    await tables.cases.updateEntity({ partitionKey: reference, rowKey: 'case', touched: true }, 'Merge');
    const before = await rowsOf(tables.cases, reference);

    await assert.rejects(store.purge(reference, { etag: stale.etag, version: stale.version }, anonymise(stale.snapshot, now),
      purgedEvent(now, 3), anonymiseEventBody), ConcurrencyError);
    assert.deepEqual(await rowsOf(tables.cases, reference), before);
  });

  describe('npm run retention (the script)', () => {
    const root = path.resolve(__dirname, '../..');

    async function cli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
      const base = { ...process.env };
      for (const name of Object.keys(base)) {
        if (/^(MICROSOFT_APP_|MicrosoftApp|AZURE_|AINM_|TABLE_PREFIX$|HOST$|AZURITE_)/.test(name)) delete base[name];
      }
      return promisify(execFile)('npx', ['tsx', 'scripts/retention.ts', ...args], {
        cwd: root, timeout: 60_000,
        env: { ...base, AZURE_TABLES_CONNECTION_STRING: testConnectionString(), TABLE_PREFIX: prefix, ...env },
      });
    }

    it('purges what is due with AINM_RETENTION_YEARS, printing references and counts only', async function () {
      this.timeout(120_000);
      const realNow = new Date();
      const old = await makeRecord(new Date(yearsBefore(realNow, 3).getTime() - DAY_MS));
      const recent = await makeRecord(new Date(yearsBefore(realNow, 2).getTime() - DAY_MS));
      await makeRecord(undefined);
      const cases = await allRows(tables.cases);

      const dry = await cli(['--dry-run']);
      assert.match(dry.stdout, new RegExp(`Would purge ${old}\\.`));
      assert.match(dry.stdout, /Records checked: 3; already purged: 0; due: 1; purged: 0; failed: 0\./);
      assert.deepEqual(await allRows(tables.cases), cases, 'a dry run changes nothing');

      const real = await cli([]);
      assert.match(real.stdout, new RegExp(`Purged ${old}\\.`));
      assert.match(real.stdout, /3 years after closure\. Records checked: 3; already purged: 0; due: 1; purged: 1; failed: 0\./);
      assert.equal((await store.load<AbuseReport>(old))?.snapshot.details.description, '');
      assert.equal((await store.load<AbuseReport>(recent))?.snapshot.details.description, DESCRIPTION);

      const shorter = await cli([], { AINM_RETENTION_YEARS: '2' });
      assert.match(shorter.stdout, /2 years after closure\. Records checked: 3; already purged: 1; due: 1; purged: 1; failed: 0\./);
      assert.equal((await store.load<AbuseReport>(recent))?.snapshot.details.description, '');

      for (const output of [dry, real, shorter]) {
        const printed = output.stdout + output.stderr;
        for (const secret of SECRETS) assert.ok(!printed.includes(secret), `printed "${secret}"`);
      }
    });

    it('refuses an unknown argument with a non-zero exit code', async function () {
      this.timeout(60_000);
      await assert.rejects(cli(['--yes-really']), (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /usage: npm run retention/);
        return true;
      });
    });
  });
});
