import { TableClient } from '@azure/data-tables';
import { startBaseline } from './baseline';

/**
 * Baseline (c): issue 16's budget of 6 table round trips a transition, and nothing else. The same bare bot; per turn
 * the person's row read and written back before the answer, as baseline (b) does, then, once the answer is on its
 * way (as the bot's effect relay starts), four more writes at once, each to a partition of its own, as a transition's
 * inbox lines, timers and counters are: 6 round trips, no card rendered, no connector call of its own. It shows what
 * a bot that met the round-trip target would cost at best, so the latency targets can be read against it
 * (bench/NOTES.md, "Issue 16, sixth session").
 */
const connectionString = process.env.AZURE_TABLES_CONNECTION_STRING ?? '';
const table = TableClient.fromConnectionString(connectionString, `${process.env.TABLE_PREFIX ?? ''}budget`, { allowInsecureConnection: connectionString.includes('http://') });
const BACKGROUND_WRITES = ['inbox-a', 'inbox-b', 'inbox-c', 'timer'];

void table.createTable().then(() => startBaseline('budget-turn', async (context) => {
  const partitionKey = String(context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'nobody');
  let turns = 0;
  try {
    turns = (await table.getEntity<{ turns: number }>(partitionKey, 'state')).turns;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const at = new Date().toISOString();
  await table.upsertEntity({ partitionKey, rowKey: 'state', turns: turns + 1, at }, 'Replace');
  setImmediate(() => {
    void Promise.all(BACKGROUND_WRITES.map((name) => table.upsertEntity({ partitionKey: `${partitionKey}-${name}`, rowKey: 'line', turns: turns + 1, at }, 'Replace')))
      .catch((error: unknown) => console.error(`budget-turn: a background write failed: ${String((error as Error).message).slice(0, 200)}`));
  });
}));
