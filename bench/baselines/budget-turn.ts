import { baselineTable, countTurn, personOf, startBaseline } from './baseline';

/**
 * Baseline (c): issue 16's budget of 6 table round trips a transition, and nothing else. The same bare bot; per turn
 * the person's row read and written back before the answer, as baseline (b) does, then, once the answer is on its
 * way (as the bot's effect relay starts), four more writes at once, each to a partition of its own, as a transition's
 * inbox lines, timers and counters are: 6 round trips, no card rendered, no connector call of its own. It shows what
 * a bot that met the round-trip target would cost at best, so the latency targets can be read against it
 * (bench/NOTES.md, "Issue 16, sixth session").
 */
const table = baselineTable('budget');
const BACKGROUND_WRITES = ['inbox-a', 'inbox-b', 'inbox-c', 'timer'];

void table.createTable().then(() => startBaseline('budget-turn', async (context) => {
  const person = personOf(context);
  const turns = await countTurn(table, person);
  const at = new Date().toISOString();
  setImmediate(() => {
    void Promise.all(BACKGROUND_WRITES.map((name) => table.upsertEntity({ partitionKey: `${person}-${name}`, rowKey: 'line', turns, at }, 'Replace')))
      .catch((error: unknown) => console.error(`budget-turn: a background write failed: ${String((error as Error).message).slice(0, 200)}`));
  });
}));
