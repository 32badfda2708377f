import { readConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { buildRuntime } from '../src/runtime';
import { ensureTables } from '../src/store/tables';
import { runCommand, UsageError } from './cli';
import { withTables } from './storage';

const USAGE = `usage: npm run statistics:rebuild

Rebuilds the dashboard's statistics table from the cases: every case of every workflow is summarised as the
bot does after each step (state, deadline, service-level clocks, who sees it, and the line of the register that
lists it; no free text), and the counters the dashboard reads are replaced by their sums. Rows of an older
layout are removed. Run it after restoring a backup, after an upgrade that changes what a summary holds, after
erasing a person's data, or if the numbers ever look wrong; best while the bot is quiet (a step taken during the
rebuild is counted again at the case's next step). Uses the same storage settings as the bot.`;

/** `npm run statistics:rebuild`: prints counts only. */
runCommand(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length > 0) throw new UsageError(`unknown arguments: ${args.join(' ')}`);
  const config = readConfig(process.env);
  const rebuilt = await withTables(config, async (tables) => {
    await ensureTables(tables);
    const runtime = buildRuntime({
      tables, bot: config.bot, allowedTenantIds: config.allowedTenantIds, closureDays: config.closureDays,
      abuseReport: config.abuseReport, logger: createLogger('warn'), now: () => new Date(),
    });
    return runtime.statistics.rebuild(new Date());
  });
  console.log(`Statistics rebuilt from ${rebuilt.summaries} cases: ${rebuilt.counters} counter rows.`);
}, USAGE);
