import { createHash } from 'node:crypto';
import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { CaseSummary, Contribution, delta } from '../dashboard/statistics';
import { statusOf } from './tables';

/**
 * The `statistics` table (issue 14):
 * - each case's summary (state, audience, deadline, settled clocks; no names, no text) with the case version it was
 *   made from, under `s|<shard>` (256 shards by a hash of the reference, so no partition grows with the cases);
 * - in partition `counters`, the rows a page reads: `n|` open cases, `w|` clocks per week, `dd|`/`dh|` deadlines of
 *   open cases by day and by hour, `t|` every case by kind and audience: the sums of the summaries' contributions
 *   (src/dashboard/statistics.ts); and, while a summary's change is being added, a marker `a|<reference>`.
 *
 * Counting exactly once, across two partitions: a new summary is stored first with the change it makes to the
 * counters (`delta`, not yet applied); the counters then move in one transaction that also writes the case's marker
 * with that version, so a second attempt finds the marker and moves nothing; then the summary is marked applied
 * and the marker removed. A summary left unapplied (a crash, a lost race) is finished by whoever comes next, before
 * anything newer. A summary of a version already stored changes nothing: the engine's effects may run twice.
 */
const COUNTERS = 'counters';
const MARKER_PREFIX = 'a|';
const MAX_ATTEMPTS = 30;
/** An entity-group transaction holds at most 100 operations. */
const BATCH = 100;

export interface CounterRow {
  readonly key: string;
  readonly audience: string;
  readonly amounts: Readonly<Record<string, number>>;
}

interface StoredSummary {
  readonly summary: CaseSummary;
  readonly etag: string;
  /** The counters' change this summary makes, until it has been applied. */
  readonly pending?: readonly Contribution[];
}

const AMOUNTS = ['count', 'met', 'missed'] as const;
const RACED = [404, 409, 412];

export function createStatisticsStore(table: TableClient) {
  async function readSummary(reference: string): Promise<StoredSummary | undefined> {
    try {
      const row = await table.getEntity<SummaryEntity>(shardOf(reference), reference);
      return { summary: fromEntity(row), etag: row.etag, ...(row.pending ? { pending: JSON.parse(row.pending) as Contribution[] } : {}) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async function readCounter(key: string): Promise<{ amounts: Record<string, number>; etag: string; version?: number } | undefined> {
    try {
      const row = await table.getEntity<Record<string, unknown>>(COUNTERS, key);
      return { amounts: amountsOf(row), etag: row.etag, ...(typeof row.version === 'number' ? { version: row.version } : {}) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Moves the counters by a stored summary's change, once (the marker says whether it was), then marks it applied. */
  async function apply(stored: StoredSummary): Promise<void> {
    const { reference, version } = stored.summary;
    const markerKey = `${MARKER_PREFIX}${reference}`;
    let markerEtag: string | undefined;
    let summaryEtag = stored.etag;
    for (let attempt = 1; ; attempt++) {
      const marker = await readCounter(markerKey);
      if (marker?.version !== undefined && marker.version >= version) {
        if (marker.version === version) markerEtag = marker.etag;
        break;
      }
      // No marker of this version: either not applied yet, or applied, marked and cleaned up by another instance
      // since this one read the summary. Read after the marker, the summary tells which (it is marked before the
      // marker goes).
      const current = await readSummary(reference);
      if (!current?.pending || current.summary.version !== version) return;
      summaryEtag = current.etag;
      const changes = current.pending;
      const counters = await Promise.all(changes.map((change) => readCounter(change.key)));
      const markerRow = { partitionKey: COUNTERS, rowKey: markerKey, version };
      const actions: TransactionAction[] = changes.map((change, index) => counterAction(change, counters[index]));
      // A marker left by an older version (its removal failed) is overwritten; otherwise it is created: 409 if another got there.
      actions.push(marker ? ['update', markerRow, 'Replace', { etag: marker.etag }] : ['create', markerRow]);
      try {
        const response = await table.submitTransaction(actions);
        // The sub-responses name their rows URL-encoded (`a%7C...`), so getResponseForEntity(markerKey) finds nothing.
        markerEtag = response.subResponses.find((sub) => decodeURIComponent(sub.rowKey ?? '') === markerKey)?.etag;
        break;
      } catch (error) {
        if (!RACED.includes(statusOf(error) ?? 0) || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
    // Another instance may have marked it, or moved the summary on: either way this version's counting is done.
    await table.updateEntity(toEntity(stored.summary), 'Replace', { etag: summaryEtag }).catch(ignoreRaces);
    if (markerEtag) await table.deleteEntity(COUNTERS, markerKey, { etag: markerEtag }).catch(ignoreRaces);
  }

  return {
    /**
     * Keeps a case's summary and moves the counters by the difference from the one stored. Idempotent: a summary
     * of a version already recorded (a retried effect, a recovery) changes nothing.
     */
    async record(summary: CaseSummary): Promise<'recorded' | 'unchanged'> {
      for (let attempt = 1; ; attempt++) {
        const stored = await readSummary(summary.reference);
        if (stored?.pending) {
          await apply(stored);
          continue;
        }
        if (stored && stored.summary.version >= summary.version) return 'unchanged';
        const changes = delta(stored?.summary, summary);
        const entity = { ...toEntity(summary), ...(changes.length ? { pending: JSON.stringify(changes) } : {}) };
        try {
          const written = stored ? await table.updateEntity(entity, 'Replace', { etag: stored.etag }) : await table.createEntity(entity);
          if (changes.length) await apply({ summary, etag: written.etag ?? '', pending: changes });
          return 'recorded';
        } catch (error) {
          if (!RACED.includes(statusOf(error) ?? 0) || attempt >= MAX_ATTEMPTS) throw error;
          await pause(attempt);
        }
      }
    },

    /** Counter rows with keys in [from, to): one range query in the counters partition. Rows back at zero are left out. */
    async counters(from: string, to: string): Promise<CounterRow[]> {
      const rows: CounterRow[] = [];
      const filter = odata`PartitionKey eq ${COUNTERS} and RowKey ge ${from} and RowKey lt ${to}`;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        const amounts = amountsOf(row);
        if (Object.values(amounts).some((amount) => amount !== 0)) rows.push({ key: String(row.rowKey), audience: String(row.audience ?? ''), amounts });
      }
      return rows;
    },

    /** The summaries of these cases (point reads, in parallel); missing ones are left out. */
    async summaries(references: readonly string[]): Promise<Map<string, CaseSummary>> {
      const found = await Promise.all([...new Set(references)].map(async (reference) => (await readSummary(reference))?.summary));
      return new Map(found.flatMap((summary) => (summary ? [[summary.reference, summary] as const] : [])));
    },

    /** Every summary and counter (not markers), as key -> columns: tests compare a rebuild with what the engine kept. */
    async everything(): Promise<Map<string, Record<string, unknown>>> {
      const rows = new Map<string, Record<string, unknown>>();
      for await (const row of table.listEntities<Record<string, unknown>>()) {
        const { partitionKey, rowKey, etag: _e, timestamp: _t, ...columns } = row;
        if (String(rowKey).startsWith(MARKER_PREFIX)) continue;
        rows.set(partitionKey === COUNTERS ? String(rowKey) : `summary ${String(rowKey)}`, columns);
      }
      return rows;
    },

    /**
     * Replaces the whole table with these summaries and the counters they sum to (the rebuild command). Rows not
     * in the new set are deleted afterwards, so the counters are never briefly empty.
     */
    async replaceAll(summaries: readonly CaseSummary[]): Promise<{ summaries: number; counters: number }> {
      const entities = entitiesOf(summaries);
      await writeInBatches(table, entities.rows, 'upsert', 4);
      const keep = new Set(entities.rows.map((entity) => `${entity.partitionKey}\u0000${entity.rowKey}`));
      const stale: { partitionKey: string; rowKey: string }[] = [];
      for await (const row of table.listEntities({ queryOptions: { select: ['PartitionKey', 'RowKey'] } })) {
        if (!keep.has(`${row.partitionKey}\u0000${row.rowKey}`)) stale.push({ partitionKey: String(row.partitionKey), rowKey: String(row.rowKey) });
      }
      await writeInBatches(table, stale, 'delete', 4);
      return { summaries: summaries.length, counters: entities.counters };
    },

    /**
     * Writes these summaries and their counters into an empty table, `parallel` transactions of up to 100 at a time:
     * the benchmark seeds 100,000 cases' statistics this way. Not for a table in use (creates fail on existing rows).
     */
    async seed(summaries: readonly CaseSummary[], parallel = 8): Promise<{ summaries: number; counters: number }> {
      const entities = entitiesOf(summaries);
      await writeInBatches(table, entities.rows, 'create', parallel);
      return { summaries: summaries.length, counters: entities.counters };
    },
  };
}

export type StatisticsStore = ReturnType<typeof createStatisticsStore>;

/** A summary's partition: one of 256, by a hash of the reference (keys are never user text). */
function shardOf(reference: string): string {
  return `s|${createHash('sha256').update(reference).digest('hex').slice(0, 2)}`;
}

/** The rows a set of summaries is stored as: each summary, applied, and the counters they add up to. */
function entitiesOf(summaries: readonly CaseSummary[]): { rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[]; counters: number } {
  const counters = new Map<string, { audience: string; amounts: Record<string, number> }>();
  for (const summary of summaries) {
    for (const change of delta(undefined, summary)) {
      const entry = counters.get(change.key) ?? { audience: change.audience, amounts: {} };
      for (const [name, amount] of Object.entries(change.amounts)) entry.amounts[name] = (entry.amounts[name] ?? 0) + amount;
      counters.set(change.key, entry);
    }
  }
  const rows = [
    ...summaries.map(toEntity),
    ...[...counters].map(([key, { audience, amounts }]) => ({ partitionKey: COUNTERS, rowKey: key, audience, ...amounts })),
  ];
  return { rows, counters: counters.size };
}

/** Transactions of up to 100 rows of one partition, `parallel` at a time. */
async function writeInBatches(table: TableClient, rows: readonly ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[], kind: 'create' | 'upsert' | 'delete', parallel: number): Promise<void> {
  const byPartition = new Map<string, typeof rows[number][]>();
  for (const row of rows) byPartition.set(row.partitionKey, [...(byPartition.get(row.partitionKey) ?? []), row]);
  const batches: TransactionAction[][] = [];
  for (const partition of byPartition.values()) {
    for (let start = 0; start < partition.length; start += BATCH) {
      batches.push(partition.slice(start, start + BATCH).map((row): TransactionAction => (kind === 'upsert' ? ['upsert', row, 'Replace'] : [kind, row])));
    }
  }
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < batches.length) await table.submitTransaction(batches[next++]!);
  }));
}

function counterAction(change: Contribution, current: { amounts: Record<string, number>; etag: string } | undefined): TransactionAction {
  const amounts: Record<string, number> = { ...(current?.amounts ?? {}) };
  for (const [name, amount] of Object.entries(change.amounts)) amounts[name] = (amounts[name] ?? 0) + amount;
  const entity = { partitionKey: COUNTERS, rowKey: change.key, audience: change.audience, ...amounts };
  // A counter back at zero stays (a transaction deletes without If-Match, which could drop another case's count); readers skip it.
  if (!current) return ['create', entity];
  return ['update', entity, 'Replace', { etag: current.etag }];
}

function amountsOf(row: Record<string, unknown>): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const name of AMOUNTS) if (typeof row[name] === 'number') amounts[name] = row[name] as number;
  return amounts;
}

function ignoreRaces(error: unknown): void {
  if (!RACED.includes(statusOf(error) ?? 0)) throw error;
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}

type SummaryEntity = {
  partitionKey: string;
  rowKey: string;
  reference: string;
  prefix: string;
  version: number;
  state: string;
  open: boolean;
  audience: string;
  dueAt?: string;
  dueDay?: string;
  clocks: string;
  /** The counters' change still to be applied (JSON), while it is. */
  pending?: string;
};

function toEntity(summary: CaseSummary): SummaryEntity {
  return {
    partitionKey: shardOf(summary.reference), rowKey: summary.reference, reference: summary.reference, prefix: summary.prefix,
    version: summary.version, state: summary.state, open: summary.open, audience: summary.audience,
    ...(summary.dueAt ? { dueAt: summary.dueAt } : {}), ...(summary.dueDay ? { dueDay: summary.dueDay } : {}), clocks: JSON.stringify(summary.clocks),
  };
}

function fromEntity(row: SummaryEntity): CaseSummary {
  return {
    reference: row.reference, prefix: row.prefix, version: row.version, state: row.state, open: row.open, audience: row.audience,
    ...(row.dueAt ? { dueAt: row.dueAt } : {}), ...(row.dueDay ? { dueDay: row.dueDay } : {}), clocks: JSON.parse(row.clocks) as CaseSummary['clocks'],
  };
}
