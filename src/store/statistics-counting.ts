import { createHash } from 'node:crypto';
import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { CaseSummary, Contribution, delta } from '../dashboard/statistics';
import { ROUND_TRIP_TIMEOUT_MS } from './group-commit';
import { statusOf } from './tables';

/**
 * Moving the dashboard's counters for a step of a case, exactly once (src/store/statistics.ts says why the counters
 * and a marker a case share a shard, and the summary is written after). Two things keep this at one round trip a
 * step, and fewer under load:
 * - the counter rows and markers this instance wrote last are remembered with their ETags, so a step needs no read
 *   while they are still as it left them; they are never trusted alone: every row is written If-Match on the ETag
 *   remembered (or created, where none was there), so a row another instance or a rebuild changed refuses the
 *   transaction, and the rows are read again;
 * - steps that arrive for a shard while it is being written are counted together in its next round trip: their
 *   changes added up, one action a counter row, one a marker. A step that finds the shard idle goes at once.
 */
export const COUNTERS_PREFIX = 'counters|';
export const MARKER_PREFIX = 'a|';
const COUNTER_SHARDS = 8;
const MAX_ATTEMPTS = 30;
/** Azure Tables allows 15 comparisons in a filter: the partition and 14 row keys a query. */
const KEYS_A_QUERY = 14;
/** An entity-group transaction holds at most 100 operations. */
const BATCH = 100;
/** Counter rows and markers remembered by an instance, at most: about a megabyte. */
const REMEMBERED_ROWS = 4000;
/** What another writer got there first looks like: the row gone, there already, or changed since it was read. */
export const RACED = [404, 409, 412];
const AMOUNTS = ['count', 'met', 'missed'] as const;

type Row = Record<string, unknown> & { etag: string };

/** A step to count: its summary, and the summary it replaces as the caller knows it. */
export interface Counting {
  readonly summary: CaseSummary;
  readonly stored?: CaseSummary;
  /** `stored` is what this instance wrote last, not a read of the table: the marker must agree with it. */
  readonly remembered: boolean;
}

/**
 * - `counted`: the counters moved from the step's basis to the summary;
 * - `counted before`: the marker holds this version or a later one (an attempt whose summary was not written);
 * - `not as remembered`: the marker does not hold the remembered summary's version (another instance's step, a
 *   rebuild): read the table's summary and count again.
 */
export type Counted = 'counted' | 'counted before' | 'not as remembered';

interface Waiting {
  readonly step: Counting;
  readonly resolve: (counted: Counted) => void;
  readonly reject: (error: unknown) => void;
}

/** What a step will count from, once its marker is known. */
type Decision = Exclude<Counted, 'counted'> | { readonly basis: CaseSummary | undefined };

export function createStatisticsCounting(table: TableClient, options: { readonly roundTripTimeoutMs?: number } = {}) {
  const timeoutMs = options.roundTripTimeoutMs ?? ROUND_TRIP_TIMEOUT_MS;
  const rows = rememberedRows(REMEMBERED_ROWS);
  const queues = new Map<string, Waiting[]>();

  async function drain(partition: string, queue: Waiting[]): Promise<void> {
    // countTogether settles every step it is given, and throws nothing: a failed step never stops the shard's queue.
    while (queue.length > 0) await countTogether(partition, takeShare(queue));
    queues.delete(partition);
  }

  /**
   * Counts these steps (of different cases) in one transaction, reading only rows not remembered; settles each. A
   * step that cannot be counted (a refusal of its own, a marker that cannot be read) fails alone.
   */
  async function countTogether(partition: string, share: readonly Waiting[]): Promise<void> {
    let pending = share;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const written: string[] = [];
      try {
        // After a refusal every marker is read: one assumed missing may be what was refused.
        const markers = await markersOf(partition, pending, attempt === 1);
        const counting: { waiting: Waiting; changes: Contribution[] }[] = [];
        for (const waiting of pending) {
          const decided = settleOrCount(waiting, markers.get(markerKeyOf(waiting.step.summary.reference)));
          if (decided) counting.push({ waiting, changes: decided });
        }
        pending = counting.map(({ waiting }) => waiting);
        if (counting.length === 0) return;
        const { found: counters } = await rowsRead(partition, counting.flatMap(({ changes }) => changes.map((change) => change.key)));
        const actions = actionsOf(partition, counting.map(({ waiting, changes }) => ({ summary: waiting.step.summary, changes })), counters, markers);
        if (actions.length > BATCH && pending.length > 1) {
          // Bases read from markers moved more rows than the share was sized for: half at a time.
          const half = Math.ceil(pending.length / 2);
          await countTogether(partition, pending.slice(0, half));
          await countTogether(partition, pending.slice(half));
          return;
        }
        written.push(...actions.map((action) => action[1].rowKey));
        const response = await table.submitTransaction(actions, { abortSignal: AbortSignal.timeout(timeoutMs) });
        actions.forEach((action, index) => {
          const etag = response.subResponses[index]?.etag;
          if (etag) rows.remember(partition, { ...action[1], etag });
          else rows.forget(partition, action[1].rowKey);
        });
        for (const { waiting } of counting) waiting.resolve('counted');
        return;
      } catch (error) {
        // Whatever was refused, or stored with its answer lost, is read again by the next attempt.
        written.forEach((key) => rows.forget(partition, key));
        pending.forEach(({ step }) => rows.forget(partition, markerKeyOf(step.summary.reference)));
        const status = statusOf(error) ?? 0;
        if (status === 400 && pending.length > 1) {
          // A request the service will not take (one step's row): each step on its own, so only that one fails.
          for (const waiting of pending) await countTogether(partition, [waiting]);
          return;
        }
        if (!RACED.includes(status) || attempt >= MAX_ATTEMPTS) {
          pending.forEach((waiting) => waiting.reject(error));
          return;
        }
        await pause(attempt);
      }
    }
  }

  /** Settles a step the marker says is not to be counted, or one that cannot be worked out; else its changes. */
  function settleOrCount(waiting: Waiting, marker: Row | undefined): Contribution[] | undefined {
    try {
      const decision = decide(waiting.step, marker);
      if (typeof decision !== 'string') return delta(decision.basis, waiting.step.summary);
      waiting.resolve(decision);
    } catch (error) {
      // A marker's basis that is not a summary, a summary the contributions cannot read: this step's fault alone.
      waiting.reject(error);
    }
    return undefined;
  }

  /**
   * The markers of these steps. One remembered that would let a step write nothing ("counted before", "not as
   * remembered") is read again: only a write checks a remembered row, and a rebuild may have replaced it since.
   */
  async function markersOf(partition: string, steps: readonly Waiting[], mayAssume: boolean): Promise<Map<string, Row>> {
    const keys = steps.map(({ step }) => markerKeyOf(step.summary.reference));
    const assumedMissing = new Set(mayAssume ? steps.filter(({ step }) => mayAssumeNoMarker(step)).map(({ step }) => markerKeyOf(step.summary.reference)) : []);
    const { found, read } = await rowsRead(partition, keys, assumedMissing);
    const doubtful = steps.filter(({ step }) => {
      const key = markerKeyOf(step.summary.reference);
      const marker = found.get(key);
      if (!marker || read.has(key)) return false;
      try {
        return typeof decide(step, marker) === 'string';
      } catch {
        return true;
      }
    }).map(({ step }) => markerKeyOf(step.summary.reference));
    if (doubtful.length === 0) return found;
    doubtful.forEach((key) => {
      rows.forget(partition, key);
      found.delete(key);
    });
    const again = await rowsRead(partition, doubtful);
    return new Map([...found, ...again.found]);
  }

  /**
   * Rows of one shard by key, remembered ones as remembered: one query a fourteen keys for the others (`read`) but
   * those `assumedMissing`, each query bounded in time like a write (the shard's later steps wait for it).
   */
  async function rowsRead(partition: string, keys: readonly string[], assumedMissing: ReadonlySet<string> = new Set()): Promise<{ found: Map<string, Row>; read: Set<string> }> {
    const found = new Map<string, Row>();
    const unknown: string[] = [];
    for (const key of new Set(keys)) {
      const row = rows.get(partition, key);
      if (row) found.set(key, row);
      else if (!assumedMissing.has(key)) unknown.push(key);
    }
    const chunks = Array.from({ length: Math.ceil(unknown.length / KEYS_A_QUERY) }, (_, index) => unknown.slice(index * KEYS_A_QUERY, (index + 1) * KEYS_A_QUERY));
    await Promise.all(chunks.map(async (chunk) => {
      const filter = `${odata`PartitionKey eq ${partition}`} and (${chunk.map((key) => odata`RowKey eq ${key}`).join(' or ')})`;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal: AbortSignal.timeout(timeoutMs) })) {
        found.set(String(row.rowKey), row as Row);
        rows.remember(partition, row as Row);
      }
    }));
    return { found, read: new Set(unknown) };
  }

  return {
    /** Moves the counters for one step, sharing the shard's next round trip with the steps that wait for it. */
    count(step: Counting): Promise<Counted> {
      const partition = counterPartitionOf(step.summary.reference);
      return new Promise<Counted>((resolve, reject) => {
        const waiting: Waiting = { step, resolve, reject };
        const queue = queues.get(partition);
        if (queue) return void queue.push(waiting);
        const started: Waiting[] = [waiting];
        queues.set(partition, started);
        // After this tick: steps recorded at once share the first round trip.
        queueMicrotask(() => void drain(partition, started));
      });
    },
    /** Forgets every remembered row: the next step of each case reads its shard's rows again. */
    forgetAll: () => rows.clear(),
  };
}

/** A case's counter shard: the same for every step of the case, so its marker and counters move together. */
export function counterPartitionOf(reference: string): string {
  return `${COUNTERS_PREFIX}${createHash('sha256').update(reference).digest().readUInt32BE(0) % COUNTER_SHARDS}`;
}

function markerKeyOf(reference: string): string {
  return `${MARKER_PREFIX}${reference}`;
}

/**
 * A case with no summary yet has, as a rule, no marker either (a marker without a summary is an attempt whose
 * summary was not written, or whose answer was lost): the marker is then created without reading it first, and
 * the service's refusal, where there was one, reads it.
 */
function mayAssumeNoMarker(step: Counting): boolean {
  return step.stored === undefined;
}

/** What the marker says of a step: count it from a basis, or why not. */
function decide(step: Counting, marker: Row | undefined): Decision {
  const counted = typeof marker?.version === 'number' ? marker.version : undefined;
  if (step.remembered && counted !== step.stored?.version) return 'not as remembered';
  if (counted !== undefined && counted >= step.summary.version) return 'counted before';
  if (counted !== undefined && counted > (step.stored?.version ?? 0) && typeof marker?.basis === 'string') {
    // A step whose summary was never written: the counters hold its basis, not the stored summary's.
    return { basis: JSON.parse(marker.basis) as CaseSummary };
  }
  return { basis: step.stored };
}

/**
 * The steps that go in the shard's next round trip: those at the head of the queue, one step a case (a case's next
 * step counts from this one's marker), while their rows fit one transaction.
 */
function takeShare(queue: Waiting[]): Waiting[] {
  const share: Waiting[] = [];
  const cases = new Set<string>();
  const keys = new Set<string>();
  for (let index = 0; index < queue.length;) {
    const waiting = queue[index]!;
    const reference = waiting.step.summary.reference;
    if (cases.has(reference)) {
      index++;
      continue;
    }
    // Its marker and the counters it would move from the stored summary (a marker's basis may move more: see countTogether).
    let rowKeys: string[];
    try {
      rowKeys = [markerKeyOf(reference), ...delta(waiting.step.stored, waiting.step.summary).map((change) => change.key)];
    } catch (error) {
      // A summary the contributions cannot read fails its own step, not the queue.
      queue.splice(index, 1);
      waiting.reject(error);
      continue;
    }
    const more = rowKeys.filter((key) => !keys.has(key)).length;
    if (share.length > 0 && keys.size + more > BATCH / 2) break;
    rowKeys.forEach((key) => keys.add(key));
    cases.add(reference);
    share.push(waiting);
    queue.splice(index, 1);
  }
  return share;
}

/** The transaction: each counter row moved by the sum of the steps' changes, and each step's marker at its version. */
function actionsOf(partition: string, steps: readonly { summary: CaseSummary; changes: readonly Contribution[] }[], counters: Map<string, Row>, markers: Map<string, Row>): TransactionAction[] {
  const sums = new Map<string, { audience: string; amounts: Record<string, number> }>();
  for (const { changes } of steps) {
    for (const change of changes) {
      // Each row starts from what the table holds.
      if (!sums.has(change.key)) sums.set(change.key, { audience: change.audience, amounts: amountsOf(counters.get(change.key) ?? {}) });
      addInto(sums, change.key, change.audience, change.amounts);
    }
  }
  const counterActions = [...sums].map(([key, { audience, amounts }]): TransactionAction => {
    const entity = { partitionKey: partition, rowKey: key, audience, ...amounts };
    const current = counters.get(key);
    // A counter back at zero stays (a transaction deletes without If-Match, which could drop another case's count); readers skip it.
    return current ? ['update', entity, 'Replace', { etag: current.etag }] : ['create', entity];
  });
  const markerActions = steps.map(({ summary }): TransactionAction => {
    const entity = markerEntityOf(summary);
    const current = markers.get(entity.rowKey);
    return current ? ['update', entity, 'Replace', { etag: current.etag }] : ['create', entity];
  });
  return [...counterActions, ...markerActions];
}

/**
 * A case's marker once `summary` is counted: its version, and what of it the counters count (its contributions'
 * inputs, no register line). The reference as a column too: the retention run finds a case's rows by it and deletes
 * the marker with the case.
 */
export function markerEntityOf(summary: CaseSummary): { partitionKey: string; rowKey: string; reference: string; version: number; basis: string } {
  return { partitionKey: counterPartitionOf(summary.reference), rowKey: markerKeyOf(summary.reference), reference: summary.reference, version: summary.version, basis: JSON.stringify(basisOf(summary)) };
}

/** What of a summary the counters count (its contributions' inputs), kept on the marker: no register line. */
function basisOf(summary: CaseSummary): Omit<CaseSummary, 'cells'> {
  const { cells: _cells, ...basis } = summary;
  return basis;
}

/** Adds `amounts` into the sum kept under `key` (created with `audience` if new). */
export function addInto(sums: Map<string, { audience: string; amounts: Record<string, number> }>, key: string, audience: string, amounts: Readonly<Record<string, number>>): void {
  const entry = sums.get(key) ?? { audience, amounts: {} };
  for (const [name, amount] of Object.entries(amounts)) entry.amounts[name] = (entry.amounts[name] ?? 0) + amount;
  sums.set(key, entry);
}

export function amountsOf(row: Record<string, unknown>): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const name of AMOUNTS) if (typeof row[name] === 'number') amounts[name] = row[name] as number;
  return amounts;
}

/** Counter rows and markers as this instance last wrote or read them, the least recently used forgotten first. */
function rememberedRows(limit: number) {
  const entries = new Map<string, Row>();
  const keyOf = (partition: string, rowKey: string) => `${partition}\u0000${rowKey}`;
  return {
    get(partition: string, rowKey: string): Row | undefined {
      const key = keyOf(partition, rowKey);
      const row = entries.get(key);
      if (row) {
        entries.delete(key);
        entries.set(key, row);
      }
      return row;
    },
    remember(partition: string, row: Row): void {
      const key = keyOf(partition, String(row.rowKey));
      entries.delete(key);
      entries.set(key, row);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    forget: (partition: string, rowKey: string) => void entries.delete(keyOf(partition, rowKey)),
    clear: () => entries.clear(),
  };
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}
