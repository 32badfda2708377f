import { TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import { statusOf } from '../store/tables';

/**
 * Conversation references for proactive messages (`conversations` table), captured on install and on
 * every message. PartitionKey = the person's Entra ID object id, RowKey = `personal`.
 */
export function createConversationStore(table: TableClient) {
  const PERSONAL = 'personal';
  const ANY_PARTITION = 'service';
  return {
    async savePersonal(userId: string, reference: Partial<ConversationReference>): Promise<void> {
      const body = JSON.stringify(minimalReference(reference));
      await table.upsertEntity({ partitionKey: userId, rowKey: PERSONAL, body }, 'Replace');
      // One reference kept per tenant and service URL, to open 1:1 chats with people who never wrote to the bot.
      await table.upsertEntity({ partitionKey: ANY_PARTITION, rowKey: 'latest', body }, 'Replace');
    },
    async personal(userId: string): Promise<Partial<ConversationReference> | undefined> {
      return readReference(table, userId, PERSONAL);
    },
    /** Any known reference: gives the service URL and tenant needed to start a new 1:1 chat. */
    async anyReference(): Promise<Partial<ConversationReference> | undefined> {
      return readReference(table, ANY_PARTITION, 'latest');
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;

async function readReference(table: TableClient, partitionKey: string, rowKey: string) {
  try {
    const row = await table.getEntity<{ body: string }>(partitionKey, rowKey);
    return JSON.parse(row.body) as Partial<ConversationReference>;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Keeps only what continuing a conversation needs: no names beyond ids, no message text. */
function minimalReference(reference: Partial<ConversationReference>): Partial<ConversationReference> {
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
    bot: reference.bot && { id: reference.bot.id, name: reference.bot.name },
    user: reference.user && { id: reference.user.id, name: '', aadObjectId: reference.user.aadObjectId },
  };
}
