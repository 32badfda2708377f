import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ZipFile } from 'yazl';
import { placeholderValues, readEnvFile, substitutePlaceholders, validateManifest } from './app-manifest';
import { ICON_FILES, IconKind, iconProblems, renderIcon } from './icons';

/**
 * `npm run package [-- --env <name>]` (default `dev`): builds `appPackage/build/appPackage.<env>.zip`
 * (manifest.json, color.png, outline.png at the root) from `appPackage/`, with `${{NAME}}` placeholders
 * filled from `env/.env.<env>` and the process environment, the result checked offline against the
 * manifest's JSON schema and the icons checked for size and, for the outline, white on transparent.
 * Missing icons are redrawn. The zip is byte-for-byte reproducible (fixed order and timestamps).
 * Exit codes: 0 built; 1 the package would be invalid (every problem is listed); 2 usage error or the
 * packager could not run (no manifest, unreadable JSON).
 */
export interface PackageOptions {
  /** The project root: holds `appPackage/` and `env/`. */
  readonly root: string;
  readonly env: string;
  readonly processEnv: NodeJS.ProcessEnv;
  /** Draw color.png / outline.png when missing (default true). */
  readonly redrawMissingIcons?: boolean;
}

export type PackageOutcome =
  | { readonly ok: true; readonly zipPath: string; readonly manifest: unknown; readonly notes: string[]; readonly warnings: string[] }
  | { readonly ok: false; readonly problems: string[]; readonly notes: string[]; readonly warnings: string[] };

/** Raised when the packager cannot run as asked; exit code 2. */
export class CannotRun extends Error {}

const ZIP_TIME = new Date(2000, 0, 1, 0, 0, 0);

export async function packageApp(options: PackageOptions): Promise<PackageOutcome> {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(options.env)) throw new CannotRun(`invalid environment name ${JSON.stringify(options.env)}`);
  const appDir = path.join(options.root, 'appPackage');
  const template = readJson(path.join(appDir, 'manifest.json'));
  const fileValues = readEnvFile(options.root, options.env);
  const notes = fileValues ? [`Values from env/.env.${options.env} and the environment.`] : [`No env/.env.${options.env}: values from the environment only.`];
  const { values, defaulted } = placeholderValues(options.env, fileValues ?? {}, options.processEnv);
  const warnings = defaulted.length === 0 ? []
    : [`${defaulted.join(', ')} not set for "${options.env}": using fake stand-ins; this package cannot be installed in Teams.`];
  const { manifest, missing } = substitutePlaceholders(template, values);
  const problems = missing.map((name) => `\${{${name}}} has no value: set ${name} in env/.env.${options.env} or the environment`);
  if (missing.length === 0) problems.push(...(await validateManifest(manifest)).map((p) => `${p.path || '(manifest)'}: ${p.message}`));
  const icons = iconFiles(manifest);
  for (const [kind, file] of icons) {
    if (!existsSync(path.join(appDir, file)) && options.redrawMissingIcons !== false) {
      mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
      writeFileSync(path.join(appDir, file), renderIcon(kind));
      notes.push(`Drew the missing ${file}.`);
    }
    problems.push(...iconProblems(path.join(appDir, file), kind));
  }
  if (problems.length > 0) return { ok: false, problems, notes, warnings };
  const zipPath = path.join(appDir, 'build', `appPackage.${options.env}.zip`);
  const entries = [{ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    ...icons.map(([, file]) => ({ name: file, data: readFileSync(path.join(appDir, file)) }))];
  mkdirSync(path.dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, await zipOf(entries));
  return { ok: true, zipPath, manifest, notes, warnings };
}

/** The icon paths the manifest names (Teams' defaults when it names none), relative to `appPackage/`. */
function iconFiles(manifest: unknown): [IconKind, string][] {
  const named = (manifest as { icons?: Partial<Record<IconKind, unknown>> } | null)?.icons ?? {};
  return (Object.keys(ICON_FILES) as IconKind[]).map((kind) => {
    const file = typeof named[kind] === 'string' ? path.posix.normalize(named[kind] as string) : ICON_FILES[kind];
    if (path.posix.isAbsolute(file) || file === '..' || file.startsWith('../')) throw new CannotRun(`icons.${kind} must be a path inside appPackage/, not ${file}`);
    return [kind, file];
  });
}

/** A zip with the entries in the given order, fixed timestamps and modes: the same input gives the same bytes. */
export function zipOf(entries: readonly { name: string; data: Buffer }[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { mtime: ZIP_TIME, mode: 0o100644, compress: true, forceDosTimestamp: true });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new CannotRun(`${file} not found`);
  try {
    return JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CannotRun(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

const USAGE = 'usage: npm run package [-- --env <name>]   (default env: dev; values from env/.env.<name>)';

export async function main(argv: readonly string[], root = projectRoot(), processEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  let env: string;
  try {
    const { values } = parseArgs({ args: [...argv], options: { env: { type: 'string', short: 'e' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    env = values.env ?? 'dev';
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const outcome = await packageApp({ root, env, processEnv });
  outcome.notes.forEach((note) => console.log(note));
  outcome.warnings.forEach((warning) => console.warn(`Warning: ${warning}`));
  if (!outcome.ok) {
    console.error(`App package for "${env}" not built: ${outcome.problems.length} problem(s):\n${outcome.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  console.log(`Built ${path.relative(root, outcome.zipPath)} (manifest ${(outcome.manifest as { manifestVersion?: string }).manifestVersion}, schema-valid).`);
  return 0;
}

function projectRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'appPackage', 'manifest.json'))) return dir;
  }
  throw new CannotRun('project root (package.json beside appPackage/manifest.json) not found');
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error instanceof CannotRun ? `Cannot package the app: ${error.message}` : `Packaging failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 2;
  });
}
