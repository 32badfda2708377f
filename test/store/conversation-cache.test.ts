import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createConversationStore } from '../../src/store/conversations';
import { ensureTables, openTables, TableMethod, TableName } from '../../src/store/tables';
import { testConnectionString } from '../support/azurite';

/**
 * The conversation references a send needs are kept in memory, with a bound and an expiry: a person sent to
 * again costs no read, a save is seen at once, another instance's change within the expiry.
 */
describe('conversation references: the cache (Azurite)', () => {
  let reads: number;
  let writes: number;
  let nowMs: number;
  let tables: ReturnType<typeof openTables>;
  const reference = (id: string, conversation = `a:chat-${id}`) => ({
    channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/',
    conversation: { id: conversation, conversationType: 'personal', tenantId: 'tenant-1' }, bot: { id: '28:bot' }, user: { id: `29:${id}`, aadObjectId: id },
  });

  beforeEach(async () => {
    reads = 0;
    writes = 0;
    nowMs = Date.parse('2026-11-25T10:00:00Z');
    const hook = (table: TableName, method: TableMethod) => {
      if (table === 'conversations' && method === 'getEntity') reads++;
      if (table === 'conversations' && method === 'upsertEntity') writes++;
    };
    tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, `c${randomBytes(5).toString('hex')}`, hook);
    await ensureTables(tables);
  });

  it('reads a person\'s reference once, then from memory until it expires', async () => {
    const writer = createConversationStore(tables.conversations);
    await writer.savePersonal('aad-alice', reference('aad-alice'));
    const store = createConversationStore(tables.conversations, { ttlMs: 60_000, nowMs: () => nowMs });
    assert.equal((await store.personal('aad-alice'))?.conversation?.id, 'a:chat-aad-alice');
    assert.equal((await store.personal('aad-alice'))?.conversation?.id, 'a:chat-aad-alice');
    assert.equal(reads, 1, 'the second send read nothing');

    // Another instance saves a new conversation: seen here once the entry expired.
    await writer.savePersonal('aad-alice', reference('aad-alice', 'a:new-chat'));
    assert.equal((await store.personal('aad-alice'))?.conversation?.id, 'a:chat-aad-alice', 'within the expiry, the copy in memory');
    nowMs += 60_000;
    assert.equal((await store.personal('aad-alice'))?.conversation?.id, 'a:new-chat', 'after it, read again');
    assert.equal(reads, 2);
  });

  it('sees its own save at once, and does not remember a person it does not know', async () => {
    const store = createConversationStore(tables.conversations, { nowMs: () => nowMs });
    assert.equal(await store.personal('aad-bob'), undefined);
    assert.equal(await store.personal('aad-bob'), undefined);
    assert.equal(reads, 2, 'an unknown person is looked up each time (they may install the app any moment)');
    await store.savePersonal('aad-bob', reference('aad-bob'));
    assert.deepEqual(await store.personal('aad-bob'), await createConversationStore(tables.conversations).personal('aad-bob'), 'the same as a read from the table');
    assert.deepEqual(await store.anyReference(), { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/uk/', tenantId: 'tenant-1', bot: { id: '28:bot', name: '' } });
    assert.equal(reads, 3, 'only the fresh store read the table');
  });

  it('writes nothing when a message brings the reference it already holds, and a changed one at once', async () => {
    const store = createConversationStore(tables.conversations, { ttlMs: 60_000, nowMs: () => nowMs });
    await store.savePersonal('aad-alice', reference('aad-alice'));
    assert.equal(writes, 2, 'the person\'s reference and the service\'s');
    await store.savePersonal('aad-alice', reference('aad-alice'));
    assert.equal(writes, 2, 'the same again: nothing written');
    await store.savePersonal('aad-alice', reference('aad-alice', 'a:new-chat'));
    assert.equal(writes, 3, 'a new chat is written at once; the service\'s reference has not changed');
    const fresh = createConversationStore(tables.conversations);
    assert.equal((await fresh.personal('aad-alice'))?.conversation?.id, 'a:new-chat');
    // Past the expiry the copy is not trusted: the same reference is written again (an erasure may have removed it).
    nowMs += 60_000;
    await store.savePersonal('aad-alice', reference('aad-alice', 'a:new-chat'));
    assert.equal(writes, 5);
  });

  it('writes the service\'s reference once for everyone: messages from one person after another write only their own rows', async () => {
    const store = createConversationStore(tables.conversations, { ttlMs: 60_000, nowMs: () => nowMs });
    for (const id of ['p1', 'p2', 'p3', 'p1', 'p2', 'p3']) await store.savePersonal(id, reference(id));
    assert.equal(writes, 4, 'three people\'s rows and the service\'s, once');
    await store.savePersonal('p1', { ...reference('p1'), serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    assert.equal(writes, 6, 'a new service URL is written at once');
    assert.equal((await createConversationStore(tables.conversations).anyReference())?.serviceUrl, 'https://smba.trafficmanager.net/emea/');
    const rows: string[] = [];
    for await (const row of tables.conversations.listEntities<{ body: string }>({ queryOptions: { filter: "PartitionKey eq 'service'" } })) rows.push(row.body);
    assert.equal(rows.length, 1);
    assert.doesNotMatch(rows[0]!, /p1|p2|p3|chat-/, 'the service\'s row names nobody');
  });

  it('keeps at most its bound, forgetting the least recently used', async () => {
    const writer = createConversationStore(tables.conversations);
    for (const id of ['p1', 'p2', 'p3']) await writer.savePersonal(id, reference(id));
    const store = createConversationStore(tables.conversations, { maxEntries: 2, nowMs: () => nowMs });
    await store.personal('p1');
    await store.personal('p2');
    await store.personal('p1'); // p1 is now the most recently used
    await store.personal('p3'); // p2 goes
    assert.equal(reads, 3);
    await store.personal('p1');
    await store.personal('p3');
    assert.equal(reads, 3, 'p1 and p3 are in memory');
    await store.personal('p2');
    assert.equal(reads, 4, 'p2 was forgotten');
  });
});
