import { TableClient } from '@azure/data-tables';
import { startBaseline } from './baseline';

/**
 * Baseline (b): the floor for a stateful turn. The same bare bot, plus exactly one table read (getEntity) and one
 * table write (upsertEntity) per turn, on the same Azurite as the bot (AZURE_TABLES_CONNECTION_STRING,
 * TABLE_PREFIX): the person's row, read and written back with the turn counted.
 */
const connectionString = process.env.AZURE_TABLES_CONNECTION_STRING ?? '';
const table = TableClient.fromConnectionString(connectionString, `${process.env.TABLE_PREFIX ?? ''}state`, { allowInsecureConnection: connectionString.includes('http://') });

void table.createTable().then(() => startBaseline('table-turn', async (context) => {
  const partitionKey = String(context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'nobody');
  let turns = 0;
  try {
    turns = (await table.getEntity<{ turns: number }>(partitionKey, 'state')).turns;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  await table.upsertEntity({ partitionKey, rowKey: 'state', turns: turns + 1, at: new Date().toISOString() }, 'Replace');
}));
