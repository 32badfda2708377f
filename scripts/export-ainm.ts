import type { AbuseReport } from '../src/workflows/abuse-report/model';
import { exportRegister } from '../src/workflows/abuse-report/export';
import { runCommand } from './cli';
import { runCaseExport } from './case-export';

const USAGE = `usage: npm run export:ainm -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format csv|json] [--out file]

Writes the Group's AINM register: one line per record reported between --from and --to (London dates,
inclusive; default 1 January this year to today), as CSV (default) or JSON, to --out or standard output.
Uses the same storage settings as the bot (AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ACCOUNT_URL,
TABLE_PREFIX; otherwise the embedded Azurite).`;

/**
 * `npm run export:ainm`: the AINM register for the Group's AINM system, the same file the Incident team
 * gets with "export" in Teams. The summary goes to standard error so standard output is only the file.
 */
runCommand(() => runCaseExport<AbuseReport>({ prefix: 'AINM', title: 'AINM register', line: 'record', build: exportRegister }, process.argv.slice(2), new Date(), USAGE), USAGE);
