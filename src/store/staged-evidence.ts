import { TableClient } from '@azure/data-tables';
import { assertEntityWithinLimits } from './entity-limits';
import { statusOf } from './tables';

const ROW = 'staged-evidence';

/** A file someone attached in their chat with the bot, waiting for them to say which report it belongs to. */
export interface StagedFile {
  readonly name: string;
  readonly contentType: string;
  readonly link: string;
}

/** At most this many staged files a person (a report holds 20): the oldest give way. */
const MAX_STAGED = 20;
/**
 * And at most this many characters of them as JSON (a report keeps 8,000: abuse-report/model.ts
 * EVIDENCE_MAX_CHARS), so the row always fits its table property (32,768) whatever links Teams sends.
 */
const MAX_STAGED_CHARS = 8000;
/** Files left waiting longer than this since the last were sent are not added with new ones. */
const STAGED_FOR_MS = 24 * 3_600_000;

/**
 * Files are staged server-side (one row a person: every file sent since files were last added to a
 * report) so the "add to this report" button carries only a reference: card data never says which files
 * were sent. Screenshots sent one message at a time all wait together; none replaces another.
 */
export function createStagedEvidence(table: TableClient) {
  async function read(userId: string): Promise<{ files: StagedFile[]; at: string; etag: string } | undefined> {
    try {
      const row = await table.getEntity<{ files: string; at: string }>(userId, ROW);
      return { files: JSON.parse(row.files) as StagedFile[], at: row.at, etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  return {
    async stage(userId: string, files: readonly StagedFile[], at: string): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        const existing = await read(userId);
        const waiting = existing && Date.parse(at) - Date.parse(existing.at) < STAGED_FOR_MS ? existing.files : [];
        const known = new Set(waiting.map((file) => file.link));
        const added = files.filter((file) => !known.has(file.link) && known.add(file.link));
        const entity = { partitionKey: userId, rowKey: ROW, files: JSON.stringify(newestThatFit([...waiting, ...added])), at };
        assertEntityWithinLimits(entity);
        try {
          // Guarded by the etag read: two messages with files at once both keep their files.
          if (existing) await table.updateEntity(entity, 'Replace', { etag: existing.etag });
          else await table.createEntity(entity);
          return;
        } catch (error) {
          const status = statusOf(error);
          if ((status !== 409 && status !== 412) || attempt >= 4) throw error;
        }
      }
    },
    async take(userId: string): Promise<StagedFile[]> {
      return (await read(userId))?.files ?? [];
    },
    async clear(userId: string): Promise<void> {
      await table.deleteEntity(userId, ROW).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    },
  };
}

/** The newest files, as many as the limits allow. */
function newestThatFit(files: readonly StagedFile[]): StagedFile[] {
  const kept: StagedFile[] = [];
  let chars = 2;
  for (const file of [...files].reverse()) {
    chars += JSON.stringify(file).length + 1;
    if (kept.length >= MAX_STAGED || chars > MAX_STAGED_CHARS) break;
    kept.unshift(file);
  }
  return kept;
}

export type StagedEvidence = ReturnType<typeof createStagedEvidence>;
