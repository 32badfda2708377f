import { parseArgs } from 'node:util';
import { readConfig } from '../src/config';
import { isPersonId } from '../src/data-protection/case-people';
import { erasePerson, planErasure } from '../src/data-protection/erasure';
import { createTableDirectory } from '../src/store/directory-table';
import { ensureTables } from '../src/store/tables';
import { runCommand, UsageError } from './cli';
import { withTables } from './storage';

const USAGE = `usage: npm run erase-person -- <aadObjectId> --by <your admin id> [--dry-run]

Erases a person where the law allows (UK GDPR Article 17; see docs/security.md, "Erasure"): removes
their directory entry, chat reference, case lists, staged files and form claims; anonymises them in
closed access requests and closed or withdrawn takedown notices; keeps AINM incident records (legal
obligation) and lists them. While any case they are in is open, nothing is erased and the open cases
are listed. --by must be an administrator in the directory. --dry-run shows what would happen.
Prints JSON (references and counts only). Exit code 0: erased (or dry run); 1: refused or failed;
2: bad arguments.`;


async function main(argv: readonly string[], now: Date): Promise<number> {
  const options = readArguments(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const config = readConfig(process.env);
  return withTables(config, async (tables) => {
    await ensureTables(tables);
    const admin = await createTableDirectory(tables.directory, 0).find(options.by);
    if (!admin || !admin.roles.includes('admin')) throw new UsageError(`--by ${options.by} is not an administrator in the directory`);
    if (options.dryRun) {
      const plan = await planErasure(tables, options.subjectId);
      print({ dryRun: true, wouldRefuse: plan.open.length > 0, open: plan.open, anonymise: plan.anonymise, retained: plan.retained });
      return 0;
    }
    const result = await erasePerson(tables, options.subjectId, { id: admin.id, name: admin.name }, now);
    if (result.outcome === 'refused') {
      print({ outcome: 'refused', reason: 'open cases: close them (or give them another approver) first', open: result.plan.open });
      console.error(`Not erased: ${result.plan.open.length} open case(s). Nothing was changed; the refusal is in the audit trail.`);
      return 1;
    }
    print({ outcome: 'erased', erasureId: result.erasureId, anonymised: result.plan.anonymise, retained: result.plan.retained, removed: result.removed });
    console.error(`Erased as ${result.erasureId}. Remove the person from the directory seed file too, or the next "npm run seed" adds them back.`);
    return 0;
  });
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function readArguments(argv: readonly string[]): { subjectId: string; by: string; dryRun: boolean; help?: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { by: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true, allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { subjectId: '', by: '', dryRun: false, help: true };
  if (positionals.length !== 1) throw new UsageError('give exactly one person id');
  const subjectId = positionals[0]!;
  if (!isPersonId(subjectId)) throw new UsageError(`"${subjectId.slice(0, 120)}" is not a person id (an Entra ID object id)`);
  if (!values.by || !isPersonId(values.by)) throw new UsageError('--by <your admin id> is required: erasures are recorded against an administrator');
  if (values.by === subjectId) throw new UsageError('another administrator must erase your own data');
  return { subjectId, by: values.by, dryRun: values['dry-run'] ?? false };
}

runCommand(() => main(process.argv.slice(2), new Date()), USAGE);
