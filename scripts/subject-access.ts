import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config';
import { recordSubjectAccess } from '../src/store/audit-rows';
import { isPersonId } from '../src/data-protection/case-people';
import { collectSubjectAccess } from '../src/data-protection/subject-access';
import { ensureTables } from '../src/store/tables';
import { runCommand, UsageError } from './cli';
import { withTables } from './storage';

const USAGE = `usage: npm run subject-access -- <aadObjectId> [--out file] [--by <your id>]

Exports everything the bot holds about one person (UK GDPR Article 15) as JSON, to --out (created
readable by you only) or standard output. Other people in their cases appear by their part, not by
name or id (see docs/security.md). The request is recorded in the audit trail (who ran it: --by, or
your operating-system user name; and whom it was about). Uses the same storage settings as the bot
(AZURE_TABLES_CONNECTION_STRING or AZURE_TABLES_ACCOUNT_URL, TABLE_PREFIX; otherwise the embedded Azurite).`;

async function main(argv: readonly string[], now: Date): Promise<void> {
  const { subjectId, out, by, help } = readArguments(argv);
  if (help) {
    console.log(USAGE);
    return;
  }
  const config = readConfig(process.env);
  const result = await withTables(config, async (tables) => {
    await ensureTables(tables);
    const data = await collectSubjectAccess(tables, subjectId, now);
    // Recorded before anything is written out: no export leaves without its audit row.
    await recordSubjectAccess(tables.cases, { at: now.toISOString(), by, subjectId, caseCount: data.cases.length });
    return data;
  });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (out) writeFileSync(out, json, { encoding: 'utf8', mode: 0o600 });
  else process.stdout.write(json);
  console.error(`Subject access export: ${result.cases.length} case${result.cases.length === 1 ? '' : 's'}${out ? `, written to ${out}` : ''}. `
    + 'Recorded in the audit trail. Review it before it is sent (docs/security.md, "Subject access").');
}

function readArguments(argv: readonly string[]): { subjectId: string; out?: string; by: string; help?: boolean } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { subjectId: '', by: '', help: true };
  if (positionals.length !== 1) throw new UsageError('give exactly one person id');
  const subjectId = positionals[0]!;
  if (!isPersonId(subjectId)) throw new UsageError(`"${subjectId.slice(0, 120)}" is not a person id (an Entra ID object id, e.g. 00000000-0000-0000-0000-000000000000)`);
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file name');
  const by = values.by ?? `os-user:${safeUserName()}`;
  if (!by.trim() || by.length > 200) throw new UsageError('--by must name who runs the export');
  return { subjectId, by, ...(values.out ? { out: values.out } : {}) };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: { out: { type: 'string' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true, allowPositionals: true,
  });
}

function safeUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

runCommand(() => main(process.argv.slice(2), new Date()), USAGE);
