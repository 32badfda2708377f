import type { TableEntity, TransactionAction } from '@azure/data-tables';

/**
 * Azure Table storage limits that Azurite does not enforce (DESIGN.md, "Known Teams pitfalls"): checked
 * here so a write that would fail in Azure fails the same way in every test.
 */
export const TABLE_LIMITS = {
  /** 64 KiB per string property, stored as UTF-16. */
  maxStringChars: 32 * 1024,
  /** 255 properties including PartitionKey, RowKey and Timestamp. */
  maxCustomProperties: 252,
  maxEntityBytes: 1024 * 1024,
  maxBatchOperations: 100,
  maxBatchBytes: 4 * 1024 * 1024,
  maxKeyChars: 1024,
} as const;

/** A write the real service would refuse; thrown before anything is sent. */
export class TableLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableLimitError';
  }
}

const FORBIDDEN_KEY_CHARS = /[/\\#?\u0000-\u001F\u007F-\u009F]/;
/**
 * Half of a surrogate pair on its own (not text at all: the SDK cannot put it in a URL, URIError), and the
 * Unicode line and paragraph separators (an Azurite transaction holding one fails, and can leave it failing).
 */
const UNSAFE_IN_KEYS = /\p{Cs}|[\u2028\u2029]/u;

/** Whether a string can be a PartitionKey or RowKey: the service refuses some characters, the SDK others. */
export function isUsableKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= TABLE_LIMITS.maxKeyChars && !FORBIDDEN_KEY_CHARS.test(key) && !UNSAFE_IN_KEYS.test(key);
}

export function assertEntityWithinLimits(entity: TableEntity<object>): number {
  const { partitionKey, rowKey, ...properties } = entity as TableEntity<Record<string, unknown>>;
  for (const [name, key] of [['PartitionKey', partitionKey], ['RowKey', rowKey]] as const) {
    if (!isUsableKey(key)) {
      throw new TableLimitError(`${name} is too long or has a character tables refuse`);
    }
  }
  const names = Object.keys(properties).filter((name) => properties[name] !== undefined);
  if (names.length > TABLE_LIMITS.maxCustomProperties) {
    throw new TableLimitError(`entity has ${names.length} properties; the limit is ${TABLE_LIMITS.maxCustomProperties}`);
  }
  let bytes = 4 + (partitionKey.length + rowKey.length) * 2;
  for (const name of names) {
    const value = properties[name];
    if (typeof value === 'string' && value.length > TABLE_LIMITS.maxStringChars) {
      throw new TableLimitError(`property ${name} holds ${value.length} characters; the limit is ${TABLE_LIMITS.maxStringChars}`);
    }
    bytes += 8 + name.length * 2 + (typeof value === 'string' ? value.length * 2 + 4 : 8);
  }
  if (bytes > TABLE_LIMITS.maxEntityBytes) throw new TableLimitError(`entity is about ${bytes} bytes; the limit is 1 MiB`);
  return bytes;
}

export function assertBatchWithinLimits(actions: readonly TransactionAction[]): void {
  if (actions.length > TABLE_LIMITS.maxBatchOperations) {
    throw new TableLimitError(`a transaction holds at most ${TABLE_LIMITS.maxBatchOperations} operations, not ${actions.length}`);
  }
  const bytes = actions.reduce((sum, action) => sum + assertEntityWithinLimits(action[1]), 0);
  if (bytes > TABLE_LIMITS.maxBatchBytes) throw new TableLimitError(`transaction is about ${bytes} bytes; the limit is 4 MiB`);
}
