import assert from 'node:assert/strict';
import { odata, TableClient } from '@azure/data-tables';
import sinon from 'sinon';
import { erasureAuditRows, recordErasure, recordSubjectAccess, renameSubjectInAuditRows, subjectAccessRequestsAbout } from '../../src/store/audit-rows';
import { createPersonData, PersonData } from '../../src/store/person-data';
import { casePartitionsNaming } from '../../src/store/person-rows';
import { statusOf, Tables } from '../../src/store/tables';
import { freshTables } from '../support/azurite';

const HER = 'f-0001';
const OTHER = 'r-0002';
const AT = '2026-12-01T09:00:00.000Z';

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string };

/** Someone else writes `table` between the read and the write under test (a fault injected just before the write). */
function writeMeanwhile(table: TableClient, write: () => Promise<unknown>): void {
  const updateEntity = table.updateEntity.bind(table);
  sinon.stub(table, 'updateEntity').callsFake(async (...args: Parameters<TableClient['updateEntity']>) => {
    await write();
    return updateEntity(...args);
  });
}

async function allRows(table: TableClient, partitionKey?: string): Promise<Row[]> {
  const rows: Row[] = [];
  const queryOptions = partitionKey === undefined ? {} : { filter: odata`PartitionKey eq ${partitionKey}` };
  for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions })) rows.push(row as Row);
  return rows;
}

describe('person data and the data-protection audit rows (Azurite)', () => {
  let tables: Tables;
  let personData: PersonData;

  beforeEach(async () => {
    ({ tables } = await freshTables());
    personData = createPersonData(tables);
  });
  afterEach(() => sinon.restore());

  describe('directory', () => {
    beforeEach(async () => {
      await tables.directory.createEntity({ partitionKey: 'person', rowKey: HER, name: 'Fionnuala Tenant', managerId: '', roles: 'comms,auditor' });
      await tables.directory.createEntity({ partitionKey: 'person', rowKey: OTHER, name: 'Ruaridh Report', managerId: HER, roles: '' });
      await tables.directory.createEntity({ partitionKey: 'person', rowKey: 'x-0003', name: 'Someone Else', managerId: OTHER, roles: '' });
    });

    it('gives an entry with every role as stored, and none for someone not there', async () => {
      assert.deepEqual(await personData.directoryEntryOf(HER), { name: 'Fionnuala Tenant', roles: ['comms', 'auditor'], managerId: '' });
      assert.equal(await personData.directoryEntryOf('nobody-9'), undefined);
      assert.equal(await personData.countPeopleManagedBy(HER), 1);
    });

    it('unlinks only the people she manages, and deletes her entry once', async () => {
      assert.equal(await personData.unlinkManager(HER), 1);
      assert.equal((await personData.directoryEntryOf(OTHER))!.managerId, '');
      assert.equal((await personData.directoryEntryOf('x-0003'))!.managerId, OTHER);
      assert.equal(await personData.deleteDirectoryEntry(HER), 1);
      assert.equal(await personData.deleteDirectoryEntry(HER), 0, 'a second run finds nothing and does not fail');
    });
  });

  describe('chat references', () => {
    const latest = (userId: string) => JSON.stringify({ user: { id: `29:${userId}`, aadObjectId: userId }, conversation: { id: `a:chat-${userId}`, tenantId: 't' } });

    it('reads and deletes her 1:1 reference; null when there is none', async () => {
      await tables.conversations.createEntity({ partitionKey: HER, rowKey: 'personal', body: latest(HER) });
      assert.deepEqual(await personData.personalChatOf(HER), JSON.parse(latest(HER)));
      assert.equal(await personData.deletePersonalChatOf(HER), 1);
      assert.equal(await personData.personalChatOf(HER), null);
      assert.equal(await personData.deletePersonalChatOf(HER), 0);
    });

    it('rewrites the latest reference with what the rule makes of it, and leaves it when the rule says so', async () => {
      await tables.conversations.createEntity({ partitionKey: 'service', rowKey: 'latest', body: latest(HER) });
      const before = await tables.conversations.getEntity('service', 'latest');
      assert.equal(await personData.rewriteLatestChat(() => undefined), 0);
      assert.equal((await tables.conversations.getEntity('service', 'latest')).etag, before.etag, 'not written');
      assert.equal(await personData.rewriteLatestChat((reference) => ({ ...(reference as object), user: undefined })), 1);
      assert.deepEqual(await personData.latestChat(), { conversation: { id: `a:chat-${HER}`, tenantId: 't' } });
    });

    it('never overwrites a latest reference saved after it was read (If-Match)', async () => {
      await tables.conversations.createEntity({ partitionKey: 'service', rowKey: 'latest', body: latest(HER) });
      // Someone else writes to the bot meanwhile: their reference becomes the latest.
      writeMeanwhile(tables.conversations, () => tables.conversations.upsertEntity({ partitionKey: 'service', rowKey: 'latest', body: latest(OTHER) }, 'Replace'));
      await assert.rejects(personData.rewriteLatestChat(() => ({})), (error: unknown) => statusOf(error) === 412);
      assert.deepEqual(await personData.latestChat(), JSON.parse(latest(OTHER)));
    });
  });

  describe('form claims, staged files and inbox lines', () => {
    beforeEach(async () => {
      await tables.idempotency.createEntity({ partitionKey: HER, rowKey: '11111111-1111-4111-8111-111111111111', reference: 'AINM-2026-00001' });
      await tables.idempotency.createEntity({ partitionKey: HER, rowKey: '22222222-2222-4222-8222-222222222222', reference: '' });
      await tables.idempotency.createEntity({ partitionKey: HER, rowKey: 'staged-evidence', at: AT, files: '[{"name":"a.jpg"}]' });
      await tables.idempotency.createEntity({ partitionKey: OTHER, rowKey: '33333333-3333-4333-8333-333333333333', reference: 'AR-2026-00001' });
    });

    it('tells form claims from staged files, and deletes her partition only, counting each kind', async () => {
      assert.deepEqual(await personData.formClaimsAndStagedFilesOf(HER), {
        formClaims: [{ token: '11111111-1111-4111-8111-111111111111', reference: 'AINM-2026-00001' }, { token: '22222222-2222-4222-8222-222222222222', reference: '' }],
        stagedFiles: { at: AT, files: [{ name: 'a.jpg' }] },
      });
      assert.deepEqual(await personData.deleteFormClaimsAndStagedFilesOf(HER), { formClaims: 2, stagedEvidence: 1 });
      assert.deepEqual(await personData.formClaimsAndStagedFilesOf(HER), { formClaims: [], stagedFiles: null });
      assert.equal((await allRows(tables.idempotency, OTHER)).length, 1);
    });

    it('lists and deletes her inbox lines only', async () => {
      await tables.inbox.createEntity({ partitionKey: HER, rowKey: 'requester|AR-2026-00001', reference: 'AR-2026-00001', awaitingMe: false });
      await tables.inbox.createEntity({ partitionKey: OTHER, rowKey: 'approver|AR-2026-00001', reference: 'AR-2026-00001', awaitingMe: true });
      assert.deepEqual(await personData.inboxLinesOf(HER), [{ reference: 'AR-2026-00001', awaitingMe: false }]);
      assert.deepEqual(await personData.inboxReferencesOf(HER), ['AR-2026-00001']);
      assert.equal(await personData.deleteInboxOf(HER), 1);
      assert.deepEqual(await personData.inboxLinesOf(HER), []);
      assert.equal((await allRows(tables.inbox, OTHER)).length, 1);
    });
  });

  describe('other people\'s inbox lines naming a case', () => {
    const line = (userId: string, reference: string, nextStep: string) => ({
      partitionKey: userId, rowKey: `approver|${reference}`, reference, nextStep, awaitingMe: true,
    });
    const erase = (text: string) => text.replaceAll('Fionnuala', '[erased]');

    it('rewrites the text of everyone else\'s lines for that case, and writes nothing else', async () => {
      await tables.inbox.createEntity(line(HER, 'AR-2026-00001', 'Fionnuala to reply'));
      await tables.inbox.createEntity(line(OTHER, 'AR-2026-00001', 'Waiting for Fionnuala'));
      await tables.inbox.createEntity(line('team:comms', 'AR-2026-00001', 'Nothing to do'));
      await tables.inbox.createEntity(line('x-0003', 'AR-2026-00002', 'Waiting for Fionnuala'));
      const untouched = await tables.inbox.getEntity('team:comms', 'approver|AR-2026-00001');

      assert.equal(await personData.rewriteInboxRowsNaming('AR-2026-00001', erase, { except: HER }), 1);
      const after = await tables.inbox.getEntity<{ nextStep: string; awaitingMe: boolean }>(OTHER, 'approver|AR-2026-00001');
      assert.deepEqual([after.nextStep, after.awaitingMe], ['Waiting for [erased]', true]);
      assert.equal((await tables.inbox.getEntity<{ nextStep: string }>(HER, 'approver|AR-2026-00001')).nextStep, 'Fionnuala to reply', 'her own lines are left to deleteInboxOf');
      assert.equal((await tables.inbox.getEntity<{ nextStep: string }>('x-0003', 'approver|AR-2026-00002')).nextStep, 'Waiting for Fionnuala', 'another case');
      assert.equal((await tables.inbox.getEntity('team:comms', 'approver|AR-2026-00001')).etag, untouched.etag, 'a line that comes out the same is not written');
    });

    it('never overwrites a line the relay rewrote after it was read (If-Match)', async () => {
      await tables.inbox.createEntity(line(OTHER, 'AR-2026-00001', 'Waiting for Fionnuala'));
      writeMeanwhile(tables.inbox, () => tables.inbox.upsertEntity(line(OTHER, 'AR-2026-00001', 'Approved'), 'Replace'));
      await assert.rejects(personData.rewriteInboxRowsNaming('AR-2026-00001', erase, { except: HER }), (error: unknown) => statusOf(error) === 412);
      assert.equal((await tables.inbox.getEntity<{ nextStep: string }>(OTHER, 'approver|AR-2026-00001')).nextStep, 'Approved');
    });
  });

  describe('audit rows and case rows naming a person', () => {
    it('puts earlier requests and refused erasures about her under the erasure id, and no one else\'s', async () => {
      await recordSubjectAccess(tables.cases, { at: AT, by: 'admin-1', subjectId: HER, caseCount: 2 });
      await recordSubjectAccess(tables.cases, { at: AT, by: 'admin-1', subjectId: OTHER, caseCount: 1 });
      const refused = { at: AT, by: 'admin-1', outcome: 'refused', anonymised: '', retained: '', open: 'AR-2026-00001', removed: '{}' } as const;
      await recordErasure(tables.cases, { ...refused, subject: HER });
      await recordErasure(tables.cases, { ...refused, subject: OTHER });

      assert.equal(await renameSubjectInAuditRows(tables.cases, HER, 'erased-abc'), 2);
      assert.deepEqual(await subjectAccessRequestsAbout(tables.cases, HER), []);
      assert.deepEqual((await subjectAccessRequestsAbout(tables.cases, 'erased-abc')).map((row) => [row.by, row.caseCount]), [['admin-1', 2]]);
      assert.deepEqual((await erasureAuditRows(tables.cases)).map((row) => row.subject).sort(), ['erased-abc', OTHER].sort());
      assert.equal((await subjectAccessRequestsAbout(tables.cases, OTHER)).length, 1);
    });

    it('finds each case partition with a row naming her in a person column, once', async () => {
      await tables.cases.createEntity({ partitionKey: 'AR-2026-00001', rowKey: 'ev-0001', actorId: HER });
      await tables.cases.createEntity({ partitionKey: 'AR-2026-00001', rowKey: 'card-x', viewerId: HER });
      await tables.cases.createEntity({ partitionKey: 'TD-2026-00001', rowKey: 'delivery-x', personId: HER });
      await tables.cases.createEntity({ partitionKey: 'TD-2026-00002', rowKey: 'delivery-y', personId: OTHER });
      assert.deepEqual((await casePartitionsNaming(tables.cases, HER)).sort(), ['AR-2026-00001', 'TD-2026-00001']);
    });
  });
});
