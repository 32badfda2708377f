import { odata, TableClient } from '@azure/data-tables';
import { parseStoredJson } from './case-store';
import { LEAVER_NOTICE_PARTITION } from './leaver-notices';
import { deleteIfThere, statusOf, Tables } from './tables';

/** A directory entry as stored: every role written, not only the team roles the workflows know. */
export interface DirectoryEntry {
  readonly name: string;
  readonly roles: readonly string[];
  /** Empty when the directory gives them no manager. */
  readonly managerId: string;
  /** From Entra ID (the directory sync), when it gives one. */
  readonly department?: string;
  /** When the directory sync found they had left. */
  readonly leftAt?: string;
}

/** A form token they claimed and the case it made (empty while the submit was under way). */
export interface FormClaim {
  readonly token: string;
  readonly reference: string;
}

/** An out-of-office row: set by them (`theirs`: someone acts for them), or naming them as the one who acts. */
export interface DelegationRow {
  readonly theirs: boolean;
  readonly until: string;
  readonly setAt: string;
}

/** An inbox line as stored, keys left out. */
export type InboxLine = Readonly<Record<string, unknown>>;

/** Layouts written elsewhere (and src/store/leaver-notices.ts): src/directory/directory.ts, src/notify/conversation-store.ts, src/store/staged-evidence.ts. */
const PERSON_PARTITION = 'person';
const PERSONAL_CHAT = 'personal';
const LATEST = { partitionKey: 'service', rowKey: 'latest' } as const;
const STAGED_EVIDENCE = 'staged-evidence';
const DELEGATION_PARTITION = 'delegation';

/**
 * What the bot holds about one person outside the `cases` table, table by table (DESIGN.md "Storage"): their
 * directory entry and the entries that name them as manager, their chat reference and the tenant-wide latest
 * one, their form claims and staged files, their inbox lines and other people's lines about a case. For subject
 * access and erasure (UK GDPR Articles 15 and 17), which decide what to read, keep and rewrite; never for a turn.
 */
export function createPersonData(tables: Pick<Tables, 'directory' | 'conversations' | 'idempotency' | 'inbox'>) {
  const { directory, conversations, idempotency, inbox } = tables;
  return {
    async directoryEntryOf(personId: string): Promise<DirectoryEntry | undefined> {
      const row = await rowOf(directory, PERSON_PARTITION, personId);
      return row && {
        name: String(row.name ?? ''), roles: String(row.roles ?? '').split(',').filter(Boolean), managerId: String(row.managerId ?? ''),
        ...(row.department ? { department: String(row.department) } : {}), ...(row.leftAt ? { leftAt: String(row.leftAt) } : {}),
      };
    },
    /** How many entries name them as manager. */
    async countPeopleManagedBy(personId: string): Promise<number> {
      let count = 0;
      for await (const _ of directory.listEntities({ queryOptions: { filter: managedBy(personId), select: ['RowKey'] } })) count++;
      return count;
    },
    deleteDirectoryEntry: (personId: string) => deleteIfThere(directory, PERSON_PARTITION, personId),
    /**
     * Lines of leavers' notices not yet sent (src/store/leaver-notices.ts) about them as a leaver or naming them as
     * the one an approval went to, and the marks that a notice reached them. Returns how many went.
     */
    async deleteLeaverNoticeRowsNaming(personId: string): Promise<number> {
      let removed = 0;
      for await (const row of directory.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${LEAVER_NOTICE_PARTITION}` } })) {
        if ([row.personId, row.movedTo, row.recipientId].includes(personId)) removed += await deleteIfThere(directory, LEAVER_NOTICE_PARTITION, row.rowKey as string);
      }
      return removed;
    },
    /** Out-of-office rows (src/store/delegations.ts) they set (`theirs`), or that name them as delegate. */
    async delegationsOf(personId: string): Promise<DelegationRow[]> {
      const rows: DelegationRow[] = [];
      for await (const row of directory.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${DELEGATION_PARTITION} and (RowKey eq ${personId} or delegateId eq ${personId})` } })) {
        rows.push({ theirs: row.rowKey === personId, until: String(row.until ?? ''), setAt: String(row.setAt ?? '') });
      }
      return rows;
    },
    /** Out-of-office rows (src/store/delegations.ts) they set, or that name them as delegate. Returns how many. */
    async deleteDelegationsOf(personId: string): Promise<number> {
      let removed = 0;
      for await (const row of directory.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${DELEGATION_PARTITION}` } })) {
        if (row.rowKey === personId || row.delegateId === personId) removed += await deleteIfThere(directory, DELEGATION_PARTITION, row.rowKey as string);
      }
      return removed;
    },
    /** The people they managed keep their entry, without a manager (If-Match on each). Returns how many. */
    async unlinkManager(personId: string): Promise<number> {
      let unlinked = 0;
      for await (const row of directory.listEntities({ queryOptions: { filter: managedBy(personId) } })) {
        await directory.updateEntity({ partitionKey: PERSON_PARTITION, rowKey: row.rowKey as string, managerId: '' }, 'Merge', { etag: row.etag });
        unlinked++;
      }
      return unlinked;
    },

    /** Their 1:1 chat reference as stored (parsed), or null when there is none. */
    async personalChatOf(personId: string): Promise<unknown> {
      const row = await rowOf(conversations, personId, PERSONAL_CHAT);
      return row ? parseStoredJson(row.body) : null;
    },
    deletePersonalChatOf: (personId: string) => deleteIfThere(conversations, personId, PERSONAL_CHAT),
    /** The tenant-wide latest chat reference (parsed), or undefined when there is none or it is not JSON. */
    async latestChat(): Promise<unknown> {
      return parseStoredJson((await rowOf(conversations, LATEST.partitionKey, LATEST.rowKey))?.body);
    },
    /**
     * Replaces the latest chat reference with what `rewrite` makes of it (If-Match: one written since is left
     * alone and the write fails); `rewrite` returns undefined to leave it. Returns 1 when it was rewritten.
     */
    async rewriteLatestChat(rewrite: (reference: unknown) => unknown): Promise<number> {
      const row = await rowOf(conversations, LATEST.partitionKey, LATEST.rowKey);
      const next = row ? rewrite(parseStoredJson(row.body)) : undefined;
      if (!row || next === undefined) return 0;
      await conversations.updateEntity({ ...LATEST, body: JSON.stringify(next) }, 'Replace', { etag: row.etag });
      return 1;
    },

    async formClaimsAndStagedFilesOf(personId: string): Promise<{ formClaims: FormClaim[]; stagedFiles: { at: string; files: unknown } | null }> {
      const rows = await partition(idempotency, personId);
      const staged = rows.find((row) => row.rowKey === STAGED_EVIDENCE);
      return {
        formClaims: rows.filter((row) => row.rowKey !== STAGED_EVIDENCE).map((row) => ({ token: row.rowKey, reference: String(row.reference ?? '') })),
        stagedFiles: staged ? { at: String(staged.at), files: parseStoredJson(staged.files) } : null,
      };
    },
    /** Their whole partition of the `idempotency` table: form claims, and the row of files waiting for a report. */
    async deleteFormClaimsAndStagedFilesOf(personId: string): Promise<{ formClaims: number; stagedEvidence: number }> {
      const counts = { formClaims: 0, stagedEvidence: 0 };
      for (const { rowKey } of await partition(idempotency, personId, ['RowKey'])) {
        await deleteIfThere(idempotency, personId, rowKey);
        counts[rowKey === STAGED_EVIDENCE ? 'stagedEvidence' : 'formClaims']++;
      }
      return counts;
    },

    async inboxLinesOf(personId: string): Promise<InboxLine[]> {
      return (await partition(inbox, personId)).map(({ partitionKey: _p, rowKey: _r, etag: _e, timestamp: _t, ...line }) => line);
    },
    /** The references of the cases in their inbox: one query of their partition. */
    async inboxReferencesOf(personId: string): Promise<string[]> {
      return (await partition(inbox, personId, ['reference'])).map((row) => row.reference).filter((reference): reference is string => typeof reference === 'string');
    },
    /** Deletes every line of their inbox. Returns how many went. */
    async deleteInboxOf(personId: string): Promise<number> {
      let deleted = 0;
      for (const { rowKey } of await partition(inbox, personId, ['RowKey'])) deleted += await deleteIfThere(inbox, personId, rowKey);
      return deleted;
    },
    /**
     * Everyone else's inbox lines for a case (and the team lists), each text column through `rewriteText`; a line
     * that comes out the same is not written, the others are replaced with If-Match. A scan of the whole inbox:
     * for rare, audited requests only. Returns how many lines were rewritten.
     */
    async rewriteInboxRowsNaming(reference: string, rewriteText: (text: string) => string, options: { except: string }): Promise<number> {
      let rewritten = 0;
      for await (const row of inbox.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`reference eq ${reference}` } })) {
        if (row.partitionKey === options.except) continue;
        const { partitionKey, rowKey, etag, timestamp: _t, ...columns } = row;
        const next = Object.fromEntries(Object.entries(columns).map(([key, value]) => [key, typeof value === 'string' ? rewriteText(value) : value]));
        if (JSON.stringify(next) === JSON.stringify(columns)) continue;
        await inbox.updateEntity({ partitionKey: partitionKey as string, rowKey: rowKey as string, ...next }, 'Replace', { etag });
        rewritten++;
      }
      return rewritten;
    },
  };
}

export type PersonData = ReturnType<typeof createPersonData>;

function managedBy(personId: string): string {
  return odata`PartitionKey eq ${PERSON_PARTITION} and managerId eq ${personId}`;
}

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string };

async function rowOf(table: TableClient, partitionKey: string, rowKey: string): Promise<Row | undefined> {
  try {
    return await table.getEntity<Record<string, unknown>>(partitionKey, rowKey) as Row;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function partition(table: TableClient, partitionKey: string, select?: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const query = table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}`, ...(select ? { select } : {}) } });
  for await (const row of query) rows.push(row as Row);
  return rows;
}

