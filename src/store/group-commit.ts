import type { TableClient, TransactionAction } from '@azure/data-tables';
import { assertEntityWithinLimits, TABLE_LIMITS } from './entity-limits';
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
  /**
   * One write: actions on one partition, at most 100, stored together. Answers each action, in order. With
   * `sendWithinMs`, a write still waiting for its round trip that long after it was made is refused with
   * {@link WriteTooLate} instead, unsent (a write that is only safe while a claim runs).
   */
  write(actions: readonly TransactionAction[], options?: { readonly sendWithinMs?: number }): Promise<ActionAnswer[]>;
}

/** A write that waited past its `sendWithinMs` for its round trip: nothing of it was sent. */
export class WriteTooLate extends Error {
  constructor() {
    super('the write waited too long for its round trip and was not sent');
    this.name = 'WriteTooLate';
  }
}

/**
 * How long one round trip may take, the SDK's retries included, before it is abandoned (and its writes failed, as
 * when no answer comes): a partition's later writes wait behind it, so a hung request must not hold them for ever.
 */
export const ROUND_TRIP_TIMEOUT_MS = 30_000;

interface Waiting {
  readonly actions: readonly TransactionAction[];
  /** About what the actions weigh, as the service counts an entity (a transaction carries at most 4 MiB). */
  readonly bytes: number;
  readonly madeAt: number;
  readonly sendWithinMs: number;
  readonly resolve: (answers: ActionAnswer[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Refusals of one action (the row is missing, already there, or changed): a shared transaction then retries alone. */
const ACTION_REFUSALS = [400, 404, 409, 412];

export function createGroupCommit(table: TableClient, options: { readonly roundTripTimeoutMs?: number } = {}): GroupCommit {
  const timeoutMs = options.roundTripTimeoutMs ?? ROUND_TRIP_TIMEOUT_MS;
  const queues = new Map<string, Waiting[]>();

  async function drain(partition: string, queue: Waiting[]): Promise<void> {
    while (queue.length > 0) {
      refuseLate(queue);
      if (queue.length === 0) break;
      const shared = takeShare(queue);
      if (shared.length === 1) await alone(shared[0]!);
      else await together(shared);
    }
    queues.delete(partition);
  }

  async function together(shared: readonly Waiting[]): Promise<void> {
    let response;
    try {
      response = await table.submitTransaction(shared.flatMap((write) => write.actions), { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (!ACTION_REFUSALS.includes(statusOf(error) ?? 0)) return void shared.forEach((write) => write.reject(error));
      // Nothing of it was stored: each write again on its own, so only the refused one fails.
      const again = [...shared];
      refuseLate(again);
      await Promise.all(again.map(alone));
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
      write.resolve(await sendAlone(table, write.actions, AbortSignal.timeout(timeoutMs)));
    } catch (error) {
      write.reject(error);
    }
  }

  return {
    write(actions, options = {}) {
      if (actions.length === 0) return Promise.resolve([]);
      const partition = actions[0]![1].partitionKey;
      if (actions.length > TABLE_LIMITS.maxBatchOperations || actions.some((action) => action[1].partitionKey !== partition)) {
        return Promise.reject(new RangeError(`a write is at most ${TABLE_LIMITS.maxBatchOperations} actions on one partition`));
      }
      let bytes: number;
      try {
        bytes = actions.reduce((sum, action) => sum + assertEntityWithinLimits(action[1]), 0);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<ActionAnswer[]>((resolve, reject) => {
        const waiting: Waiting = { actions, bytes, madeAt: performance.now(), sendWithinMs: options.sendWithinMs ?? Number.POSITIVE_INFINITY, resolve, reject };
        const queue = queues.get(partition);
        if (queue) return void queue.push(waiting);
        const started: Waiting[] = [waiting];
        queues.set(partition, started);
        // After this tick: the writes a step makes at once to the same partition share the first round trip.
        queueMicrotask(() => void drain(partition, started));
      });
    },
  };
}

/** Room in one transaction's request for the entities, less the multipart headers of each operation. */
const SHARE_BYTES = TABLE_LIMITS.maxBatchBytes - TABLE_LIMITS.maxBatchOperations * 1024;

/** The writes at the head of the queue that fit one transaction: at most 100 actions and 4 MiB, no row twice. */
function takeShare(queue: Waiting[]): Waiting[] {
  const rows = new Set<string>();
  let actions = 0;
  let bytes = 0;
  let count = 0;
  for (const write of queue) {
    const keys = write.actions.map((action) => action[1].rowKey);
    const full = actions + keys.length > TABLE_LIMITS.maxBatchOperations || bytes + write.bytes > SHARE_BYTES;
    if (count > 0 && (full || keys.some((key) => rows.has(key)))) break;
    keys.forEach((key) => rows.add(key));
    actions += keys.length;
    bytes += write.bytes;
    count++;
  }
  return queue.splice(0, count);
}

/** Refuses, unsent, the writes that have waited past their `sendWithinMs`, taking them out of `queue`. */
function refuseLate(queue: Waiting[]): void {
  const at = performance.now();
  for (let i = queue.length - 1; i >= 0; i--) {
    const write = queue[i]!;
    if (at - write.madeAt > write.sendWithinMs) {
      queue.splice(i, 1);
      write.reject(new WriteTooLate());
    }
  }
}

/** One write on its own: a single action as the plain call (the cheapest round trip), several as a transaction. */
async function sendAlone(table: TableClient, actions: readonly TransactionAction[], abortSignal: AbortSignal): Promise<ActionAnswer[]> {
  if (actions.length > 1) return (await table.submitTransaction([...actions], { abortSignal })).subResponses.map(answerOf);
  const action = actions[0]!;
  const [kind, entity] = action;
  switch (kind) {
    case 'create':
      return [answerOf(await table.createEntity(entity, { abortSignal }))];
    case 'delete':
      await table.deleteEntity(entity.partitionKey, entity.rowKey, { abortSignal });
      return [{}];
    case 'upsert':
      return [answerOf(await table.upsertEntity(entity, action[2] ?? 'Merge', { abortSignal }))];
    case 'update':
      return [answerOf(await table.updateEntity(entity, action[2] ?? 'Merge', { ...action[3], abortSignal }))];
  }
}

function answerOf(response: { etag?: string } | undefined): ActionAnswer {
  return response?.etag ? { etag: response.etag } : {};
}
