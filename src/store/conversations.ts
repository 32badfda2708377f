import { TableClient } from '@azure/data-tables';
import { statusOf } from './tables';

/**
 * What continuing a conversation needs, as the Bot Framework's ConversationReference has it: the Teams folder
 * passes its references in and gets them back as its own type (`R`), and this store keeps only these fields.
 */
export interface ConversationReferenceFields {
  readonly channelId?: string;
  readonly serviceUrl?: string;
  readonly conversation?: { readonly id: string; readonly isGroup?: boolean; readonly conversationType?: string; readonly tenantId?: string; readonly name?: string };
  readonly bot?: { readonly id: string; readonly name?: string };
  readonly user?: { readonly id: string; readonly name?: string; readonly aadObjectId?: string };
}

/**
 * What opening a new 1:1 chat needs (Teams lets a bot do that for anyone the app is installed for): the tenant's
 * service URL and channel, the tenant and the bot. No person's ids, so one row serves everyone and names nobody.
 */
export interface ServiceReference {
  readonly channelId: string;
  readonly serviceUrl: string;
  readonly tenantId?: string;
  readonly bot?: { readonly id: string; readonly name: string };
}

/** How many people's references one instance keeps in memory, and for how long (see {@link createConversationStore}). */
export const CONVERSATION_CACHE = { maxEntries: 5000, ttlMs: 5 * 60_000 } as const;

export interface ConversationCacheOptions {
  readonly maxEntries?: number;
  readonly ttlMs?: number;
  /** The clock of the expiry; `Date.now` by default. */
  readonly nowMs?: () => number;
}

/**
 * Conversation references for proactive messages (`conversations` table), captured on install and on
 * every message. PartitionKey = the person's Entra ID object id, RowKey = `personal`; and the service's part
 * of the latest one (PartitionKey `service`, RowKey `latest`: service URL, tenant, bot, nobody's ids).
 *
 * Each send needs the recipient's reference, and the same few people (managers, team members) are sent to
 * again and again, so references read or saved here are kept in memory: at most `maxEntries` (the least
 * recently used go first) and each for `ttlMs` at most. A save replaces the cached copy at once (and writes
 * nothing when the copy is already the same); another instance's save, or an erasure (which deletes the row),
 * reaches this instance when the entry expires.
 * A person who is not known (404) is not cached, so a first install is seen at the next send.
 */
export function createConversationStore<R extends ConversationReferenceFields>(table: TableClient, cacheOptions: ConversationCacheOptions = {}): ConversationStore<R> {
  const PERSONAL = 'personal';
  const cache = boundedCache<R>(cacheOptions);
  const services = boundedCache<ServiceReference>(cacheOptions);
  const cached = async (partitionKey: string, rowKey: string): Promise<R | undefined> => {
    const key = `${partitionKey}\n${rowKey}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const read = await readReference<R>(table, partitionKey, rowKey);
    if (read) cache.set(key, read);
    return read;
  };
  return {
    async savePersonal(userId: string, reference: ConversationReferenceFields): Promise<void> {
      const body = JSON.stringify(minimalReference(reference));
      // What a read from the table would give (JSON drops the fields that are undefined).
      const minimal = JSON.parse(body) as R;
      // Every message and install saves the reference, and it is nearly always the one already stored: a row whose
      // copy in memory (saved or read here within the expiry) is the same is not written again. Another instance's
      // change, or an erasure, is trusted to this copy for as long as a send would trust it (the expiry).
      const personalKey = `${userId}\n${PERSONAL}`;
      const held = cache.get(personalKey);
      if (held === undefined || JSON.stringify(held) !== body) {
        // Forgotten first: if a write fails, the next read goes to the table rather than trusting the old copy.
        cache.delete(personalKey);
        await table.upsertEntity({ partitionKey: userId, rowKey: PERSONAL, body }, 'Replace');
        cache.set(personalKey, minimal);
      }
      // The service's reference, to open 1:1 chats with people who never wrote to the bot: the same for everyone
      // of a tenant, so written again only when the service URL (or the tenant, or the bot) changes.
      const service = serviceReferenceOf(reference);
      const known = services.get(LATEST_KEY);
      if (service && (!known || JSON.stringify(known) !== JSON.stringify(service))) {
        services.delete(LATEST_KEY);
        await table.upsertEntity({ partitionKey: ANY_PARTITION, rowKey: LATEST, body: JSON.stringify(service) }, 'Replace');
        services.set(LATEST_KEY, service);
      }
    },
    async personal(userId: string): Promise<R | undefined> {
      return cached(userId, PERSONAL);
    },
    /** The service URL, tenant and bot needed to start a new 1:1 chat, as last seen. */
    async anyReference(): Promise<ServiceReference | undefined> {
      const hit = services.get(LATEST_KEY);
      if (hit) return hit;
      const read = serviceReferenceOf(await readReference<ConversationReferenceFields & { tenantId?: string }>(table, ANY_PARTITION, LATEST));
      if (read) services.set(LATEST_KEY, read);
      return read;
    },
  };
}

/** A map that keeps at most `maxEntries` values (least recently used out first), each for at most `ttlMs`. */
function boundedCache<V>(options: ConversationCacheOptions) {
  const maxEntries = options.maxEntries ?? CONVERSATION_CACHE.maxEntries;
  const ttlMs = options.ttlMs ?? CONVERSATION_CACHE.ttlMs;
  const nowMs = options.nowMs ?? Date.now;
  const entries = new Map<string, { value: V; until: number }>();
  return {
    get(key: string): V | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.until <= nowMs()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key: string, value: V): void {
      if (maxEntries <= 0 || ttlMs <= 0) return;
      entries.delete(key);
      entries.set(key, { value, until: nowMs() + ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    delete(key: string): void {
      entries.delete(key);
    },
  };
}

export interface ConversationStore<R extends ConversationReferenceFields = ConversationReferenceFields> {
  savePersonal(userId: string, reference: ConversationReferenceFields): Promise<void>;
  personal(userId: string): Promise<R | undefined>;
  anyReference(): Promise<ServiceReference | undefined>;
}

async function readReference<R>(table: TableClient, partitionKey: string, rowKey: string): Promise<R | undefined> {
  try {
    const row = await table.getEntity<{ body: string }>(partitionKey, rowKey);
    return JSON.parse(row.body) as R;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

const ANY_PARTITION = 'service';
const LATEST = 'latest';
const LATEST_KEY = `${ANY_PARTITION}\n${LATEST}`;

/**
 * The service's part of a reference: from a person's (a message, an install), or from the row as stored (this
 * layout, or an older one that was a whole person's reference, or one an erasure left without the person).
 */
function serviceReferenceOf(reference: (ConversationReferenceFields & { tenantId?: string }) | undefined): ServiceReference | undefined {
  if (!reference?.serviceUrl || !reference.channelId) return undefined;
  const tenantId = reference.tenantId ?? reference.conversation?.tenantId;
  return {
    channelId: reference.channelId, serviceUrl: reference.serviceUrl,
    ...(tenantId ? { tenantId } : {}), ...(reference.bot ? { bot: { id: reference.bot.id, name: reference.bot.name ?? '' } } : {}),
  };
}

/** Keeps only what continuing a conversation needs: no names beyond ids, no message text. */
function minimalReference(reference: ConversationReferenceFields): ConversationReferenceFields {
  return {
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    conversation: reference.conversation && {
      id: reference.conversation.id,
      isGroup: reference.conversation.isGroup,
      conversationType: reference.conversation.conversationType,
      tenantId: reference.conversation.tenantId,
      name: '',
    },
    bot: reference.bot && { id: reference.bot.id, name: reference.bot.name ?? '' },
    user: reference.user && { id: reference.user.id, name: '', aadObjectId: reference.user.aadObjectId },
  };
}
