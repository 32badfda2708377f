import type { CustomerPost } from '../src/workflows/customer-post/model';
import { deskReport } from '../src/workflows/customer-post/report';
import { runCommand } from './cli';
import { runCaseExport } from './case-export';

const USAGE = `usage: npm run export:desk -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format csv|json] [--out file]

Writes the Communications Team's desk report: one line per customer post received between --from and --to
(London dates, inclusive; default 1 January this year to today): when it was received, first response at,
within 24 hours yes/no (complaints), resolved at, within 5 working days yes/no (problems and enquiries) and
the outcome, as CSV (default; UTF-8 with a byte order mark) or JSON, to --out or standard output. Uses the
same storage settings as the bot (AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ACCOUNT_URL, TABLE_PREFIX;
otherwise the embedded Azurite).`;

/**
 * `npm run export:desk`: the same file the Communications Team gets with "desk report" in Teams. The summary
 * goes to standard error so standard output is only the file.
 */
runCommand(() => runCaseExport<CustomerPost>({ prefix: 'CP', title: 'Desk report', line: 'post', build: deskReport }, process.argv.slice(2), new Date(), USAGE), USAGE);
