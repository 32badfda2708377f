import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { CaseSummary, Contribution, delta } from '../dashboard/statistics';
import { prefixOf } from '../domain/references';
import { statusOf } from './tables';

/**
 * The `statistics` table (issue 14), one partition a kind of case (`p|AR`, `p|AINM`, ...), each holding:
 * - each case's summary (state, who sees it, deadline, settled clocks, and the cells of the register that lists it)
 *   with the case version it was made from, under `s|<newest first>` (the reference inverted: year, then number), so
 *   a register reads its rows in one partition, newest first, a page at a time with Azure Tables' continuation tokens;
 * - the rows a page of numbers reads: `n|` open cases, `w|` clocks per week, `dd|`/`dh|` deadlines of open cases by
 *   day and by hour, `t|` every case by kind and audience: the sums of the summaries' contributions
 *   (src/dashboard/statistics.ts).
 *
 * Counting exactly once: a case's summary and the counter rows its change moves are in the same partition, so they
 * move in one entity-group transaction, the summary and every counter under If-Match. A transaction that failed
 * wrote nothing (tried again from the start); one that was stored leaves the summary at that version, so a second
 * attempt (a retried effect, a lost answer) finds it and moves nothing. Three round trips: the summary, the counter
 * rows it moves (one query), the transaction.
 */
const SUMMARY_PREFIX = 's|';
const PARTITION_PREFIX = 'p|';
const MAX_ATTEMPTS = 30;
/** An entity-group transaction holds at most 100 operations. */
const BATCH = 100;
/** Azure Tables allows 15 comparisons in a filter: the partition and 14 row keys a query. */
const KEYS_A_QUERY = 14;
/** The largest page Azure Tables returns. */
export const MAX_SERVER_PAGE = 1000;

export interface CounterRow {
  readonly key: string;
  readonly audience: string;
  readonly amounts: Readonly<Record<string, number>>;
}

/** What a register asks of one kind's summaries beyond the kind: filters Azure Tables applies on the server. */
export interface SummaryFilter {
  readonly open?: boolean;
  readonly states?: readonly string[];
}

interface StoredSummary {
  readonly summary: CaseSummary;
  readonly etag: string;
}

const AMOUNTS = ['count', 'met', 'missed'] as const;
const RACED = [404, 409, 412];

export function createStatisticsStore(table: TableClient) {
  async function readSummary(reference: string): Promise<StoredSummary | undefined> {
    const prefix = prefixOf(reference);
    if (!prefix) return undefined;
    try {
      const row = await table.getEntity<SummaryEntity>(partitionOf(prefix), summaryKeyOf(reference));
      return { summary: fromEntity(row), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The counter rows of these keys in one partition: one query a fourteen keys (one for a transition's usual few). */
  async function readCounters(partition: string, keys: readonly string[]): Promise<Map<string, { amounts: Record<string, number>; etag: string }>> {
    const found = new Map<string, { amounts: Record<string, number>; etag: string }>();
    const chunks = Array.from({ length: Math.ceil(keys.length / KEYS_A_QUERY) }, (_, index) => keys.slice(index * KEYS_A_QUERY, (index + 1) * KEYS_A_QUERY));
    await Promise.all(chunks.map(async (chunk) => {
      const filter = `${odata`PartitionKey eq ${partition}`} and (${chunk.map((key) => odata`RowKey eq ${key}`).join(' or ')})`;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        found.set(String(row.rowKey), { amounts: amountsOf(row), etag: row.etag });
      }
    }));
    return found;
  }

  return {
    /**
     * Keeps a case's summary and moves the counters by the difference from the one stored, in one transaction.
     * Idempotent: a summary of a version already recorded (a retried effect, a recovery) changes nothing.
     */
    async record(summary: CaseSummary): Promise<'recorded' | 'unchanged'> {
      const partition = partitionOf(summary.prefix);
      for (let attempt = 1; ; attempt++) {
        const stored = await readSummary(summary.reference);
        if (stored && stored.summary.version >= summary.version) return 'unchanged';
        const changes = delta(stored?.summary, summary);
        const counters = changes.length ? await readCounters(partition, changes.map((change) => change.key)) : new Map();
        const actions: TransactionAction[] = [
          stored ? ['update', toEntity(summary), 'Replace', { etag: stored.etag }] : ['create', toEntity(summary)],
          ...changes.map((change) => counterAction(partition, change, counters.get(change.key))),
        ];
        try {
          await table.submitTransaction(actions);
          return 'recorded';
        } catch (error) {
          if (!RACED.includes(statusOf(error) ?? 0) || attempt >= MAX_ATTEMPTS) throw error;
          await pause(attempt);
        }
      }
    },

    /**
     * Counter rows with keys in [from, to) in every kind's partition: one range query (rows of the same key in two
     * partitions, a deadline day of two kinds, are both returned; readers add them up). Rows back at zero are left out.
     */
    async counters(from: string, to: string): Promise<CounterRow[]> {
      const rows: CounterRow[] = [];
      const filter = odata`PartitionKey ge ${PARTITION_PREFIX} and PartitionKey lt ${bound(PARTITION_PREFIX)} and RowKey ge ${from} and RowKey lt ${to}`;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        if (String(row.rowKey).startsWith(SUMMARY_PREFIX)) continue;
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

    /**
     * One page of a kind's summaries, newest reference first, filtered on the server: Azure Tables' own paging
     * (`maxPageSize`, its continuation token). The filter names the partition and the summaries' keys, so a token
     * (one of another register's, a forged one) can only say where in these rows a page starts.
     */
    async summaryPage(prefix: string, filter: SummaryFilter, page: { size: number; continuation?: string }): Promise<{ summaries: CaseSummary[]; continuation?: string } | undefined> {
      if (page.continuation !== undefined && !isTableToken(page.continuation)) return undefined;
      const query = table.listEntities<SummaryEntity>({ queryOptions: { filter: summaryFilter(prefix, filter) } })
        .byPage({ maxPageSize: Math.min(MAX_SERVER_PAGE, Math.max(1, page.size)), ...(page.continuation ? { continuationToken: page.continuation } : {}) });
      const first = await query.next();
      const rows = first.done ? [] : first.value;
      const continuation = first.done ? undefined : first.value.continuationToken;
      return { summaries: rows.map(fromEntity), ...(continuation ? { continuation } : {}) };
    },

    /** Every summary and counter, as key -> columns: tests compare a rebuild with what the engine kept. */
    async everything(): Promise<Map<string, Record<string, unknown>>> {
      const rows = new Map<string, Record<string, unknown>>();
      for await (const row of table.listEntities<Record<string, unknown>>()) {
        const { partitionKey, rowKey, etag: _e, timestamp: _t, ...columns } = row;
        const summary = String(rowKey).startsWith(SUMMARY_PREFIX);
        rows.set(summary ? `summary ${String(columns.reference)}` : `${String(partitionKey)} ${String(rowKey)}`, columns);
      }
      return rows;
    },

    /**
     * Replaces the whole table with these summaries and the counters they sum to (the rebuild command). Rows not
     * in the new set (an older layout's too) are deleted afterwards, so the counters are never briefly empty.
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

/** A kind's partition: its summaries and its counters. Keys are never user text. */
function partitionOf(prefix: string): string {
  return `${PARTITION_PREFIX}${prefix}`;
}

/**
 * A summary's row key: newest first. `AINM-2026-00042` -> `s|7973-999999957`: the year and the number inverted, so
 * the table's own order (ascending row keys) lists the newest case first.
 */
export function summaryKeyOf(reference: string): string {
  const match = /^[A-Z]{2,5}-(\d{4})-(\d{5,9})$/.exec(reference);
  if (!match) return `${SUMMARY_PREFIX}~${reference}`;
  return `${SUMMARY_PREFIX}${String(9999 - Number(match[1])).padStart(4, '0')}-${String(999_999_999 - Number(match[2])).padStart(9, '0')}`;
}

function summaryFilter(prefix: string, filter: SummaryFilter): string {
  const parts = [odata`PartitionKey eq ${partitionOf(prefix)} and RowKey ge ${SUMMARY_PREFIX} and RowKey lt ${bound(SUMMARY_PREFIX)}`];
  if (filter.open !== undefined) parts.push(odata`open eq ${filter.open}`);
  if (filter.states?.length) parts.push(`(${filter.states.map((state) => odata`state eq ${state}`).join(' or ')})`);
  return parts.join(' and ');
}

/**
 * Whether a continuation token looks like one of Azure Tables' (base64 of its next keys, which each service encodes
 * its own way). Whatever it says, the query's filter still holds: a token can only move where a page of these rows
 * starts, never outside them.
 */
function isTableToken(token: string): boolean {
  if (token.length > 600 || !/^[A-Za-z0-9+/=]+$/.test(token)) return false;
  try {
    const next = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { nextPartitionKey?: unknown; nextRowKey?: unknown };
    return typeof next.nextPartitionKey === 'string' && typeof next.nextRowKey === 'string';
  } catch {
    return false;
  }
}

/** The first key after every key starting with `prefix` ('|' + 1 is '}'). */
function bound(prefix: string): string {
  return `${prefix.slice(0, -1)}}`;
}

/** The rows a set of summaries is stored as: each summary, and the counters they add up to, in their kinds' partitions. */
function entitiesOf(summaries: readonly CaseSummary[]): { rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[]; counters: number } {
  const counters = new Map<string, { partitionKey: string; rowKey: string; audience: string; amounts: Record<string, number> }>();
  for (const summary of summaries) {
    const partitionKey = partitionOf(summary.prefix);
    for (const change of delta(undefined, summary)) {
      const id = `${partitionKey}\u0000${change.key}`;
      const entry = counters.get(id) ?? { partitionKey, rowKey: change.key, audience: change.audience, amounts: {} };
      for (const [name, amount] of Object.entries(change.amounts)) entry.amounts[name] = (entry.amounts[name] ?? 0) + amount;
      counters.set(id, entry);
    }
  }
  const rows = [
    ...summaries.map(toEntity),
    ...[...counters.values()].map(({ partitionKey, rowKey, audience, amounts }) => ({ partitionKey, rowKey, audience, ...amounts })),
  ];
  return { rows, counters: counters.size };
}

/** Transactions of up to 100 rows of one partition, `parallel` at a time. */
async function writeInBatches(table: TableClient, rows: readonly ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[], kind: 'create' | 'upsert' | 'delete', parallel: number): Promise<void> {
  const byPartition = new Map<string, typeof rows[number][]>();
  for (const row of rows) {
    const partition = byPartition.get(row.partitionKey) ?? [];
    partition.push(row);
    byPartition.set(row.partitionKey, partition);
  }
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

function counterAction(partitionKey: string, change: Contribution, current: { amounts: Record<string, number>; etag: string } | undefined): TransactionAction {
  const amounts: Record<string, number> = { ...(current?.amounts ?? {}) };
  for (const [name, amount] of Object.entries(change.amounts)) amounts[name] = (amounts[name] ?? 0) + amount;
  const entity = { partitionKey, rowKey: change.key, audience: change.audience, ...amounts };
  // A counter back at zero stays (a transaction deletes without If-Match, which could drop another case's count); readers skip it.
  if (!current) return ['create', entity];
  return ['update', entity, 'Replace', { etag: current.etag }];
}

function amountsOf(row: Record<string, unknown>): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const name of AMOUNTS) if (typeof row[name] === 'number') amounts[name] = row[name] as number;
  return amounts;
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
  viewers: string;
  dueAt?: string;
  dueDay?: string;
  clocks: string;
  /** The register's cells (JSON), for the kinds a register lists. */
  cells?: string;
};

function toEntity(summary: CaseSummary): SummaryEntity {
  return {
    partitionKey: partitionOf(summary.prefix), rowKey: summaryKeyOf(summary.reference), reference: summary.reference, prefix: summary.prefix,
    version: summary.version, state: summary.state, open: summary.open, audience: summary.audience, viewers: summary.viewers.join(','),
    ...(summary.dueAt ? { dueAt: summary.dueAt } : {}), ...(summary.dueDay ? { dueDay: summary.dueDay } : {}), clocks: JSON.stringify(summary.clocks),
    ...(summary.cells ? { cells: JSON.stringify(summary.cells) } : {}),
  };
}

function fromEntity(row: SummaryEntity): CaseSummary {
  return {
    reference: row.reference, prefix: row.prefix, version: row.version, state: row.state, open: row.open, audience: row.audience,
    viewers: row.viewers ? row.viewers.split(',') : [],
    ...(row.dueAt ? { dueAt: row.dueAt } : {}), ...(row.dueDay ? { dueDay: row.dueDay } : {}), clocks: JSON.parse(row.clocks) as CaseSummary['clocks'],
    ...(row.cells ? { cells: JSON.parse(row.cells) as Record<string, string> } : {}),
  };
}
