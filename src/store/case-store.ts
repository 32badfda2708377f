import { createHash } from 'node:crypto';
import { odata, RestError, TableClient, TransactionAction } from '@azure/data-tables';
import type { Effect } from '../domain/effects';
import { assertBatchWithinLimits, assertEntityWithinLimits, TABLE_LIMITS } from './entity-limits';
import { createGroupCommit } from './group-commit';
import { statusOf } from './tables';

/** A case snapshot as read, with the etag that guards the next write. */
export interface StoredCase<S> {
  readonly snapshot: S;
  readonly version: number;
  readonly etag: string;
}

/** One transition: the new snapshot, its audit events and its outbox, stored all-or-nothing. */
export interface CaseCommit<S> {
  readonly reference: string;
  /** Absent for a new case: the write then fails if the reference is taken. */
  readonly expected?: { readonly etag: string; readonly version: number };
  readonly snapshot: S;
  /** Columns kept beside the JSON snapshot, for listing and for the register. */
  readonly state: string;
  readonly events: readonly { readonly type: string; readonly at: string; readonly by: { readonly id: string } }[];
  readonly effects: readonly Effect[];
  /** Cards that show the case (the form a new case was opened from), remembered in the same transaction. */
  readonly cardCopies?: readonly CardCopy[];
  /** The retry timer (its RowKey in `timers`) that recovers these effects if they are not carried out. */
  readonly retryTimer?: string;
}

export interface PendingEffect {
  readonly rowKey: string;
  readonly effect: Effect;
  readonly attempts: number;
  /** After a failure: not retried before this instant (ISO), so a receiver that is down is not hammered. */
  readonly nextAttemptAt?: string;
  /** When the transition that caused it happened (ISO): recovery leaves young effects to the instance that stored them. */
  readonly createdAt?: string;
  /** The retry timer that recovers it (RowKey in `timers`); none on rows stored before retry timers. */
  readonly retry?: string;
}

/** Where a copy of a case card was sent, so a later transition can update it in place. */
export interface CardCopy {
  readonly viewerId: string;
  readonly conversationId: string;
  readonly activityId: string;
  /** The outbox row (`out-...`) whose notification sent this copy: a retry of that effect updates it in place. */
  readonly effect?: string;
}

/** Another writer changed the case between our read and our write: reload and decide again. */
export class ConcurrencyError extends Error {
  constructor(reference: string) {
    super(`${reference} changed while it was being updated`);
    this.name = 'ConcurrencyError';
  }
}

const SNAPSHOT = 'case';
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * The `cases` table: PartitionKey = reference; RowKey `case` = snapshot, `ev-NNNNNN` = append-only audit
 * events, `out-...` = pending effects, `card-...` = card copies. Every transition is one entity-group
 * transaction with If-Match on the snapshot, so it is atomic and a lost race never overwrites.
 */
export function createCaseStore(cases: TableClient) {
  // A drain's deliveries (a team's members reached at once) and its clean-up write to the case's partition: shared.
  const writes = createGroupCommit(cases);
  /** Deletes the rows of a case that `which` picks, in transactions of at most 100; the snapshot (if picked) last. */
  async function deleteRowsWhere(reference: string, which: (row: StoredRow) => boolean): Promise<number> {
    const picked: StoredRow[] = [];
    for await (const row of cases.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${reference}` } })) {
      if (which(row as StoredRow)) picked.push(row as StoredRow);
    }
    const ordered = [...picked.filter((row) => row.rowKey !== SNAPSHOT), ...picked.filter((row) => row.rowKey === SNAPSHOT)];
    for (let i = 0; i < ordered.length; i += TABLE_LIMITS.maxBatchOperations) {
      const batch = ordered.slice(i, i + TABLE_LIMITS.maxBatchOperations);
      await cases.submitTransaction(batch.map((row): TransactionAction => ['delete', { partitionKey: reference, rowKey: row.rowKey }])).catch(async (error: unknown) => {
        // A row went meanwhile (the outbox relay completed an effect): the rest go one by one.
        if (!isGone(error)) throw error;
        for (const row of batch) await cases.deleteEntity(reference, row.rowKey).catch((one: unknown) => { if (!isGone(one)) throw one; });
      });
    }
    return ordered.length;
  }

  return {
    async load<S>(reference: string): Promise<StoredCase<S> | undefined> {
      try {
        const entity = await cases.getEntity<{ body: string; version: number }>(reference, SNAPSHOT);
        return { snapshot: JSON.parse(entity.body) as S, version: entity.version, etag: entity.etag };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    /**
     * The snapshot and the card copies of a case in one query (one round trip): what a transition decides on, and
     * where its effects update the case's cards. Undefined when the case does not exist.
     */
    async loadWithCardCopies<S>(reference: string): Promise<(StoredCase<S> & { cardCopies: CardCopy[] }) | undefined> {
      let stored: StoredCase<S> | undefined;
      const copies: CardCopy[] = [];
      const query = cases.listEntities<Record<string, unknown>>({
        queryOptions: { filter: odata`PartitionKey eq ${reference} and (RowKey eq ${SNAPSHOT} or (RowKey ge 'card-' and RowKey lt 'card.'))` },
      });
      for await (const row of query) {
        if (row.rowKey === SNAPSHOT) stored = { snapshot: JSON.parse(String(row.body)) as S, version: Number(row.version), etag: String(row.etag) };
        else copies.push(cardCopyOf(row as unknown as CardCopy));
      }
      return stored ? { ...stored, cardCopies: copies } : undefined;
    },

    async commit<S>(commit: CaseCommit<S>): Promise<{ version: number; effectRows: PendingEffect[] }> {
      const previous = commit.expected?.version ?? 0;
      const version = previous + commit.events.length;
      const snapshot = {
        partitionKey: commit.reference, rowKey: SNAPSHOT, kind: commit.reference.split('-')[0],
        state: commit.state, version, body: JSON.stringify(commit.snapshot),
      };
      const actions: TransactionAction[] = [commit.expected
        ? ['update', snapshot, 'Replace', { etag: commit.expected.etag }]
        : ['create', snapshot]];
      commit.events.forEach((event, i) => actions.push(['create', {
        partitionKey: commit.reference, rowKey: `ev-${pad(previous + i + 1, 6)}`,
        type: event.type, at: event.at, actorId: event.by.id, body: JSON.stringify(event),
      }]));
      const createdAt = commit.events.at(-1)?.at;
      const retry = commit.retryTimer ? { retry: commit.retryTimer } : {};
      const effectRows = commit.effects.map((effect, i) => ({
        rowKey: `out-${pad(version, 6)}-${pad(i, 3)}`, effect, attempts: 0, ...(createdAt ? { createdAt } : {}), ...retry,
      }));
      effectRows.forEach((row) => actions.push(['create', {
        partitionKey: commit.reference, rowKey: row.rowKey, kind: row.effect.kind, attempts: 0, body: JSON.stringify(row.effect), ...(createdAt ? { createdAt } : {}), ...retry,
      }]));
      for (const copy of commit.cardCopies ?? []) actions.push(['upsert', cardCopyEntity(commit.reference, copy), 'Replace']);
      assertBatchWithinLimits(actions);
      try {
        await cases.submitTransaction(actions);
      } catch (error) {
        if (isLostRace(error)) throw new ConcurrencyError(commit.reference);
        throw error;
      }
      return { version, effectRows };
    },

    async pendingEffects(reference: string): Promise<PendingEffect[]> {
      const rows: PendingEffect[] = [];
      const query = cases.listEntities<{ body: string; attempts: number; nextAttemptAt?: string; createdAt?: string; retry?: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge 'out-' and RowKey lt 'out.'` },
      });
      for await (const row of query) {
        rows.push({
          rowKey: String(row.rowKey), effect: JSON.parse(row.body) as Effect, attempts: row.attempts ?? 0,
          ...(row.nextAttemptAt ? { nextAttemptAt: row.nextAttemptAt } : {}),
          ...(row.createdAt ? { createdAt: row.createdAt } : {}),
          ...(row.retry ? { retry: row.retry } : {}),
        });
      }
      return rows;
    },

    /**
     * Gives outbox rows stored without a retry timer (before there were any) to `retryTimer`, all or none: each
     * row only if it is unchanged since it was read, so of two instances doing this at once one wins.
     * False when another got there first.
     */
    async assignRetryTimer(reference: string, rowKeys: readonly string[], retryTimer: string): Promise<boolean> {
      const rows = new Map<string, string>();
      const query = cases.listEntities<{ retry?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge 'out-' and RowKey lt 'out.'`, select: ['RowKey', 'retry'] } });
      for await (const row of query) if (!row.retry && rowKeys.includes(String(row.rowKey))) rows.set(String(row.rowKey), row.etag);
      if (rows.size === 0) return false;
      try {
        for (const batch of chunks([...rows], TABLE_LIMITS.maxBatchOperations)) {
          await cases.submitTransaction(batch.map(([rowKey, etag]): TransactionAction => ['update', { partitionKey: reference, rowKey, retry: retryTimer }, 'Merge', { etag }]));
        }
        return true;
      } catch (error) {
        if (isLostRace(error) || isGone(error)) return false;
        throw error;
      }
    },

    /** References with effects still to carry out: read after a restart. Filters on RowKey, so it scans. */
    async referencesWithPendingEffects(): Promise<string[]> {
      const references = new Set<string>();
      const query = cases.listEntities({ queryOptions: { filter: odata`RowKey ge 'out-' and RowKey lt 'out.'`, select: ['PartitionKey'] } });
      for await (const row of query) references.add(row.partitionKey as string);
      return [...references];
    },

    /**
     * Removes done effects from the outbox: one transaction for up to 100 rows (a row already gone, removed by
     * another drain, sends the batch's rows one by one instead).
     */
    async completeEffects(reference: string, rowKeys: readonly string[]): Promise<void> {
      if (rowKeys.length === 1) return this.completeEffect(reference, rowKeys[0]!);
      for (let i = 0; i < rowKeys.length; i += TABLE_LIMITS.maxBatchOperations) {
        const batch = rowKeys.slice(i, i + TABLE_LIMITS.maxBatchOperations);
        await writes.write(batch.map((rowKey): TransactionAction => ['delete', { partitionKey: reference, rowKey }])).catch(async (error: unknown) => {
          if (!isGone(error)) throw error;
          for (const rowKey of batch) await this.completeEffect(reference, rowKey);
        });
      }
    },

    /**
     * Records a card that reached a person, as soon as the connector took it: its copy (so a retry of the effect
     * updates it in place, and later transitions update it) and, for a team notification, the mark that this
     * member was reached (so a retry after another member's failure skips them), in one transaction.
     */
    async recordDelivery(reference: string, copy: CardCopy, teamEffect?: string): Promise<void> {
      const entity = cardCopyEntity(reference, copy);
      assertEntityWithinLimits(entity);
      await writes.write(teamEffect ? [['upsert', entity, 'Replace'], ['upsert', deliveredMark(reference, teamEffect, copy.viewerId), 'Replace']] : [['upsert', entity, 'Replace']]);
    },

    async completeEffect(reference: string, rowKey: string): Promise<void> {
      await writes.write([['delete', { partitionKey: reference, rowKey }]]).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    },

    async recordFailedAttempt(reference: string, row: PendingEffect, problem: string, nextAttemptAt: string): Promise<void> {
      await cases.updateEntity({ partitionKey: reference, rowKey: row.rowKey, attempts: row.attempts + 1, lastProblem: problem, nextAttemptAt }, 'Merge');
    },

    /** Who a team notification already reached, so a retry after a partial failure skips them. */
    async deliveredTo(reference: string, effectRowKey: string): Promise<Set<string>> {
      const prefix = `sent-${effectRowKey}-`;
      const people = new Set<string>();
      const query = cases.listEntities<{ personId: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`, select: ['personId'] },
      });
      for await (const row of query) people.add(row.personId);
      return people;
    },

    async markDelivered(reference: string, effectRowKey: string, personId: string): Promise<void> {
      await writes.write([['upsert', deliveredMark(reference, effectRowKey, personId), 'Replace']]);
    },

    /**
     * Records that a person could not be reached (app not installed, bot blocked, disabled by an admin):
     * final until they talk to the bot again, so support can see why someone never got their card.
     */
    async recordUndelivered(reference: string, personId: string, status: string, at: string): Promise<void> {
      const key = createHash('sha256').update(personId).digest('hex').slice(0, 24);
      await writes.write([['upsert', { partitionKey: reference, rowKey: `delivery-${key}`, personId, status, at }, 'Replace']]);
    },

    async undelivered(reference: string): Promise<{ personId: string; status: string; at: string }[]> {
      const rows: { personId: string; status: string; at: string }[] = [];
      const query = cases.listEntities<{ personId: string; status: string; at: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge 'delivery-' and RowKey lt 'delivery.'` },
      });
      for await (const row of query) rows.push({ personId: row.personId, status: row.status, at: row.at });
      return rows;
    },

    async saveCardCopy(reference: string, copy: CardCopy): Promise<void> {
      const entity = cardCopyEntity(reference, copy);
      assertEntityWithinLimits(entity);
      await cases.upsertEntity(entity, 'Replace');
    },

    async cardCopies(reference: string): Promise<CardCopy[]> {
      const copies: CardCopy[] = [];
      const query = cases.listEntities<CardCopy>({
        queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge 'card-' and RowKey lt 'card.'` },
      });
      for await (const row of query) copies.push(cardCopyOf(row));
      return copies;
    },

    /** Every snapshot of one kind of case (`AINM`): for exports and the retention job, never for a turn. */
    async *snapshotsOf<S>(kind: string): AsyncIterable<StoredCase<S> & { reference: string }> {
      const query = cases.listEntities<{ body: string; version: number }>({ queryOptions: { filter: odata`RowKey eq ${SNAPSHOT} and kind eq ${kind}` } });
      for await (const row of query) {
        yield { reference: row.partitionKey as string, snapshot: JSON.parse(row.body) as S, version: row.version, etag: row.etag };
      }
    },

    /**
     * Retention purge of one case (DESIGN.md section 2). Every audit event row keeps its `type` and `at`
     * columns and gets the body `anonymiseEventBody` makes of it (its `actorId` column goes); every row
     * other than the snapshot and the audit events (outbox, card copies, delivery marks) is deleted; then
     * the snapshot is replaced (If-Match on `expected.etag`) and `purgeEvent` appended as the next event.
     * Transactions hold at most 100 operations and the snapshot and purge event are in the last one, so a
     * failure part-way leaves the case un-purged (its snapshot untouched), and running the purge again
     * finishes it: rows already rewritten are skipped, `anonymiseEventBody` must be idempotent.
     * Throws {@link ConcurrencyError} when the snapshot changed since `expected` was read.
     */
    async purge<S>(
      reference: string,
      expected: { readonly etag: string; readonly version: number },
      anonymisedSnapshot: S,
      purgeEvent: { readonly type: string; readonly at: string; readonly by: { readonly id: string } },
      anonymiseEventBody: (body: unknown) => unknown,
    ): Promise<PurgeResult> {
      const { version, rowsRewritten, rowsDeleted } = await this.rewrite(reference, expected, anonymisedSnapshot, purgeEvent, (row) => {
        if (!row.rowKey.startsWith('ev-')) return null;
        const body = JSON.stringify(anonymiseEventBody(parseStoredJson(row.body)));
        if (body === row.body && hasOnlyEventColumns(row)) return undefined;
        return { type: row.type, at: row.at, body };
      });
      return { version, eventsAnonymised: rowsRewritten, rowsDeleted };
    },

    /**
     * Rewrites one case in place (erasure of a person from a closed case, DESIGN.md "Security"). Every row
     * other than the snapshot goes through `rewriteRow`: `undefined` keeps it, `null` deletes it, an object
     * replaces its columns (If-Match on the row's etag). Then the snapshot is replaced (If-Match on
     * `expected.etag`) and `event` appended as the next audit event, in the last transaction: a failure
     * part-way leaves the snapshot untouched and running it again finishes it (`rewriteRow` must be
     * idempotent). Throws {@link ConcurrencyError} when the snapshot changed since `expected` was read.
     */
    async rewrite<S>(
      reference: string,
      expected: { readonly etag: string; readonly version: number },
      snapshot: S,
      event: { readonly type: string; readonly at: string; readonly by: { readonly id: string } },
      rewriteRow: (row: Readonly<Record<string, unknown>> & { readonly rowKey: string }) => Record<string, unknown> | null | undefined,
    ): Promise<RewriteResult> {
      for (let attempt = 1; ; attempt++) {
        const rows: StoredRow[] = [];
        for await (const row of cases.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${reference}` } })) {
          rows.push(row as StoredRow);
        }
        const current = rows.find((row) => row.rowKey === SNAPSHOT);
        if (!current) throw new Error(`${reference} does not exist`);
        if (current.etag !== expected.etag) throw new ConcurrencyError(reference);

        const work: TransactionAction[] = [];
        let rowsRewritten = 0;
        let rowsDeleted = 0;
        for (const row of rows) {
          if (row.rowKey === SNAPSHOT) continue;
          const next = rewriteRow(row);
          if (next === undefined) continue;
          if (next === null) {
            work.push(['delete', { partitionKey: reference, rowKey: row.rowKey }]);
            rowsDeleted++;
          } else {
            const { etag: _etag, timestamp: _timestamp, ...columns } = next;
            const entity = { ...columns, partitionKey: reference, rowKey: row.rowKey };
            assertEntityWithinLimits(entity);
            work.push(['update', entity, 'Replace', { etag: row.etag }]);
            rowsRewritten++;
          }
        }
        const version = expected.version + 1;
        const last: TransactionAction[] = [
          ['update', {
            partitionKey: reference, rowKey: SNAPSHOT, kind: current.kind ?? reference.split('-')[0],
            state: current.state, version, body: JSON.stringify(snapshot),
          }, 'Replace', { etag: expected.etag }],
          ['create', {
            partitionKey: reference, rowKey: `ev-${pad(version, 6)}`, type: event.type, at: event.at, actorId: event.by.id, body: JSON.stringify(event),
          }],
        ];
        const batches = purgeBatches(work, last);
        batches.forEach(assertBatchWithinLimits);
        try {
          for (const batch of batches) await cases.submitTransaction(batch);
          return { version, rowsRewritten, rowsDeleted };
        } catch (error) {
          // A row changed or went while we worked (the outbox relay): look again.
          if (!isLostRace(error) && !isGone(error)) throw error;
          if (attempt >= PURGE_ATTEMPTS) throw new ConcurrencyError(reference);
        }
      }
    },

    /**
     * Snapshots of one kind in the given states (a `state` column filter, so other cases are never read): the
     * retention run reads only closed cases. Scans the table's snapshot rows; never used by a turn.
     */
    async *snapshotsIn<S>(kind: string, states: readonly string[]): AsyncIterable<StoredCase<S> & { reference: string }> {
      if (states.length === 0) return;
      const inStates = states.map((state) => odata`state eq ${state}`).join(' or ');
      const query = cases.listEntities<{ body: string; version: number }>({ queryOptions: { filter: `${odata`RowKey eq ${SNAPSHOT} and kind eq ${kind}`} and (${inStates})` } });
      for await (const row of query) {
        yield { reference: row.partitionKey as string, snapshot: JSON.parse(row.body) as S, version: row.version, etag: row.etag };
      }
    },

    /**
     * Deletes a case entirely (retention, DESIGN.md "Storage"): its audit events go with it. The snapshot is
     * first marked with If-Match on `expectedEtag` (so a case that changed since it was read is left alone:
     * {@link ConcurrencyError}), then every other row is deleted, the snapshot last: a failure part-way leaves
     * the snapshot, and the next run finishes the deletion. Returns how many rows went.
     */
    async deleteCase(reference: string, expectedEtag: string, at: string): Promise<number> {
      try {
        await cases.updateEntity({ partitionKey: reference, rowKey: SNAPSHOT, deletingSince: at }, 'Merge', { etag: expectedEtag });
      } catch (error) {
        if (isLostRace(error) || isGone(error)) throw new ConcurrencyError(reference);
        throw error;
      }
      return deleteRowsWhere(reference, () => true);
    },

    /**
     * Removes what the delivery of a case's cards left about one person, and nothing else: their card copies
     * (which hold their chat id), their team-notification marks, their delivery status, and notifications to
     * them still in the outbox. For erasure of someone who only received a case's card (a team member), and of
     * anyone from a case that is kept (AINM records): the case itself is unchanged. Returns how many rows went.
     */
    async forgetRecipient(reference: string, personId: string): Promise<number> {
      return deleteRowsWhere(reference, (row) => isDeliveryRowOf(row, personId));
    },

    /** Every row of one case (snapshot, events, outbox, card copies, delivery marks): for subject access and erasure only. */
    async rows(reference: string): Promise<(Readonly<Record<string, unknown>> & { readonly rowKey: string })[]> {
      const rows: StoredRow[] = [];
      for await (const row of cases.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${reference}` } })) {
        rows.push(row as StoredRow);
      }
      return rows;
    },

    /** The audit trail, oldest first. */
    async events(reference: string): Promise<unknown[]> {
      const events: unknown[] = [];
      const query = cases.listEntities<{ body: string }>({
        queryOptions: { filter: odata`PartitionKey eq ${reference} and RowKey ge 'ev-' and RowKey lt 'ev.'` },
      });
      for await (const row of query) events.push(JSON.parse(row.body));
      return events;
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;

/** What a purge rewrote and deleted; counts only. */
export interface PurgeResult {
  readonly version: number;
  readonly eventsAnonymised: number;
  readonly rowsDeleted: number;
}

/** What an in-place rewrite changed; counts only. */
export interface RewriteResult {
  readonly version: number;
  readonly rowsRewritten: number;
  readonly rowsDeleted: number;
}

type StoredRow = { readonly rowKey: string; readonly etag: string } & Readonly<Record<string, unknown>>;

const PURGE_ATTEMPTS = 3;
const EVENT_COLUMNS = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp', 'type', 'at', 'body']);

function hasOnlyEventColumns(row: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(row).every((name) => EVENT_COLUMNS.has(name) || row[name] === undefined);
}

/** A JSON column as stored, or undefined when it is missing or not JSON (a row written by hand, a damaged row). */
export function parseStoredJson(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Splits the purge into transactions: the work first, the final operations (with as much work as fits) last. */
function purgeBatches(work: readonly TransactionAction[], last: readonly TransactionAction[]): TransactionAction[][] {
  const size = TABLE_LIMITS.maxBatchOperations;
  const inLast = Math.min(work.length, size - last.length);
  const before = work.slice(0, work.length - inLast);
  const batches: TransactionAction[][] = [];
  for (let i = 0; i < before.length; i += size) batches.push(before.slice(i, i + size));
  batches.push([...work.slice(work.length - inLast), ...last]);
  return batches;
}

function isGone(error: unknown): boolean {
  if (statusOf(error) === 404) return true;
  const code = (error as RestError).details as { errorCode?: string } | undefined;
  return code?.errorCode === 'ResourceNotFound';
}

function isLostRace(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 412 || status === 409) return true;
  const code = (error as RestError).details as { errorCode?: string } | undefined;
  return code?.errorCode === 'UpdateConditionNotSatisfied' || code?.errorCode === 'EntityAlreadyExists';
}

/**
 * A row that exists only because a case's card was delivered to `personId` (or is about to be): a card copy
 * in their chat, a team-notification mark, a delivery status, or an outbox notification addressed to them.
 */
export function isDeliveryRowOf(row: Readonly<Record<string, unknown>> & { readonly rowKey: string }, personId: string): boolean {
  if (row.rowKey.startsWith('card-')) return row.viewerId === personId;
  if (row.rowKey.startsWith('sent-') || row.rowKey.startsWith('delivery-')) return row.personId === personId;
  if (row.rowKey.startsWith('out-')) return (parseStoredJson(row.body) as { to?: { person?: { id?: unknown } } } | undefined)?.to?.person?.id === personId;
  return false;
}

function cardCopyEntity(reference: string, copy: CardCopy) {
  return {
    partitionKey: reference, rowKey: `card-${cardKey(copy)}`, viewerId: copy.viewerId, conversationId: copy.conversationId, activityId: copy.activityId,
    ...(copy.effect ? { effect: copy.effect } : {}),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function cardCopyOf(row: CardCopy): CardCopy {
  return { viewerId: row.viewerId, conversationId: row.conversationId, activityId: row.activityId, ...(row.effect ? { effect: row.effect } : {}) };
}

function deliveredMark(reference: string, effectRowKey: string, personId: string) {
  const key = createHash('sha256').update(personId).digest('hex').slice(0, 24);
  return { partitionKey: reference, rowKey: `sent-${effectRowKey}-${key}`, personId };
}

function cardKey(copy: CardCopy): string {
  return createHash('sha256').update(`${copy.conversationId}\n${copy.activityId}`).digest('hex').slice(0, 32);
}
