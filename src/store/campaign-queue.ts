import { QueueClient } from '@azure/storage-queue';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { statusOf, TablesEndpoint } from './tables';

/**
 * The campaign fan-out queue (Azure Storage Queues; Azurite's queue service locally). The only file that imports
 * `@azure/storage-queue` (eslint.config.mjs): the rest of the bot sees {@link WorkQueue}. Every bot instance reads
 * the same queue, so they share the work; a message an instance received is invisible to the others for its
 * visibility timeout, and comes back to all of them if that instance dies before deleting it.
 */
export interface WorkQueue {
  ensure(): Promise<void>;
  /** Adds messages; `delaySeconds` hides them that long first. */
  add(bodies: readonly string[], delaySeconds?: number): Promise<void>;
  /** Up to `count` (at most 32) messages, each hidden from everyone else for `visibilitySeconds`. */
  receive(count: number, visibilitySeconds: number): Promise<readonly QueueMessage[]>;
  /** Done with it: nobody receives it again. A message whose receipt is stale (it came back to someone else) is left. */
  remove(message: QueueMessage): Promise<void>;
  /** Puts it back, visible again in `seconds` (a 429's Retry-After, a backoff): same message, a new receipt. */
  putBack(message: QueueMessage, seconds: number): Promise<void>;
  /** Keeps it hidden `seconds` longer while it is worked on (a long enrolment): the message with its new receipt. */
  extend(message: QueueMessage, seconds: number): Promise<QueueMessage>;
  /** About how many messages wait (visible or not): for progress lines and the benchmark. */
  approximateCount(): Promise<number>;
}

export interface QueueMessage {
  readonly id: string;
  readonly receipt: string;
  readonly body: string;
  /** How many times it has been received, this time included: above 1, an earlier receiver did not finish. */
  readonly dequeueCount: number;
}

/** Queue names: 3 to 63 lower-case letters, digits and single hyphens. The table prefix is lower-cased and kept. */
export function campaignQueueName(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[^a-z0-9]/g, '')}campaigns`.slice(0, 63);
}

/** Opens the queue beside the tables: the same account, by connection string or managed identity. */
export function openWorkQueue(endpoint: TablesEndpoint, name: string): WorkQueue {
  return workQueue(endpoint.kind === 'connectionString'
    ? new QueueClient(endpoint.connectionString, name)
    : new QueueClient(`${queueAccountUrl(endpoint.accountUrl)}/${name}`, endpoint.managedIdentityClientId
      ? new ManagedIdentityCredential({ clientId: endpoint.managedIdentityClientId }) : new DefaultAzureCredential()));
}

/** `https://<account>.table.core.windows.net` -> `https://<account>.queue.core.windows.net`. */
export function queueAccountUrl(tableAccountUrl: string): string {
  return tableAccountUrl.replace(/\/+$/, '').replace('.table.', '.queue.');
}

/** The queue service takes one message a request: a campaign of thousands is added this many at a time. */
const PARALLEL_ADDS = 32;

function workQueue(client: QueueClient): WorkQueue {
  return {
    async ensure() {
      await client.createIfNotExists();
    },
    async add(bodies, delaySeconds = 0) {
      // A message lives until it is handled: -1 is "never expires" (the default, 7 days, could outlast a long throttle).
      for (let start = 0; start < bodies.length; start += PARALLEL_ADDS) {
        await Promise.all(bodies.slice(start, start + PARALLEL_ADDS).map((body) => client.sendMessage(body, { messageTimeToLive: -1, visibilityTimeout: delaySeconds })));
      }
    },
    async receive(count, visibilitySeconds) {
      const answer = await client.receiveMessages({ numberOfMessages: Math.min(32, Math.max(1, count)), visibilityTimeout: visibilitySeconds });
      return answer.receivedMessageItems.map((item) => ({ id: item.messageId, receipt: item.popReceipt, body: item.messageText, dequeueCount: item.dequeueCount }));
    },
    async remove(message) {
      try {
        await client.deleteMessage(message.id, message.receipt);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },
    async putBack(message, seconds) {
      try {
        await client.updateMessage(message.id, message.receipt, undefined, Math.max(0, Math.ceil(seconds)));
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },
    async extend(message, seconds) {
      const answer = await client.updateMessage(message.id, message.receipt, undefined, Math.max(1, Math.ceil(seconds)));
      return { ...message, receipt: answer.popReceipt ?? message.receipt };
    },
    async approximateCount() {
      return (await client.getProperties()).approximateMessagesCount ?? 0;
    },
  };
}
