import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config';
import { createWorkingTime } from '../src/domain/working-time';
import { createCaseStore } from '../src/store/case-store';
import { statusOf } from '../src/store/tables';
import { defaultExportRange, parseExportRequest } from '../src/workflows/abuse-report/export';
import type { CustomerPost } from '../src/workflows/customer-post/model';
import { deskReport } from '../src/workflows/customer-post/report';
import { runCommand, UsageError } from './cli';
import { withTables } from './storage';

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
async function main(argv: readonly string[], now: Date): Promise<void> {
  const options = readArguments(argv);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const config = readConfig(process.env);
  const workingTime = createWorkingTime({ closureDays: config.closureDays });
  const range = defaultExportRange(workingTime.londonDate(now));
  const input = { from: options.from ?? range.from, to: options.to ?? range.to, format: options.format ?? 'csv' };
  const request = parseExportRequest(input);
  if (!request.ok) throw new UsageError(request.message);
  const posts = await withTables(config, async (tables) => collect(createCaseStore(tables.cases).snapshotsOf<CustomerPost>('CP')));
  const file = deskReport(posts.map((stored) => stored.snapshot), { ...input, exportedAt: now }, workingTime);
  if (!file.ok) throw new UsageError(file.message);
  if (options.out) writeFileSync(options.out, file.body, 'utf8');
  else process.stdout.write(file.body);
  console.error(`Desk report ${file.request.from} to ${file.request.to}: ${file.rowCount} post${file.rowCount === 1 ? '' : 's'}${options.out ? ` written to ${options.out}` : ''}.`);
}

function readArguments(argv: readonly string[]): { from?: string; to?: string; format?: string; out?: string; help?: boolean } {
  try {
    return parseArgs({
      args: [...argv],
      options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true, allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Every customer post snapshot; a cases table that does not exist yet (the bot never ran) holds none. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  try {
    for await (const item of items) all.push(item);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  return all;
}

runCommand(() => main(process.argv.slice(2), new Date()), USAGE);
