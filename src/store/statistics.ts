import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { CaseSummary, Contribution, delta } from '../dashboard/statistics';
import { statusOf } from './tables';

/**
 * The `statistics` table (issue 14): one partition holding, side by side,
 * - `c|<reference>`: each case's summary (state, audience, deadline, settled clocks) with the case version it was
 *   made from: a replay of an older or the same version changes nothing, so the engine's at-least-once effects
 *   never count twice;
 * - counter rows (`n|` open cases, `w|` clocks per week, `dd|`/`dh|` deadlines of open cases by day and hour, `t|`
 *   every case by kind and audience), which are the
 *   sums of the summaries' contributions (src/dashboard/statistics.ts).
 * A summary and the counters it moves are written in one entity-group transaction with If-Match on every row read,
 * so they never disagree; a lost race (another case moved the same counter) reads again and retries.
 * No names, no free text: references, states, roles, dates and numbers only.
 */
const PARTITION = 'all';
const SUMMARY_PREFIX = 'c|';
const MAX_ATTEMPTS = 30;
/** An entity-group transaction holds at most 100 operations. */
const BATCH = 100;

export interface CounterRow {
  readonly key: string;
  readonly audience: string;
  readonly amounts: Readonly<Record<string, number>>;
}

const AMOUNTS = ['count', 'met', 'missed'] as const;

export function createStatisticsStore(table: TableClient) {
  async function readSummary(reference: string): Promise<{ summary: CaseSummary; etag: string } | undefined> {
    try {
      const row = await table.getEntity<SummaryEntity>(PARTITION, `${SUMMARY_PREFIX}${reference}`);
      return { summary: fromEntity(row), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async function readCounter(key: string): Promise<{ amounts: Record<string, number>; etag: string } | undefined> {
    try {
      const row = await table.getEntity<Record<string, unknown>>(PARTITION, key);
      return { amounts: amountsOf(row), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** One attempt; false when another writer got there first. */
  async function tryRecord(summary: CaseSummary): Promise<'recorded' | 'unchanged' | 'raced'> {
    const stored = await readSummary(summary.reference);
    if (stored && stored.summary.version >= summary.version) return 'unchanged';
    const changes = delta(stored?.summary, summary);
    const counters = await Promise.all(changes.map((change) => readCounter(change.key)));
    const actions: TransactionAction[] = [stored
      ? ['update', toEntity(summary), 'Replace', { etag: stored.etag }]
      : ['create', toEntity(summary)]];
    changes.forEach((change, index) => actions.push(counterAction(change, counters[index])));
    try {
      await submitInBatches(actions);
      return 'recorded';
    } catch (error) {
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'raced';
      throw error;
    }
  }

  async function submitInBatches(actions: TransactionAction[]): Promise<void> {
    if (actions.length > BATCH) throw new Error(`a case moved ${actions.length} statistics rows: more than one transaction holds`);
    await table.submitTransaction(actions);
  }

  return {
    /**
     * Keeps a case's summary and moves the counters by the difference from the one stored. Idempotent: a summary
     * of a version already recorded (a retried effect, a recovery) changes nothing.
     */
    async record(summary: CaseSummary): Promise<'recorded' | 'unchanged'> {
      for (let attempt = 1; ; attempt++) {
        const outcome = await tryRecord(summary);
        if (outcome !== 'raced') return outcome;
        if (attempt >= MAX_ATTEMPTS) throw new Error(`statistics of ${summary.reference}: still racing after ${MAX_ATTEMPTS} attempts`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    },

    /** Counter rows with keys in [from, to): one range query in the single partition. */
    async counters(from: string, to: string): Promise<CounterRow[]> {
      const rows: CounterRow[] = [];
      const filter = odata`PartitionKey eq ${PARTITION} and RowKey ge ${from} and RowKey lt ${to}`;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        rows.push({ key: String(row.rowKey), audience: String(row.audience ?? ''), amounts: amountsOf(row) });
      }
      return rows;
    },

    /** The summaries of these cases (point reads, in parallel); missing ones are left out. */
    async summaries(references: readonly string[]): Promise<Map<string, CaseSummary>> {
      const found = await Promise.all([...new Set(references)].map(async (reference) => (await readSummary(reference))?.summary));
      return new Map(found.flatMap((summary) => (summary ? [[summary.reference, summary] as const] : [])));
    },

    /** Every row, as key -> columns (tests compare a rebuild with what the engine kept). */
    async everything(): Promise<Map<string, Record<string, unknown>>> {
      const rows = new Map<string, Record<string, unknown>>();
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } })) {
        const { partitionKey: _p, rowKey, etag: _e, timestamp: _t, ...columns } = row;
        rows.set(String(rowKey), columns);
      }
      return rows;
    },

    /**
     * Replaces the whole table with these summaries and the counters they sum to (the rebuild command). Rows not
     * in the new set are deleted afterwards, so the counters are never briefly empty.
     */
    async replaceAll(summaries: readonly CaseSummary[]): Promise<{ summaries: number; counters: number }> {
      const counters = countersOf(summaries);
      const entities = [
        ...summaries.map(toEntity),
        ...counters.map(({ key, audience, amounts }) => ({ partitionKey: PARTITION, rowKey: key, audience, ...amounts })),
      ];
      const keep = new Set(entities.map((entity) => entity.rowKey));
      for (let start = 0; start < entities.length; start += BATCH) {
        await table.submitTransaction(entities.slice(start, start + BATCH).map((entity): TransactionAction => ['upsert', entity, 'Replace']));
      }
      const stale: string[] = [];
      for await (const row of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}`, select: ['RowKey'] } })) {
        if (!keep.has(String(row.rowKey))) stale.push(String(row.rowKey));
      }
      for (let start = 0; start < stale.length; start += BATCH) {
        await table.submitTransaction(stale.slice(start, start + BATCH).map((rowKey): TransactionAction => ['delete', { partitionKey: PARTITION, rowKey }]));
      }
      return { summaries: summaries.length, counters: counters.length };
    },

    /**
     * Writes these summaries and their counters into an empty table, `parallel` transactions of 100 at a time: the
     * benchmark seeds 100,000 cases' statistics this way. Not for a table in use (creates fail on existing rows).
     */
    async seed(summaries: readonly CaseSummary[], parallel = 8): Promise<{ summaries: number; counters: number }> {
      const counters = countersOf(summaries);
      const entities = [
        ...summaries.map(toEntity),
        ...counters.map(({ key, audience, amounts }) => ({ partitionKey: PARTITION, rowKey: key, audience, ...amounts })),
      ];
      let next = 0;
      const take = () => (next += BATCH) - BATCH;
      await Promise.all(Array.from({ length: parallel }, async () => {
        for (let start = take(); start < entities.length; start = take()) {
          await table.submitTransaction(entities.slice(start, start + BATCH).map((entity): TransactionAction => ['create', entity]));
        }
      }));
      return { summaries: summaries.length, counters: counters.length };
    },
  };
}

export type StatisticsStore = ReturnType<typeof createStatisticsStore>;

/** The counters a set of summaries adds up to. */
function countersOf(summaries: readonly CaseSummary[]): CounterRow[] {
  const counters = new Map<string, { audience: string; amounts: Record<string, number> }>();
  for (const summary of summaries) {
    for (const change of delta(undefined, summary)) {
      const entry = counters.get(change.key) ?? { audience: change.audience, amounts: {} };
      for (const [name, amount] of Object.entries(change.amounts)) entry.amounts[name] = (entry.amounts[name] ?? 0) + amount;
      counters.set(change.key, entry);
    }
  }
  return [...counters].map(([key, { audience, amounts }]) => ({ key, audience, amounts }));
}

function counterAction(change: Contribution, current: { amounts: Record<string, number>; etag: string } | undefined): TransactionAction {
  const amounts: Record<string, number> = { ...(current?.amounts ?? {}) };
  for (const [name, amount] of Object.entries(change.amounts)) amounts[name] = (amounts[name] ?? 0) + amount;
  const entity = { partitionKey: PARTITION, rowKey: change.key, audience: change.audience, ...amounts };
  if (!current) return ['create', entity];
  // A counter back at zero stays (a transaction deletes without If-Match, which could drop another case's count); readers skip it.
  return ['update', entity, 'Replace', { etag: current.etag }];
}

function amountsOf(row: Record<string, unknown>): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const name of AMOUNTS) if (typeof row[name] === 'number') amounts[name] = row[name] as number;
  return amounts;
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
};

function toEntity(summary: CaseSummary): SummaryEntity {
  return {
    partitionKey: PARTITION, rowKey: `${SUMMARY_PREFIX}${summary.reference}`, reference: summary.reference, prefix: summary.prefix,
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
