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
 * Conversation references for proactive messages (`conversations` table), captured on install and on
 * every message. PartitionKey = the person's Entra ID object id, RowKey = `personal`.
 */
export function createConversationStore<R extends ConversationReferenceFields>(table: TableClient): ConversationStore<R> {
  const PERSONAL = 'personal';
  const ANY_PARTITION = 'service';
  return {
    async savePersonal(userId: string, reference: ConversationReferenceFields): Promise<void> {
      const body = JSON.stringify(minimalReference(reference));
      await table.upsertEntity({ partitionKey: userId, rowKey: PERSONAL, body }, 'Replace');
      // One reference kept per tenant and service URL, to open 1:1 chats with people who never wrote to the bot.
      await table.upsertEntity({ partitionKey: ANY_PARTITION, rowKey: 'latest', body }, 'Replace');
    },
    async personal(userId: string): Promise<R | undefined> {
      return readReference<R>(table, userId, PERSONAL);
    },
    /** Any known reference: gives the service URL and tenant needed to start a new 1:1 chat. */
    async anyReference(): Promise<R | undefined> {
      return readReference<R>(table, ANY_PARTITION, 'latest');
    },
  };
}

export interface ConversationStore<R extends ConversationReferenceFields = ConversationReferenceFields> {
  savePersonal(userId: string, reference: ConversationReferenceFields): Promise<void>;
  personal(userId: string): Promise<R | undefined>;
  anyReference(): Promise<R | undefined>;
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
