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

/**
 * Files are staged server-side (one row a person, the latest attachments) so the "add to this report"
 * button carries only a reference: card data never says which files were sent.
 */
export function createStagedEvidence(table: TableClient) {
  return {
    async stage(userId: string, files: readonly StagedFile[], at: string): Promise<void> {
      const entity = { partitionKey: userId, rowKey: ROW, files: JSON.stringify(files), at };
      assertEntityWithinLimits(entity);
      await table.upsertEntity(entity, 'Replace');
    },
    async take(userId: string): Promise<StagedFile[]> {
      try {
        const row = await table.getEntity<{ files: string }>(userId, ROW);
        return JSON.parse(row.files) as StagedFile[];
      } catch (error) {
        if (statusOf(error) === 404) return [];
        throw error;
      }
    },
    async clear(userId: string): Promise<void> {
      await table.deleteEntity(userId, ROW).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
    },
  };
}

export type StagedEvidence = ReturnType<typeof createStagedEvidence>;
