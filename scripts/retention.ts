import net from 'node:net';
import { ConfigError, readConfig } from '../src/config';
import { startAzurite } from '../src/store/azurite-process';
import { runRetention } from '../src/data-protection/retention-run';
import { createCaseLinks } from '../src/store/case-links';
import { createRecipientStore } from '../src/store/campaign-recipients';
import { createCaseStore } from '../src/store/case-store';
import { azuriteConnectionString, ensureTables, openTables, statusOf } from '../src/store/tables';

/**
 * `npm run retention [-- --dry-run]`: the bot's daily retention purge, run by hand. AINM records closed longer
 * than AINM_RETENTION_YEARS (default 3) ago lose their free text and identities (an anonymous statistics row
 * and an anonymised audit trail remain); access requests and takedown notices closed longer than
 * ACCESS_REQUEST_RETENTION_MONTHS / TAKEDOWN_RETENTION_MONTHS (default 24) ago are deleted with their audit
 * events. Prints references and counts only, never names or text. Exit code 1 if any case failed: running
 * again finishes it. Uses the same storage as the bot (starting the embedded emulator briefly if the bot is
 * not running).
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
    const periods = { ainmYears: config.ainmRetentionYears, accessRequestMonths: config.accessRequestRetentionMonths, takedownMonths: config.takedownRetentionMonths };
    const report = await runRetention({
      cases: createCaseStore(tables.cases), links: createCaseLinks(tables), now: new Date(), periods, dryRun,
      campaignRecipients: createRecipientStore(tables.campaignrecipients),
      onDone: (reference) => console.log(`${verb(reference, dryRun)} ${reference}.`),
      onFailed: (reference, error) => console.error(`Failed to ${verb(reference, true).split(' ')[1]} ${reference}: ${failure(error)}; run again to finish it.`),
    });
    const { ainm, accessRequests, takedowns } = report;
    const note = dryRun ? ' (dry run, nothing changed)' : '';
    console.log(`AINM retention${note}: ${periods.ainmYears} years after closure. `
      + `Records checked: ${ainm.checked}; already purged: ${ainm.alreadyPurged}; due: ${ainm.due}; purged: ${ainm.purged}; failed: ${ainm.failed}.`);
    console.log(`Access request retention${note}: ${periods.accessRequestMonths} months after closure. `
      + `Closed requests checked: ${accessRequests.checked}; due: ${accessRequests.due}; deleted: ${accessRequests.deleted}; failed: ${accessRequests.failed}.`);
    console.log(`Takedown notice retention${note}: ${periods.takedownMonths} months after closure. `
      + `Closed notices checked: ${takedowns.checked}; due: ${takedowns.due}; deleted: ${takedowns.deleted}; failed: ${takedowns.failed}.`);
    for (const [prefix, other] of Object.entries(report.others)) {
      console.log(`Closed ${prefix} cases checked: ${other.checked}; due: ${other.due}; deleted: ${other.deleted}; failed: ${other.failed}.`);
    }
    const othersFailed = Object.values(report.others).reduce((sum, other) => sum + other.failed, 0);
    return ainm.failed + accessRequests.failed + takedowns.failed + othersFailed > 0 ? 1 : 0;
  } finally {
    await embedded?.stop();
  }
}

/** AINM records are purged (anonymised); access requests and takedown notices deleted. */
function verb(reference: string, dryRun: boolean): string {
  const what = reference.startsWith('AINM-') ? 'purge' : 'delete';
  return dryRun ? `Would ${what}` : `${what === 'purge' ? 'Purged' : 'Deleted'}`;
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
