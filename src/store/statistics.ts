import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { FIRST_SUMMARY_KEY, indexKeysOf, indexPrefix, orderSource } from '../dashboard/register-orders';
import { CaseSummary, delta, prefixEnd } from '../dashboard/statistics';
import { prefixOf } from '../domain/references';
import { createGroupCommit } from './group-commit';
import { addInto, amountsOf, counterPartitionOf, COUNTERS_PREFIX, createStatisticsCounting, MARKER_PREFIX, markerEntityOf, RACED } from './statistics-counting';
import { statusOf } from './tables';

/**
 * The `statistics` table (issue 14):
 * - each case's summary (state, who sees it, deadline, settled clocks, and the line of the register that lists it)
 *   with the case version it was made from, in its kind's partition (`s|AR`, `s|AINM`, ...) under a row key that
 *   sorts the newest case first (the reference's year and number inverted): a register reads its rows in the
 *   table's own order, a page at a time with Azure Tables' continuation tokens, one range query in one partition;
 *   beside them, row keys from `!` (below every summary's), a copy of each summary a register lists in each of its
 *   kind's other orders (`!due|<deadline>|<summary key>`, src/dashboard/register-orders.ts), so a page in that order
 *   is one range query too;
 * - in eight counter shards (`counters|0` ... `counters|7`, a case's shard by a hash of its reference), the rows a
 *   page of numbers reads: `n|` open cases, `w|` clocks per week, `dd|`/`dh|` deadlines of open cases by day and by
 *   hour, `t|` every case by kind and audience: the sums of the summaries' contributions (src/dashboard/statistics.ts),
 *   each range one range query over the shards, added up on reading; and a marker `a|<reference>` a case, in its
 *   shard: the version whose change the counters hold, and what of that summary they count (its basis). Every step of
 *   every case moves the same few `n|` and `t|` rows under If-Match, so with one partition concurrent steps queued
 *   behind each other's conflicts (18.7 reads a turn at 32 users in the bench): shards divide that contention.
 *
 * Counting exactly once, across two partitions: the counters move in one transaction with the case's marker, under
 * If-Match on every row, so a second attempt (a retried effect, a lost answer, another instance) finds the marker at
 * that version and moves nothing; the summary is written after, in one transaction with its copies (the summary
 * If-Match, copies whose key moved deleted), so a copy never disagrees with its summary. Two round trips a step when
 * this instance wrote the case's summary, its marker and the counter rows last (src/store/statistics-counting.ts
 * remembers them), or when the step opened the case: the counters' transaction and the summary's; one more for each
 * of the summary, and the marker with counter rows not remembered (one query). Under load, the steps that wait for a
 * shard are counted in one transaction, and the summaries that wait for a kind's partition are written in one
 * (src/store/group-commit.ts).
 * A summary left behind by a failure after the counters' transaction is caught up by the next attempt or step, from
 * the marker's basis.
 */
const SUMMARY_PREFIX = 's|';
const MAX_ATTEMPTS = 30;
/** An entity-group transaction holds at most 100 operations. */
const BATCH = 100;
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

export function createStatisticsStore(table: TableClient) {
  const recent = recentSummaries(RECENT_SUMMARIES);
  const counting = createStatisticsCounting(table);
  // Summaries of one kind share its partition: under load, steps' summaries share its round trips too.
  const summaryWrites = createGroupCommit(table);

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

  /**
   * Writes the summary, and its copies in its kind's indexes, unless one as new is there already (another attempt
   * wrote it): one transaction in the kind's partition, the summary If-Match on the one read, copies whose key moved
   * deleted. Copies the stored summary says it has but the table has not (a table from before indexes, until
   * `statistics:rebuild`) are looked up instead of failing the step.
   */
  async function keepSummary(summary: CaseSummary, stored: StoredSummary | undefined): Promise<void> {
    let current = stored;
    let lookUpCopies = false;
    for (let attempt = 1; ; attempt++) {
      if (current && current.summary.version >= summary.version) return;
      try {
        const [written] = await summaryWrites.write(summaryActions(summary, current?.etag, await staleKeysOf(summary.reference, current, lookUpCopies)));
        const etag = written?.etag;
        if (etag) recent.remember({ summary, etag });
        return;
      } catch (error) {
        const status = statusOf(error) ?? 0;
        if (!RACED.includes(status) || attempt >= MAX_ATTEMPTS) throw error;
        lookUpCopies = status === 404 && current !== undefined;
        current = await readSummary(summary.reference);
      }
    }
  }

  /**
   * The copies a step may leave behind: those of the summary it replaces, or, when those were not all there, the
   * case's copies as the table has them.
   */
  async function staleKeysOf(reference: string, current: StoredSummary | undefined, lookUp: boolean): Promise<string[]> {
    if (lookUp) return storedCopyKeys(reference);
    return current ? [...indexKeysOf(current.summary, summaryKeyOf(reference)).values()] : [];
  }

  /** The row keys of a case's copies in its kind's indexes, as the table has them. */
  async function storedCopyKeys(reference: string): Promise<string[]> {
    const prefix = prefixOf(reference);
    if (!prefix) return [];
    const keys: string[] = [];
    const filter = odata`PartitionKey eq ${partitionOf(prefix)} and RowKey lt ${FIRST_SUMMARY_KEY} and reference eq ${reference}`;
    for await (const row of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) keys.push(String(row.rowKey));
    return keys;
  }

  return {
    /**
     * Keeps a case's summary and moves the counters by the difference from the one counted before. Idempotent: a
     * summary of a version already recorded (a retried effect, a recovery) changes nothing. `opened`: the step
     * opened the case.
     */
    async record(summary: CaseSummary, step: { readonly opened?: boolean } = {}): Promise<'recorded' | 'unchanged'> {
      // The summary this instance wrote last for the case saves reading it, when the marker agrees. So does a step
      // that opened the case: its case has no summary yet, or, where it has (a rebuild, an attempt whose answer was
      // lost), a marker too, which refuses the marker this step creates (every counted case has one).
      const remembered = recent.get(summary.reference);
      let stored = remembered ?? (step.opened ? undefined : await readSummary(summary.reference));
      if (stored && stored.summary.version >= summary.version) return 'unchanged';
      if (await counting.count({ summary, stored: stored?.summary, remembered: remembered !== undefined }) === 'not as remembered') {
        // The counters are not as this instance left them (another instance's step, a rebuild): read the table's summary.
        recent.forget(summary.reference);
        stored = await readSummary(summary.reference);
        if (stored && stored.summary.version >= summary.version) return 'unchanged';
        await counting.count({ summary, stored: stored?.summary, remembered: false });
      }
      await keepSummary(summary, stored);
      return 'recorded';
    },

    /**
     * Counter rows with keys in [from, to), each the sum of its shards: one range query over the counter shards.
     * Rows back at zero are left out.
     */
    async counters(from: string, to: string): Promise<CounterRow[]> {
      const sums = new Map<string, { audience: string; amounts: Record<string, number> }>();
      const filter = odata`PartitionKey ge ${COUNTERS_PREFIX} and PartitionKey lt ${prefixEnd(COUNTERS_PREFIX)} and RowKey ge ${from} and RowKey lt ${to}`;
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
        if (String(row.rowKey).startsWith(MARKER_PREFIX)) continue;
        addInto(sums, String(row.rowKey), String(row.audience ?? ''), amountsOf(row));
      }
      return [...sums]
        .filter(([, { amounts }]) => Object.values(amounts).some((amount) => amount !== 0))
        .map(([key, { audience, amounts }]) => ({ key, audience, amounts }));
    },

    /** The summaries of these cases (point reads, in parallel); missing ones are left out. */
    async summaries(references: readonly string[]): Promise<Map<string, CaseSummary>> {
      const found = await Promise.all([...new Set(references)].map(async (reference) => (await readSummary(reference))?.summary));
      return new Map(found.flatMap((summary) => (summary ? [[summary.reference, summary] as const] : [])));
    },

    /**
     * One page of a kind's summaries, newest first or in one of its indexes' orders, filtered on the server: Azure
     * Tables' own paging (`maxPageSize`, its continuation token). The filter names the kind's partition, so a token (one of another register's, a forged
     * one) can only say where in these rows a page starts; undefined for one that is not a table token at all.
     */
    async summaryPage(prefix: string, filter: SummaryFilter, page: { size: number; order?: string; continuation?: string }): Promise<{ summaries: CaseSummary[]; continuation?: string } | undefined> {
      if (page.continuation !== undefined && !isTableToken(page.continuation)) return undefined;
      const query = table.listEntities<SummaryEntity>({ queryOptions: { filter: summaryFilter(prefix, filter, page.order) } })
        .byPage({ maxPageSize: Math.min(MAX_SERVER_PAGE, Math.max(1, page.size)), ...(page.continuation ? { continuationToken: page.continuation } : {}) });
      const first = await query.next();
      const rows = first.done ? [] : first.value;
      const continuation = first.done ? undefined : first.value.continuationToken;
      return { summaries: rows.map(fromEntity), ...(continuation ? { continuation } : {}) };
    },

    /**
     * Every summary, index copy, marker and counter (each counter the sum of its shards), as key -> columns: tests
     * compare a rebuild with what the engine kept.
     */
    async everything(): Promise<Map<string, Record<string, unknown>>> {
      const rows = new Map<string, Record<string, unknown>>();
      const sums = new Map<string, { audience: string; amounts: Record<string, number> }>();
      for await (const row of table.listEntities<Record<string, unknown>>()) {
        const { partitionKey, rowKey, etag: _e, timestamp: _t, ...columns } = row;
        if (String(rowKey).startsWith(MARKER_PREFIX)) rows.set(`marker ${String(columns.reference)}`, { version: columns.version, basis: columns.basis });
        else if (String(partitionKey).startsWith(COUNTERS_PREFIX)) addInto(sums, String(rowKey), String(columns.audience ?? ''), amountsOf(columns));
        else if (String(rowKey) < FIRST_SUMMARY_KEY) rows.set(`index ${String(partitionKey)} ${String(rowKey)}`, columns);
        else rows.set(`summary ${String(columns.reference)}`, columns);
      }
      for (const [key, { audience, amounts }] of sums) rows.set(key, { audience, ...amounts });
      return rows;
    },

    /**
     * Replaces the whole table with these summaries, each case's marker, and the counters they sum to (the rebuild
     * command). Rows not in the new set (markers of other cases, an older layout's rows) are deleted afterwards, so
     * the counters are never briefly empty.
     */
    async replaceAll(summaries: readonly CaseSummary[]): Promise<{ summaries: number; counters: number }> {
      // Markers as the engine would leave them: a step that opens a case counts on finding one where the case is
      // counted. All written before any counter row: a recovered opening step in between is refused by its marker,
      // instead of adding the case to counters that count it already.
      const entities = entitiesOf(summaries, { markers: true });
      counting.forgetAll();
      await writeInBatches(table, entities.rows.filter((row) => !isCounterRow(row)), 'upsert', 4);
      await writeInBatches(table, entities.rows.filter(isCounterRow), 'upsert', 4);
      const keep = new Set(entities.rows.map((entity) => `${entity.partitionKey}\u0000${entity.rowKey}`));
      const stale: { partitionKey: string; rowKey: string }[] = [];
      for await (const row of table.listEntities({ queryOptions: { select: ['PartitionKey', 'RowKey'] } })) {
        if (!keep.has(`${row.partitionKey}\u0000${row.rowKey}`)) stale.push({ partitionKey: String(row.partitionKey), rowKey: String(row.rowKey) });
      }
      // Copies before summaries: a rebuild cut short never leaves a copy whose summary is gone (a step would not see it).
      await writeInBatches(table, stale.filter((row) => !row.partitionKey.startsWith(COUNTERS_PREFIX) && row.rowKey < FIRST_SUMMARY_KEY), 'delete', 4);
      await writeInBatches(table, stale.filter((row) => row.partitionKey.startsWith(COUNTERS_PREFIX) || row.rowKey >= FIRST_SUMMARY_KEY), 'delete', 4);
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

/**
 * A query for a case's summary and its index copies (the subject access file lists them: while a register lists the
 * case, its line names people): the summary read by its key, and its copies' keys worked out from it. Undefined for a
 * reference of no kind or no summary.
 */
export async function summaryRowsFilterOf(table: TableClient, reference: string): Promise<string | undefined> {
  const prefix = prefixOf(reference);
  if (!prefix) return undefined;
  const summaryKey = summaryKeyOf(reference);
  let summary: CaseSummary;
  try {
    summary = fromEntity(await table.getEntity<SummaryEntity>(partitionOf(prefix), summaryKey));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
  const keys = [summaryKey, ...indexKeysOf(summary, summaryKey).values()];
  return `${odata`PartitionKey eq ${partitionOf(prefix)}`} and (${keys.map((key) => odata`RowKey eq ${key}`).join(' or ')})`;
}

/** A counter row (not a marker) of a counter shard. */
function isCounterRow(row: { partitionKey: string; rowKey: string }): boolean {
  return row.partitionKey.startsWith(COUNTERS_PREFIX) && !row.rowKey.startsWith(MARKER_PREFIX);
}

/** Summaries remembered by an instance, at most: a few megabytes. */
const RECENT_SUMMARIES = 2000;

/**
 * The summaries this instance wrote last (with their ETags), the least recently written forgotten first. Never
 * trusted alone: the marker read with the counters says whether the counters moved since (another instance, a
 * rebuild), and a stale ETag fails the summary's If-Match, which reads the table's.
 */
function recentSummaries(limit: number) {
  const entries = new Map<string, StoredSummary>();
  return {
    get: (reference: string) => entries.get(reference),
    remember(stored: StoredSummary): void {
      entries.delete(stored.summary.reference);
      entries.set(stored.summary.reference, stored);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
    },
    forget: (reference: string) => void entries.delete(reference),
  };
}

/** A kind's summaries' partition. Keys are never user text. */
function partitionOf(prefix: string): string {
  return `${SUMMARY_PREFIX}${prefix}`;
}

/**
 * A summary's row key, newest first: `AINM-2026-00042` -> `7973-999999957`, the year and the number inverted, so the
 * table's own order (ascending row keys) lists a kind's newest case first.
 */
export function summaryKeyOf(reference: string): string {
  const match = /^[A-Z]{2,5}-(\d{4})-(\d{5,9})$/.exec(reference);
  if (!match) return `~${reference}`;
  return `${String(9999 - Number(match[1])).padStart(4, '0')}-${String(999_999_999 - Number(match[2])).padStart(9, '0')}`;
}

/** A kind's summaries in one order: its own rows (row keys from `0`), or the row keys of one of its indexes. */
function summaryFilter(prefix: string, filter: SummaryFilter, order: string | undefined): string {
  const source = orderSource(prefix, order);
  // The registers check the order asked for; one that got past them is a bug, not a reason to list another order.
  if (!source) throw new Error(`${prefix} summaries are not kept in a "${String(order)}" order`);
  const parts = [odata`PartitionKey eq ${partitionOf(prefix)}`, source === 'index'
    ? odata`RowKey ge ${indexPrefix(order!)} and RowKey lt ${prefixEnd(indexPrefix(order!))}`
    : odata`RowKey ge ${FIRST_SUMMARY_KEY}`];
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

/**
 * The rows a set of summaries is stored as: each summary and its index copies, and the counters they add up to; with
 * `markers`, each case's marker, as the engine would have left it.
 */
function entitiesOf(summaries: readonly CaseSummary[], options: { readonly markers?: boolean } = {}): { rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[]; counters: number } {
  // Each case's contributions go to its own shard, as the engine would have counted them.
  const counters = new Map<string, { audience: string; amounts: Record<string, number> }>();
  for (const summary of summaries) {
    const partition = counterPartitionOf(summary.reference);
    for (const change of delta(undefined, summary)) addInto(counters, `${partition}\u0000${change.key}`, change.audience, change.amounts);
  }
  const rows = [
    ...summaries.flatMap((summary) => [toEntity(summary), ...copiesOf(summary)]),
    ...[...counters].map(([shardAndKey, { audience, amounts }]) => {
      const [partitionKey, rowKey] = shardAndKey.split('\u0000') as [string, string];
      return { partitionKey, rowKey, audience, ...amounts };
    }),
    ...(options.markers ? summaries.map(markerEntityOf) : []),
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
  /** The register's cells (JSON), for the kinds a register lists. */
  cells?: string;
};

function toEntity(summary: CaseSummary): SummaryEntity {
  return {
    partitionKey: partitionOf(summary.prefix), rowKey: summaryKeyOf(summary.reference), reference: summary.reference, prefix: summary.prefix,
    version: summary.version, state: summary.state, open: summary.open, audience: summary.audience,
    ...(summary.dueAt ? { dueAt: summary.dueAt } : {}), ...(summary.dueDay ? { dueDay: summary.dueDay } : {}), clocks: JSON.stringify(summary.clocks),
    ...(summary.cells ? { cells: JSON.stringify(summary.cells) } : {}),
  };
}

/** A summary's copies in its kind's indexes: the same columns under each index's row key. */
function copiesOf(summary: CaseSummary): SummaryEntity[] {
  const entity = toEntity(summary);
  return [...indexKeysOf(summary, entity.rowKey).values()].map((rowKey) => ({ ...entity, rowKey }));
}

/**
 * The transaction that keeps a summary: the summary (created, or replaced If-Match on `etag`), its index copies
 * (replaced whole), and the copies at `stale` keys its new values no longer sort under, deleted.
 */
function summaryActions(summary: CaseSummary, etag: string | undefined, stale: readonly string[]): TransactionAction[] {
  const entity = toEntity(summary);
  const copies = copiesOf(summary);
  const kept = new Set(copies.map((copy) => copy.rowKey));
  return [
    etag ? ['update', entity, 'Replace', { etag }] : ['create', entity],
    ...copies.map((copy): TransactionAction => ['upsert', copy, 'Replace']),
    ...[...new Set(stale)].filter((rowKey) => !kept.has(rowKey)).map((rowKey): TransactionAction => ['delete', { partitionKey: entity.partitionKey, rowKey }]),
  ];
}

function fromEntity(row: SummaryEntity): CaseSummary {
  return {
    reference: row.reference, prefix: row.prefix, version: row.version, state: row.state, open: row.open, audience: row.audience,
    ...(row.dueAt ? { dueAt: row.dueAt } : {}), ...(row.dueDay ? { dueDay: row.dueDay } : {}), clocks: JSON.parse(row.clocks) as CaseSummary['clocks'],
    ...(row.cells ? { cells: JSON.parse(row.cells) as Record<string, string> } : {}),
  };
}
