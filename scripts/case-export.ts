import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config';
import type { Rejection } from '../src/domain/outcome';
import { createWorkingTime, WorkingTime } from '../src/domain/working-time';
import { createCaseStore } from '../src/store/case-store';
import { statusOf } from '../src/store/tables';
import { defaultExportRange, ExportInput, parseExportRequest } from '../src/workflows/abuse-report/export';
import { UsageError } from './cli';
import { withTables } from './storage';

/** A file of one kind of case between two London dates, as the exports build it in Teams. */
export interface CaseExportFile {
  readonly ok: true;
  readonly body: string;
  readonly rowCount: number;
  readonly request: { readonly from: string; readonly to: string };
}

export interface CaseExport<S> {
  /** The reference prefix of the cases the file is made of. */
  readonly prefix: string;
  /** "AINM register", "Desk report": the summary's first words. */
  readonly title: string;
  /** "record", "post": what one line is. */
  readonly line: string;
  build(snapshots: readonly S[], input: ExportInput & { readonly exportedAt: Date }, workingTime: WorkingTime): CaseExportFile | Rejection;
}

/**
 * `npm run export:<name> -- [--from] [--to] [--format csv|json] [--out file]`: the same file people get in Teams,
 * from the same storage settings as the bot. The summary goes to standard error, so standard output is only the file.
 */
export async function runCaseExport<S>(exported: CaseExport<S>, argv: readonly string[], now: Date, usage: string): Promise<void> {
  const options = readArguments(argv);
  if (options.help) {
    console.log(usage);
    return;
  }
  const config = readConfig(process.env);
  const workingTime = createWorkingTime({ closureDays: config.closureDays });
  const range = defaultExportRange(workingTime.londonDate(now));
  const input = { from: options.from ?? range.from, to: options.to ?? range.to, format: options.format ?? 'csv' };
  const request = parseExportRequest(input);
  if (!request.ok) throw new UsageError(request.message);
  const stored = await withTables(config, async (tables) => collect(createCaseStore(tables.cases).snapshotsOf<S>(exported.prefix)));
  const file = exported.build(stored.map((item) => item.snapshot), { ...input, exportedAt: now }, workingTime);
  if (!file.ok) throw new UsageError(file.message);
  if (options.out) writeFileSync(options.out, file.body, 'utf8');
  else process.stdout.write(file.body);
  const count = `${file.rowCount} ${exported.line}${file.rowCount === 1 ? '' : 's'}`;
  console.error(`${exported.title} ${file.request.from} to ${file.request.to}: ${count}${options.out ? ` written to ${options.out}` : ''}.`);
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

/** Every snapshot of the kind; a cases table that does not exist yet (the bot never ran) holds none. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  try {
    for await (const item of items) all.push(item);
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  return all;
}
