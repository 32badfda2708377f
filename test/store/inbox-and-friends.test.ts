import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import type { DirectoryPerson } from '../../src/directory/directory';
import { createTableDirectory } from '../../src/store/directory-table';
import { parseDirectorySeed } from '../../src/directory/seed-file';
import { createConversationStore } from '../../src/store/conversations';
import { createIdempotencyStore } from '../../src/store/idempotency';
import { createInbox, InboxEntry } from '../../src/store/inbox';
import type { Tables } from '../../src/store/tables';
import { createTimerStore } from '../../src/store/timers';
import { freshTables } from '../support/azurite';

async function allRows(table: TableClient, partitionKey?: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const queryOptions = partitionKey === undefined ? {} : { filter: odata`PartitionKey eq ${partitionKey}` };
  for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions })) rows.push(row);
  return rows;
}

describe('inbox, idempotency, timers, conversations and directory (Azurite)', () => {
  let tables: Tables;

  beforeEach(async () => {
    ({ tables } = await freshTables());
  });

  describe('inbox', () => {
    const entry = (overrides: Partial<InboxEntry>): InboxEntry => ({
      userId: 'u-1', role: 'requester', reference: 'AR-2026-00001', state: 'submitted',
      summary: 'View access to Facebook', nextStep: 'Waiting for Manny Manager', awaitingMe: false,
      updatedAt: '2026-03-02T10:00:00.000Z', ...overrides,
    });
    const mine = [
      entry({ reference: 'AR-2026-00001', updatedAt: '2026-03-02T10:00:00.000Z' }),
      entry({ role: 'approver', reference: 'AR-2026-00002', awaitingMe: true, updatedAt: '2026-03-04T09:00:00.000Z' }),
      entry({ reference: 'AR-2026-00003', state: 'info_requested', awaitingMe: true, updatedAt: '2026-03-03T12:00:00.000Z' }),
      entry({ role: 'approver', reference: 'AR-2026-00004', state: 'active', updatedAt: '2026-03-01T08:00:00.000Z' }),
    ];
    const someoneElse = entry({ userId: 'u-2', role: 'approver', reference: 'AR-2026-00001', awaitingMe: true, updatedAt: '2026-03-05T00:00:00.000Z' });

    it('lists a person\'s cases newest first, and only theirs', async () => {
      const inbox = createInbox(tables.inbox);
      await inbox.write([...mine, someoneElse]);
      const listed = await inbox.list('u-1');
      assert.deepEqual(listed.map((e) => e.reference), ['AR-2026-00002', 'AR-2026-00003', 'AR-2026-00001', 'AR-2026-00004']);
      assert.deepEqual(listed[0], mine[1]);
      assert.deepEqual(await inbox.list('u-2'), [someoneElse]);
      assert.deepEqual(await inbox.list('u-nobody'), []);
    });

    it('keys rows by person and role|reference', async () => {
      await createInbox(tables.inbox).write([mine[1]]);
      const row = await tables.inbox.getEntity<InboxEntry>('u-1', 'approver|AR-2026-00002');
      assert.equal(row.awaitingMe, true);
    });

    it('lists by role', async () => {
      const inbox = createInbox(tables.inbox);
      await inbox.write([...mine, someoneElse]);
      assert.deepEqual((await inbox.list('u-1', { role: 'requester' })).map((e) => e.reference), ['AR-2026-00003', 'AR-2026-00001']);
      assert.deepEqual((await inbox.list('u-1', { role: 'approver' })).map((e) => e.reference), ['AR-2026-00002', 'AR-2026-00004']);
      assert.deepEqual(await inbox.list('u-1', { role: 'comms' }), []);
    });

    it('lists only what awaits the person when asked', async () => {
      const inbox = createInbox(tables.inbox);
      await inbox.write([...mine, someoneElse]);
      assert.deepEqual((await inbox.list('u-1', { awaitingOnly: true })).map((e) => e.reference), ['AR-2026-00002', 'AR-2026-00003']);
      assert.deepEqual((await inbox.list('u-1', { role: 'approver', awaitingOnly: true })).map((e) => e.reference), ['AR-2026-00002']);
    });

    it('rewrites a row in place when a case changes, keeping one row per role and case', async () => {
      const inbox = createInbox(tables.inbox);
      await inbox.write([mine[1]]);
      const decided = { ...mine[1], state: 'active', awaitingMe: false, updatedAt: '2026-03-04T10:00:00.000Z' };
      await inbox.write([decided]);
      await inbox.write([decided]);
      assert.deepEqual(await inbox.list('u-1'), [decided]);
      assert.deepEqual(await inbox.list('u-1', { awaitingOnly: true }), []);
      assert.equal((await allRows(tables.inbox, 'u-1')).length, 1);
    });
  });

  describe('idempotency', () => {
    it('lets a form token be claimed once, and tells a repeat which case the first made', async () => {
      const store = createIdempotencyStore(tables.idempotency);
      const token = randomUUID();
      assert.deepEqual(await store.claim('u-1', token, 'AR-2026-00007'), { claimed: true });
      assert.deepEqual(await store.claim('u-1', token, 'AR-2026-00008'), { claimed: false, reference: 'AR-2026-00007' });
      const old = randomUUID();
      assert.deepEqual(await store.claim('u-1', old), { claimed: true });
      assert.deepEqual(await store.claim('u-1', old, 'AR-2026-00009'), { claimed: false }, 'a claim made without a reference names none');
    });

    it('gives exactly one claim to many concurrent submits of the same form', async () => {
      const store = createIdempotencyStore(tables.idempotency);
      const token = randomUUID();
      const claims = await Promise.all(Array.from({ length: 6 }, () => store.claim('u-1', token)));
      assert.equal(claims.filter((claim) => claim.claimed).length, 1);
    });

    it('keeps claims apart per person', async () => {
      const store = createIdempotencyStore(tables.idempotency);
      const token = randomUUID();
      assert.deepEqual(await store.claim('u-1', token), { claimed: true });
      assert.deepEqual(await store.claim('u-2', token), { claimed: true });
    });

    it('accepts only lower-case UUIDs as tokens', () => {
      const store = createIdempotencyStore(tables.idempotency);
      assert.equal(store.isValidToken(randomUUID()), true);
      assert.equal(store.isValidToken('0f8fad5b-d9cb-469f-a165-70867728950e'), true);
      for (const bad of [undefined, null, 42, {}, '', 'not-a-token', '0F8FAD5B-D9CB-469F-A165-70867728950E',
        '0f8fad5b-d9cb-469f-a165-70867728950e ', '0f8fad5b/d9cb-469f-a165-70867728950e', `${randomUUID()}x`, "'; drop"]) {
        assert.equal(store.isValidToken(bad), false, `accepted ${JSON.stringify(bad)}`);
      }
    });
  });

  describe('timers', () => {
    const remind = { reference: 'AR-2026-00001', timer: 'accessRequest.remindApprover', dueAt: '2026-03-04T10:00:00.000Z' };

    it('puts a timer in its due day\'s partition with key dueAt|reference|timer', async () => {
      await createTimerStore(tables.timers).schedule(remind);
      const row = await tables.timers.getEntity<Record<string, unknown>>('2026-03-04', '2026-03-04T10:00:00.000Z|AR-2026-00001|accessRequest.remindApprover');
      assert.equal(row.reference, remind.reference);
      assert.equal(row.timer, remind.timer);
      assert.equal(row.dueAt, remind.dueAt);
      assert.equal(row.status, 'pending');
    });

    it('keeps one row when the same timer is scheduled twice, and does not re-arm one that fired', async () => {
      const timers = createTimerStore(tables.timers);
      await timers.schedule(remind);
      await timers.schedule(remind);
      assert.equal((await allRows(tables.timers)).length, 1);

      const rowKey = `${remind.dueAt}|${remind.reference}|${remind.timer}`;
      await tables.timers.updateEntity({ partitionKey: '2026-03-04', rowKey, status: 'fired' }, 'Merge');
      await timers.schedule(remind);
      assert.equal((await tables.timers.getEntity<{ status: string }>('2026-03-04', rowKey)).status, 'fired');
    });

    it('reads only the timers due on the day asked for, in time order', async () => {
      const timers = createTimerStore(tables.timers);
      const later = { reference: 'AR-2026-00002', timer: 'accessRequest.escalate', dueAt: '2026-03-04T16:30:00.000Z' };
      const earlier = { reference: 'AR-2026-00003', timer: 'accessRequest.expire', dueAt: '2026-03-04T00:00:00.000Z' };
      const nextDay = { reference: 'AR-2026-00001', timer: 'accessRequest.escalate', dueAt: '2026-03-05T10:00:00.000Z' };
      const dayBefore = { reference: 'AR-2026-00004', timer: 'accessRequest.expire', dueAt: '2026-03-03T23:59:59.999Z' };
      for (const timer of [later, remind, nextDay, dayBefore, earlier]) await timers.schedule(timer);

      const endOfWeek = new Date('2026-03-07T00:00:00Z');
      const due = async (day: string, now = endOfWeek) => (await timers.dueOn(day, now)).map(({ reference, timer, dueAt }) => ({ reference, timer, dueAt }));
      assert.deepEqual(await due('2026-03-04'), [earlier, remind, later]);
      assert.deepEqual(await due('2026-03-05'), [nextDay]);
      assert.deepEqual(await due('2026-03-06'), []);
      assert.deepEqual(await due('2026-03-04', new Date('2026-03-04T12:00:00Z')), [earlier, remind], 'not before they are due');
    });

    it('keeps two different timers of one case at the same instant apart', async () => {
      const timers = createTimerStore(tables.timers);
      await timers.schedule(remind);
      await timers.schedule({ ...remind, timer: 'accessRequest.escalate' });
      assert.equal((await timers.dueOn('2026-03-04', new Date('2026-03-05T00:00:00Z'))).length, 2);
    });
  });

  describe('conversation references', () => {
    const reference: Partial<ConversationReference> = {
      activityId: 'f:activity-123',
      locale: 'en-GB',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      user: { id: '29:user-teams-id', name: 'Alice Private', aadObjectId: 'aad-alice', role: 'user' },
      bot: { id: '28:bot-id', name: 'Social Media Desk' },
      conversation: {
        id: 'a:personal-chat', isGroup: false, conversationType: 'personal', tenantId: 'tenant-1',
        name: 'Chat with Alice Private', aadObjectId: 'aad-alice',
      },
    };
    const minimal = {
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      conversation: { id: 'a:personal-chat', isGroup: false, conversationType: 'personal', tenantId: 'tenant-1', name: '' },
      bot: { id: '28:bot-id', name: 'Social Media Desk' },
      user: { id: '29:user-teams-id', name: '', aadObjectId: 'aad-alice' },
    };

    it('keeps only what a proactive message needs: ids, service URL and tenant, no user name', async () => {
      const store = createConversationStore(tables.conversations);
      await store.savePersonal('aad-alice', reference);
      assert.deepEqual(await store.personal('aad-alice'), minimal);
      const rows = await allRows(tables.conversations);
      assert.equal(rows.length, 2);
      for (const row of rows) {
        const stored = JSON.stringify(row);
        assert.doesNotMatch(stored, /Alice Private/);
        assert.doesNotMatch(stored, /activity-123|en-GB/);
      }
    });

    it('gives the service\'s part of the latest saved reference (to open new chats) naming nobody, and undefined before any', async () => {
      const store = createConversationStore(tables.conversations);
      assert.equal(await store.anyReference(), undefined);
      assert.equal(await store.personal('aad-alice'), undefined);
      await store.savePersonal('aad-alice', reference);
      const bob = { ...reference, user: { id: '29:bob', name: 'Bob Private', aadObjectId: 'aad-bob' }, conversation: { ...reference.conversation!, id: 'a:bob-chat' } };
      await store.savePersonal('aad-bob', bob);
      const service = { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', tenantId: 'tenant-1', bot: { id: '28:bot-id', name: 'Social Media Desk' } };
      assert.deepEqual(await store.anyReference(), service);
      assert.deepEqual(await createConversationStore(tables.conversations).anyReference(), service, 'as stored');
      assert.deepEqual(await store.personal('aad-alice'), minimal);
    });

    it('reads a latest reference stored before (a whole person\'s) as the service\'s part only', async () => {
      await tables.conversations.upsertEntity({ partitionKey: 'service', rowKey: 'latest', body: JSON.stringify(minimal) }, 'Replace');
      assert.deepEqual(await createConversationStore(tables.conversations).anyReference(),
        { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', tenantId: 'tenant-1', bot: { id: '28:bot-id', name: 'Social Media Desk' } });
    });

    it('replaces a person\'s reference when they write from a new conversation', async () => {
      const store = createConversationStore(tables.conversations);
      await store.savePersonal('aad-alice', reference);
      await store.savePersonal('aad-alice', { ...reference, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
      assert.equal((await store.personal('aad-alice'))?.serviceUrl, 'https://smba.trafficmanager.net/emea/');
      assert.equal((await allRows(tables.conversations, 'aad-alice')).length, 1);
    });
  });

  describe('directory', () => {
    const people: DirectoryPerson[] = [
      { id: 'u-zoe', name: 'Zoe Young', managerId: 'u-mary', roles: [] },
      { id: 'u-mary', name: 'Mary Manager', roles: ['admin'] },
      { id: 'u-cora', name: 'Cora Comms', managerId: 'u-mary', roles: ['comms'] },
      { id: 'u-ian', name: 'Ian Incident', managerId: 'u-mary', roles: ['comms', 'incident'] },
    ];

    it('finds people by id after replaceAll, with their manager and roles', async () => {
      const directory = createTableDirectory(tables.directory);
      await directory.replaceAll(people);
      assert.deepEqual(await directory.find('u-zoe'), people[0]);
      assert.deepEqual(await directory.find('u-mary'), { id: 'u-mary', name: 'Mary Manager', roles: ['admin'] });
      assert.equal(await directory.find('u-nobody'), undefined);
    });

    it('finds nobody, quickly and without a storage error, for an id that cannot be a table key', async () => {
      const directory = createTableDirectory(tables.directory, 0);
      await directory.replaceAll(people);
      const started = performance.now();
      for (const id of ['u-zoe/', 'a/b', 'x'.repeat(2000), 'tab\there', "o'brien", '']) {
        assert.equal(await directory.find(id), undefined, `found ${JSON.stringify(id.slice(0, 20))}`);
      }
      assert.ok(performance.now() - started < 1000, 'no storage retries');
    });

    it('lists the members of a team, and everyone sorted by name', async () => {
      const directory = createTableDirectory(tables.directory);
      await directory.replaceAll(people);
      assert.deepEqual((await directory.membersOf('comms')).map((p) => p.id).sort(), ['u-cora', 'u-ian']);
      assert.deepEqual((await directory.membersOf('incident')).map((p) => p.id), ['u-ian']);
      assert.deepEqual((await directory.everyone()).map((p) => p.name), ['Cora Comms', 'Ian Incident', 'Mary Manager', 'Zoe Young']);
    });

    it('removes people no longer in the list, and updates those who stay', async () => {
      const directory = createTableDirectory(tables.directory);
      await directory.replaceAll(people);
      assert.equal((await directory.everyone()).length, 4); // fills the cache
      await directory.replaceAll([
        { id: 'u-mary', name: 'Mary Manager', roles: ['admin', 'comms'] },
        { id: 'u-zoe', name: 'Zoe Young-Smith', managerId: 'u-mary', roles: [] },
      ]);
      assert.deepEqual((await directory.everyone()).map((p) => p.name), ['Mary Manager', 'Zoe Young-Smith']);
      assert.equal(await directory.find('u-cora'), undefined);
      assert.deepEqual((await directory.membersOf('comms')).map((p) => p.id), ['u-mary']);
      assert.equal((await allRows(tables.directory)).length, 2);
      // Another instance, with nothing cached, reads the same.
      assert.deepEqual((await createTableDirectory(tables.directory).everyone()).map((p) => p.id), ['u-mary', 'u-zoe']);
    });

    it('empties the directory when replaced by an empty list', async () => {
      const directory = createTableDirectory(tables.directory);
      await directory.replaceAll(people);
      await directory.replaceAll([]);
      assert.deepEqual(await directory.everyone(), []);
      assert.equal((await allRows(tables.directory)).length, 0);
    });
  });

  describe('directory seed file', () => {
    it('parses a good file, tidying names', () => {
      const parsed = parseDirectorySeed({ people: [
        { id: 'u-mary', name: '  Mary\nManager ', roles: ['admin'] },
        { id: '6f1c2f3a-1b2c-4d5e-8f90-123456789abc', name: 'Zoe Young', managerId: 'u-mary' },
      ] });
      assert.deepEqual(parsed, { ok: true, people: [
        { id: 'u-mary', name: 'Mary Manager', roles: ['admin'] },
        { id: '6f1c2f3a-1b2c-4d5e-8f90-123456789abc', name: 'Zoe Young', roles: [], managerId: 'u-mary' },
      ] });
    });

    it('takes the safeguarding lead and IT security roles, and the directory keeps them', async () => {
      const parsed = parseDirectorySeed({ people: [
        { id: 'u-sophie', name: 'Sophie Safeguarding', roles: ['safeguarding'] },
        { id: 'u-ivan', name: 'Ivan Security', roles: ['itSecurity', 'incident'] },
      ] });
      assert.ok(parsed.ok);
      const directory = createTableDirectory(tables.directory);
      await directory.replaceAll(parsed.people);
      assert.deepEqual((await directory.membersOf('safeguarding')).map((person) => person.id), ['u-sophie']);
      assert.deepEqual((await directory.membersOf('itSecurity')).map((person) => person.id), ['u-ivan']);
    });

    it('refuses a file without a people array', () => {
      for (const raw of [null, 42, [], {}, { people: 'everyone' }]) {
        assert.deepEqual(parseDirectorySeed(raw), { ok: false, problems: ['the file must be an object with a "people" array'] });
      }
    });

    it('reports every problem in one pass, each naming its entry', () => {
      const parsed = parseDirectorySeed({ people: [
        { id: 'u-ann', name: 'Ann', managerId: 'u-ghost' },
        'not a person',
        { id: 'has space', name: 'Spacey' },
        { id: 'u-blank', name: '   ' },
        { id: 'u-boss', name: 'Boss', roles: ['boss'] },
        { id: 'u-self', name: 'Self', managerId: 'u-self' },
        { id: 'u-bad-manager', name: 'Bad', managerId: 'x/y' },
        { id: 'u-ann', name: 'Ann Again' },
        { id: 'u-long', name: 'n'.repeat(101) },
      ] });
      assert.equal(parsed.ok, false);
      assert.ok(!parsed.ok);
      assert.deepEqual(parsed.problems, [
        'people[1]: not an object',
        'people[2]: "id" must be an Entra ID object id',
        'people[3]: "name" must be 1-100 characters',
        'people[4]: "roles" must be a list of comms, incident, admin, safeguarding, itSecurity',
        'people[6]: "managerId" must be an id',
        'people[8]: "name" must be 1-100 characters',
        'u-ann: appears more than once',
        'u-ann: manager u-ghost is not in the file',
        'u-self: a person cannot manage themselves',
      ]);
    });
  });
});
