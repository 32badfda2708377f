import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { deleteIfThere, openTableClient, statusOf, TablesEndpoint } from './tables';

/** Where one person is in one campaign (DESIGN.md, 7): `sending` is written before the send call, the outcome after. */
export const RECIPIENT_STATES = ['queued', 'sending', 'sent', 'notInstalled', 'failed', 'acknowledged'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/**
 * One row of the `campaignrecipients` table: PartitionKey = campaign reference and one of {@link BUCKETS} buckets of
 * the person (`AC-2026-00001|07`), RowKey = the person's Entra object id.
 */
export interface RecipientRow {
  readonly reference: string;
  readonly personId: string;
  readonly state: RecipientState;
  /** Their line manager when they were enrolled: told at the final reminder; sees the team's status. */
  readonly managerId?: string;
  readonly enrolledAt: string;
  /** While `sending`: the attempt's own id, and when an instance that died mid-send is taken to have died. */
  readonly attemptId?: string;
  readonly sendingUntil?: string;
  readonly attempts?: number;
  readonly sentAt?: string;
  /** Where their card is, to update it in place when they acknowledge. */
  readonly conversationId?: string;
  readonly activityId?: string;
  readonly acknowledgedAt?: string;
  /** The policy version they acknowledged (the consent to monitoring the policy asks for). */
  readonly acknowledgedVersion?: string;
  /** Why it is not sent (a code, never a message text): `interrupted`, `blocked`, `HTTP 500`... */
  readonly detail?: string;
  /** The reminder rounds done for them (1: the reminder, 2: the final one, which also tells their manager). */
  readonly remindedRound?: number;
  /** The app was installed for them through Microsoft Graph once already. */
  readonly installRequested?: boolean;
}

export interface StoredRecipient extends RecipientRow {
  readonly etag: string;
}

export type RecipientPatch = Partial<Omit<RecipientRow, 'reference' | 'personId'>>;

/** What the campaign fan-out keeps in tables: a row a recipient, and a heartbeat a sending instance. */
export interface RecipientStore {
  ensure(): Promise<void>;
  /** Adds people to a campaign as `queued`; those already in it are left as they are. Returns who was added. */
  enrol(reference: string, people: readonly { readonly personId: string; readonly managerId?: string }[], at: string): Promise<string[]>;
  get(reference: string, personId: string): Promise<StoredRecipient | undefined>;
  /** Changes a row only if it is still as read (If-Match): 'conflict' when someone else changed it first. */
  update(row: StoredRecipient, patch: RecipientPatch): Promise<StoredRecipient | 'conflict'>;
  list(reference: string): Promise<StoredRecipient[]>;
  /** Every campaign this person is in (newest reference last): for "my campaigns" and erasure. */
  campaignsOf(personId: string, references: readonly string[]): Promise<StoredRecipient[]>;
  /** This instance is sending; how many instances sent within `freshMs` (itself included). */
  heartbeat(owner: string, now: Date, freshMs: number): Promise<number>;
  /** Removes this instance's heartbeat when it stops, so the others take its share at once. */
  leave(owner: string): Promise<void>;
  /**
   * Every row that holds this person's id (subject access, erasure): their own row in each campaign, the marks that
   * their team's final reminder reached them (`~manager-<id>`), and other people's rows naming them as line manager.
   * A scan of the whole table: for rare, audited requests only.
   */
  rowsNaming(personId: string): Promise<PersonRecipientRows>;
  /** Erasure: their rows and marks go; other people's rows lose the manager link to them (If-Match). */
  erasePerson(personId: string): Promise<{ readonly rows: number; readonly managerLinks: number }>;
  /** Retention: a deleted campaign's rows (all its partitions). Returns how many went; safe to run again. */
  deleteCampaign(reference: string): Promise<number>;
}

export interface PersonRecipientRows {
  readonly own: readonly StoredRecipient[];
  /** The campaigns whose final reminder told them, as line manager, who in their team had not acknowledged. */
  readonly toldAsManager: readonly string[];
  /** Other people's rows that name them as line manager (the rows are those people's: only where they are). */
  readonly asManager: readonly StoredRecipient[];
}

const SENDERS = '~senders';
/** The RowKey of the mark that a manager was told of their team at the final reminder (fan-out.ts `tellManager`). */
export const managerMarkKey = (managerId: string): string => `~manager-${managerId}`;
const BATCH = 100;
/**
 * A campaign's rows are spread over this many partitions by a hash of the person's id. Each read and write then
 * finds its row among a thirty-second of the campaign: Azurite looks a row up by partition and then scans it, so
 * one partition of ten thousand made every send's three row operations (and every enrolment insert) a scan of ten
 * thousand rows (bench/campaign-results.md). Azure Tables also serves more partitions in parallel.
 */
export const BUCKETS = 32;

/** The partition of one person's row in a campaign. */
export function recipientPartition(reference: string, personId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < personId.length; i++) hash = Math.imul(hash ^ personId.charCodeAt(i), 0x01000193) >>> 0;
  return `${reference}|${(hash % BUCKETS).toString(16).padStart(2, '0')}`;
}

/** The campaign a partition belongs to. */
function referenceOf(partitionKey: string): string {
  const bar = partitionKey.lastIndexOf('|');
  return bar < 0 ? partitionKey : partitionKey.slice(0, bar);
}

/** Every partition of a campaign: from `<reference>|` up to, not including, `<reference>}` ('}' follows '|'). */
const campaignFilter = (reference: string): string => odata`PartitionKey ge ${`${reference}|`} and PartitionKey lt ${`${reference}}`}`;

export function campaignRecipientsTableName(prefix: string): string {
  return `${prefix}campaignrecipients`;
}

/** The recipients table beside the others (same account, same prefix): not in TABLE_NAMES, campaigns bring their own. */
export function openRecipientStore(endpoint: TablesEndpoint, prefix: string): RecipientStore {
  return createRecipientStore(openTableClient(endpoint, campaignRecipientsTableName(prefix)));
}

export function createRecipientStore(table: TableClient): RecipientStore {
  const toRow = (entity: Record<string, unknown> & { etag: string }): StoredRecipient => {
    const { partitionKey, rowKey, etag, timestamp: _t, 'odata.etag': _o, ...rest } = entity as Record<string, unknown> & { etag: string };
    return { ...(rest as Omit<RecipientRow, 'reference' | 'personId'>), reference: referenceOf(String(partitionKey)), personId: String(rowKey), etag } as StoredRecipient;
  };

  async function createOne(entity: Record<string, unknown>): Promise<boolean> {
    try {
      await table.createEntity(entity as { partitionKey: string; rowKey: string });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  const store: RecipientStore = {
    async ensure() {
      await table.createTable();
    },

    async enrol(reference, people, at) {
      const added: string[] = [];
      const entities = people.map((person) => ({
        partitionKey: recipientPartition(reference, person.personId), rowKey: person.personId, state: 'queued', enrolledAt: at, ...(person.managerId ? { managerId: person.managerId } : {}),
      }));
      for (const batch of transactionsOf(entities)) {
        try {
          // One transaction a hundred: all created, or (someone already in it: a repeated enrolment) none, then one by one.
          await table.submitTransaction(batch.map((entity): TransactionAction => ['create', entity]));
          added.push(...batch.map((entity) => entity.rowKey));
        } catch (error) {
          if (statusOf(error) !== 409) throw error;
          for (const entity of batch) if (await createOne(entity)) added.push(entity.rowKey);
        }
      }
      return added;
    },

    async get(reference, personId) {
      try {
        return toRow(await table.getEntity(recipientPartition(reference, personId), personId) as Record<string, unknown> & { etag: string });
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    async update(row, patch) {
      const next = Object.fromEntries(Object.entries({ ...rowFields(row), ...patch }).filter(([, value]) => value !== undefined));
      try {
        const answer = await table.updateEntity({ partitionKey: recipientPartition(row.reference, row.personId), rowKey: row.personId, ...next }, 'Replace', { etag: row.etag });
        return { ...next, reference: row.reference, personId: row.personId, etag: answer.etag ?? '' } as StoredRecipient;
      } catch (error) {
        if (statusOf(error) === 412 || statusOf(error) === 404) return 'conflict';
        throw error;
      }
    },

    async list(reference) {
      const rows: StoredRecipient[] = [];
      for await (const entity of table.listEntities({ queryOptions: { filter: campaignFilter(reference) } })) {
        rows.push(toRow(entity as Record<string, unknown> & { etag: string }));
      }
      return rows;
    },

    async campaignsOf(personId, references) {
      const rows = await Promise.all(references.map((reference) => store.get(reference, personId)));
      return rows.filter((row): row is StoredRecipient => row !== undefined);
    },

    async heartbeat(owner, now, freshMs) {
      await table.upsertEntity({ partitionKey: SENDERS, rowKey: owner, seenAt: now.toISOString() }, 'Replace');
      const since = new Date(now.getTime() - freshMs).toISOString();
      let count = 0;
      for await (const _row of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${SENDERS} and seenAt ge ${since}` } })) count++;
      return Math.max(1, count);
    },

    async leave(owner) {
      await deleteIfThere(table, SENDERS, owner);
    },

    async rowsNaming(personId) {
      const own: StoredRecipient[] = [];
      const toldAsManager: string[] = [];
      const asManager: StoredRecipient[] = [];
      const filter = odata`RowKey eq ${personId} or RowKey eq ${managerMarkKey(personId)} or managerId eq ${personId}`;
      for await (const entity of table.listEntities({ queryOptions: { filter } })) {
        if (entity.partitionKey === SENDERS) continue;
        const row = toRow(entity as Record<string, unknown> & { etag: string });
        if (row.personId === personId) own.push(row);
        else if (row.personId === managerMarkKey(personId)) toldAsManager.push(row.reference);
        else asManager.push(row);
      }
      return { own, toldAsManager, asManager };
    },

    async erasePerson(personId) {
      const found = await store.rowsNaming(personId);
      let rows = 0;
      for (const row of found.own) rows += await deleteIfThere(table, recipientPartition(row.reference, row.personId), row.personId);
      for (const reference of found.toldAsManager) rows += await deleteIfThere(table, recipientPartition(reference, managerMarkKey(personId)), managerMarkKey(personId));
      let managerLinks = 0;
      for (const row of found.asManager) managerLinks += await unlinkManager(row, personId);
      return { rows, managerLinks };
    },

    async deleteCampaign(reference) {
      let deleted = 0;
      const keys: { partitionKey: string; rowKey: string }[] = [];
      for await (const entity of table.listEntities({ queryOptions: { filter: campaignFilter(reference), select: ['PartitionKey', 'RowKey'] } })) {
        keys.push({ partitionKey: String(entity.partitionKey), rowKey: String(entity.rowKey) });
      }
      for (const batch of transactionsOf(keys)) {
        try {
          await table.submitTransaction(batch.map((key): TransactionAction => ['delete', key]));
          deleted += batch.length;
        } catch (error) {
          // One row already gone (a run cut short, an erasure): the rest one by one.
          if (statusOf(error) !== 404) throw error;
          for (const key of batch) deleted += await deleteIfThere(table, key.partitionKey, key.rowKey);
        }
      }
      return deleted;
    },
  };

  /** One row without its manager; a row the fan-out changed meanwhile is read again (a few tries). */
  async function unlinkManager(row: StoredRecipient, managerId: string): Promise<number> {
    let current: StoredRecipient | undefined = row;
    for (let attempt = 0; attempt < 5 && current?.managerId === managerId; attempt++) {
      if (await store.update(current, { managerId: undefined }) !== 'conflict') return 1;
      current = await store.get(row.reference, row.personId);
    }
    if (current?.managerId === managerId) throw new Error('a campaign row kept changing while its manager link was erased; run the erasure again');
    return 0;
  }
  return store;
}

/** Entity group transactions: one partition each, at most a hundred entities. */
function transactionsOf<E extends { readonly partitionKey: string }>(entities: readonly E[]): E[][] {
  const byPartition = new Map<string, E[]>();
  for (const entity of entities) {
    const group = byPartition.get(entity.partitionKey);
    if (group) group.push(entity);
    else byPartition.set(entity.partitionKey, [entity]);
  }
  return [...byPartition.values()].flatMap((group) => Array.from({ length: Math.ceil(group.length / BATCH) }, (_, i) => group.slice(i * BATCH, (i + 1) * BATCH)));
}

function rowFields(row: StoredRecipient): Record<string, unknown> {
  const { reference: _r, personId: _p, etag: _e, ...fields } = row;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
