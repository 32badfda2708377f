import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config';
import { createWorkingTime } from '../src/domain/working-time';
import { createCaseStore } from '../src/store/case-store';
import { statusOf } from '../src/store/tables';
import { defaultExportRange, exportRegister, parseExportRequest } from '../src/workflows/abuse-report/export';
import type { AbuseReport } from '../src/workflows/abuse-report/model';
import { runCommand, UsageError } from './cli';
import { withTables } from './storage';

const USAGE = `usage: npm run export:ainm -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format csv|json] [--out file]

Writes the Group's AINM register: one line per record reported between --from and --to (London dates,
inclusive; default 1 January this year to today), as CSV (default) or JSON, to --out or standard output.
Uses the same storage settings as the bot (AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ACCOUNT_URL,
TABLE_PREFIX; otherwise the embedded Azurite).`;

/**
 * `npm run export:ainm`: the AINM register for the Group's AINM system, the same file the Incident team
 * gets with "export" in Teams. The summary goes to standard error so standard output is only the file.
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
  const records = await withTables(config, async (tables) => collect(createCaseStore(tables.cases).snapshotsOf<AbuseReport>('AINM')));
  const file = exportRegister(records.map((stored) => stored.snapshot), { ...input, exportedAt: now }, workingTime);
  if (!file.ok) throw new UsageError(file.message);
  if (options.out) writeFileSync(options.out, file.body, 'utf8');
  else process.stdout.write(file.body);
  console.error(`AINM register ${file.request.from} to ${file.request.to}: ${file.rowCount} record${file.rowCount === 1 ? '' : 's'}${options.out ? ` written to ${options.out}` : ''}.`);
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

/** Every AINM snapshot; a cases table that does not exist yet (the bot never ran) holds none. */
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
