import { baselineTable, countTurn, personOf, startBaseline } from './baseline';

/**
 * Baseline (b): the floor for a stateful turn. The same bare bot, plus exactly one table read (getEntity) and one
 * table write (upsertEntity) per turn, on the same Azurite as the bot: the person's row, read and written back with
 * the turn counted.
 */
const table = baselineTable('state');

void table.createTable().then(() => startBaseline('table-turn', async (context) => {
  await countTurn(table, personOf(context));
}));
