import net from 'node:net';
import { ConfigError, readConfig } from '../src/config';
import { startAzurite } from '../src/store/azurite-process';
import { createCaseStore } from '../src/store/case-store';
import { azuriteConnectionString, ensureTables, openTables, statusOf } from '../src/store/tables';
import { runAinmRetention } from '../src/workflows/abuse-report/retention-job';

/**
 * `npm run retention [-- --dry-run]`: purges the free text and identities of AINM records closed longer
 * than AINM_RETENTION_YEARS (default 3) ago; an anonymous statistics row and an anonymised audit trail
 * remain. Prints references and counts only, never names or text. Exit code 1 if any record failed:
 * running again finishes it. Uses the same storage as the bot (starting the embedded emulator briefly
 * if the bot is not running).
 */
async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) throw new Error(`usage: npm run retention [-- --dry-run]   (unknown: ${unknown.join(' ')})`);
  const dryRun = args.includes('--dry-run');
  const config = readConfig(process.env);
  const tablesConfig = config.tables;
  const embedded = tablesConfig.kind === 'embedded' && !(await portOpen(tablesConfig.port))
    ? await startAzurite({ port: tablesConfig.port, dataDir: tablesConfig.dataDir })
    : undefined;
  try {
    const endpoint = tablesConfig.kind === 'embedded'
      ? { kind: 'connectionString' as const, connectionString: azuriteConnectionString(tablesConfig.port) }
      : tablesConfig;
    const tables = openTables(endpoint, config.tablePrefix);
    await ensureTables(tables);
    const years = config.ainmRetentionYears;
    const report = await runAinmRetention({
      cases: createCaseStore(tables.cases), inbox: tables.inbox, idempotency: tables.idempotency,
      now: new Date(), years, dryRun,
      onPurged: (reference) => console.log(`${dryRun ? 'Would purge' : 'Purged'} ${reference}.`),
      onFailed: (reference, error) => console.error(`Failed to purge ${reference}: ${failure(error)}; run again to finish it.`),
    });
    console.log(`AINM retention${dryRun ? ' (dry run, nothing changed)' : ''}: ${years} years after closure. `
      + `Records checked: ${report.checked}; already purged: ${report.alreadyPurged}; due: ${report.due}; `
      + `purged: ${report.purged}; failed: ${report.failed}.`);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await embedded?.stop();
  }
}

/** The kind of failure, never its text: a storage error message may quote the row. */
function failure(error: unknown): string {
  const status = statusOf(error);
  const name = error instanceof Error ? error.name : 'Error';
  return status ? `${name} (HTTP ${status})` : name;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : (error as Error).message);
  process.exitCode = 1;
});
