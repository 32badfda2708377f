import { ConfigError, readConfig } from '../src/config';
import { SYNC_OFF_MESSAGE } from '../src/directory/directory-sync';
import { createLogger } from '../src/logger';
import { buildRuntime } from '../src/runtime';
import { ensureTables } from '../src/store/tables';
import { withTables } from './storage';

/**
 * `npm run directory:sync [-- --accept-leavers]`: one sync of the staff directory from Entra ID now, as the bot's
 * daily job does (README, "Directory from Entra ID"): people and their managers, leavers, roles from Entra groups;
 * waiting approvals moved, joiners given the current campaign, leavers' open cases sent to Comms and the
 * administrators. `--accept-leavers` applies a sync that would mark more than a fifth of the people as leavers,
 * which is otherwise refused. Prints counts, never names. Exit code 1 when nothing could be synced.
 * Uses the same storage and Graph settings as the bot; with DIRECTORY_SYNC off it says so and changes nothing.
 */
async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--accept-leavers');
  if (unknown.length > 0) throw new Error(`usage: npm run directory:sync [-- --accept-leavers]   (unknown: ${unknown.join(' ')})`);
  const config = readConfig(process.env);
  if (!config.directorySync || !config.graph) {
    console.log(SYNC_OFF_MESSAGE);
    return 0;
  }
  const { graph, directorySync } = config;
  return withTables(config, async (tables) => {
    await ensureTables(tables);
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const runtime = buildRuntime({
      tables, bot: config.bot, allowedTenantIds: config.allowedTenantIds, closureDays: config.closureDays, policyUrl: config.policyUrl,
      abuseReport: config.abuseReport, logger, now: () => new Date(), graph, directorySync,
    });
    const report = await runtime.syncDirectory(new Date(), { acceptLeavers: args.includes('--accept-leavers') });
    // The moved approvals' cards and the leavers' list go out before the process ends.
    await runtime.relay.idle();
    console.log(report.message);
    return report.outcome === 'synced' ? 0 : 1;
  });
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : (error as Error).message);
  process.exit(1);
});
