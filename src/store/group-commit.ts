import type { TableClient, TransactionAction } from '@azure/data-tables';
import { TABLE_LIMITS } from './entity-limits';
import { statusOf } from './tables';

/** What the table service answered for one action of a write: its new ETag, where it gave one (not for deletes). */
export interface ActionAnswer {
  readonly etag?: string;
}

/**
 * Writes to a table's partitions, sharing round trips: a write that finds its partition idle goes at once, as it
 * would alone; the writes that arrive for that partition while it is being written go together in the next round
 * trip, as one entity-group transaction. Under load, that turns the writes many steps make to the same few
 * partitions (today's timers, a team's inbox, one case's delivery records) into a fraction of the round trips, and
 * into less work for the table service and the SDK (bench/NOTES.md); with one write at a time nothing changes.
 *
 * Each write keeps what it had alone: its actions are stored together or not at all, and in its partition's
 * order after the writes before it (a row written twice waits for the next round trip). When the service refuses
 * a shared transaction, it stores nothing of it; each write is then sent alone, so only the write the refusal was
 * about fails, with the error it would have had.
 */
export interface GroupCommit {
  /** One write: actions on one partition, at most 100, stored together. Answers each action, in order. */
  write(actions: readonly TransactionAction[]): Promise<ActionAnswer[]>;
}

interface Waiting {
  readonly actions: readonly TransactionAction[];
  readonly resolve: (answers: ActionAnswer[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Refusals of one action (the row is missing, already there, or changed): a shared transaction then retries alone. */
const ACTION_REFUSALS = [400, 404, 409, 412];

export function createGroupCommit(table: TableClient): GroupCommit {
  const queues = new Map<string, Waiting[]>();

  async function drain(partition: string, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      const shared = takeShare(queue);
      if (shared.length === 1) await alone(shared[0]!);
      else await together(shared);
    }
    queues.delete(partition);
  }

  async function together(shared: readonly Waiting[]): Promise<void> {
    let response;
    try {
      response = await table.submitTransaction(shared.flatMap((write) => write.actions));
    } catch (error) {
      if (!ACTION_REFUSALS.includes(statusOf(error) ?? 0)) return void shared.forEach((write) => write.reject(error));
      // Nothing of it was stored: each write again on its own, so only the refused one fails.
      await Promise.all(shared.map(alone));
      return;
    }
    let next = 0;
    for (const write of shared) {
      write.resolve(write.actions.map((_, i) => answerOf(response.subResponses[next + i])));
      next += write.actions.length;
    }
  }

  async function alone(write: Waiting): Promise<void> {
    try {
      write.resolve(await sendAlone(table, write.actions));
    } catch (error) {
      write.reject(error);
    }
  }

  return {
    write(actions) {
      if (actions.length === 0) return Promise.resolve([]);
      const partition = actions[0]![1].partitionKey;
      if (actions.length > TABLE_LIMITS.maxBatchOperations || actions.some((action) => action[1].partitionKey !== partition)) {
        return Promise.reject(new RangeError(`a write is at most ${TABLE_LIMITS.maxBatchOperations} actions on one partition`));
      }
      return new Promise<ActionAnswer[]>((resolve, reject) => {
        const queue = queues.get(partition);
        if (queue) return void queue.push({ actions, resolve, reject });
        const started: Waiting[] = [{ actions, resolve, reject }];
        queues.set(partition, started);
        // After this tick: the writes a step makes at once to the same partition share the first round trip.
        queueMicrotask(() => void drain(partition, started));
      });
    },
  };
}

/** The writes at the head of the queue that fit one transaction: at most 100 actions, no row twice. */
function takeShare(queue: Waiting[]): Waiting[] {
  const rows = new Set<string>();
  let actions = 0;
  let count = 0;
  for (const write of queue) {
    const keys = write.actions.map((action) => action[1].rowKey);
    if (count > 0 && (actions + keys.length > TABLE_LIMITS.maxBatchOperations || keys.some((key) => rows.has(key)))) break;
    keys.forEach((key) => rows.add(key));
    actions += keys.length;
    count++;
  }
  return queue.splice(0, count);
}

/** One write on its own: a single action as the plain call (the cheapest round trip), several as a transaction. */
async function sendAlone(table: TableClient, actions: readonly TransactionAction[]): Promise<ActionAnswer[]> {
  if (actions.length > 1) return (await table.submitTransaction([...actions])).subResponses.map(answerOf);
  const action = actions[0]!;
  const [kind, entity] = action;
  switch (kind) {
    case 'create':
      return [answerOf(await table.createEntity(entity))];
    case 'delete':
      await table.deleteEntity(entity.partitionKey, entity.rowKey);
      return [{}];
    case 'upsert':
      return [answerOf(await table.upsertEntity(entity, action[2] ?? 'Merge'))];
    case 'update':
      return [answerOf(await table.updateEntity(entity, action[2] ?? 'Merge', action[3]))];
  }
}

function answerOf(response: { etag?: string } | undefined): ActionAnswer {
  return response?.etag ? { etag: response.etag } : {};
}
