import { AppManifestUtils } from '@microsoft/app-manifest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The Teams app manifest as the packager sees it: `${{NAME}}` placeholders filled the way Teams Toolkit
 * fills them (from `env/.env.<env>`), then checked against Microsoft's JSON schema bundled with
 * `@microsoft/app-manifest`, never fetched: packaging works offline.
 */
export interface ManifestProblem {
  /** JSON pointer into the manifest ("" is the whole manifest). */
  readonly path: string;
  readonly message: string;
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Variables that may be set to nothing on purpose (production has no name suffix). */
const MAY_BE_EMPTY = new Set(['APP_NAME_SUFFIX']);

/**
 * Clearly fake but schema-valid stand-ins, used for `local` and `dev` only when a value is missing
 * (before `teamsapp provision` has written the real ids). Such a package cannot be installed.
 */
export const FAKE_DEFAULTS: Readonly<Record<string, string>> = {
  TEAMS_APP_ID: '00000000-0000-0000-0000-000000000001',
  BOT_ID: '00000000-0000-0000-0000-000000000002',
  BOT_DOMAIN: 'social-media-desk.invalid',
  AAD_APP_CLIENT_ID: '00000000-0000-0000-0000-000000000003',
};
const ENVS_WITH_DEFAULTS = new Set(['local', 'dev']);

/** `env/.env.<env>` as name -> value, or undefined when there is no such file. */
export function readEnvFile(root: string, env: string): Record<string, string> | undefined {
  const file = path.join(root, 'env', `.env.${env}`);
  if (!existsSync(file)) return undefined;
  return Object.fromEntries(Object.entries(parseEnv(readFileSync(file, 'utf8'))).map(([name, value]) => [name, value ?? '']));
}

/**
 * The value of every variable: the process environment wins over the env file (so CI can override),
 * `TEAMSFX_ENV` is the environment name, and for `local`/`dev` missing ids get fake defaults
 * (`defaulted` names them so the caller can warn).
 */
export function placeholderValues(env: string, fileValues: Readonly<Record<string, string>>, processEnv: NodeJS.ProcessEnv): { values: Record<string, string>; defaulted: string[] } {
  const values: Record<string, string> = { TEAMSFX_ENV: env, ...fileValues };
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined) values[name] = value;
  for (const [name, value] of Object.entries(values)) if (value === '' && !MAY_BE_EMPTY.has(name)) delete values[name];
  const defaulted: string[] = [];
  if (ENVS_WITH_DEFAULTS.has(env)) {
    for (const [name, fake] of Object.entries({ ...FAKE_DEFAULTS, APP_NAME_SUFFIX: ` (${env})` })) {
      if (values[name] === undefined) {
        values[name] = fake;
        defaulted.push(name);
      }
    }
  }
  return { values, defaulted };
}

/** Replaces `${{NAME}}` in every string of the manifest; `missing` names placeholders with no value. */
export function substitutePlaceholders(manifest: unknown, values: Readonly<Record<string, string>>): { manifest: unknown; missing: string[] } {
  const missing = new Set<string>();
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (whole, name: string) => {
        if (values[name] !== undefined) return values[name]!;
        missing.add(name);
        return whole;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    return node;
  };
  return { manifest: fill(manifest), missing: [...missing].sort() };
}

/** Schema errors (Microsoft's bundled schema for the manifest's `$schema`) plus the Teams limits the schema misses. */
export async function validateManifest(manifest: unknown): Promise<ManifestProblem[]> {
  const schema = bundledSchema(manifest);
  if ('problem' in schema) return [schema.problem];
  type Validate = typeof AppManifestUtils.validateAgainstSchema;
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as Parameters<Validate>[0], schema.schema as Parameters<Validate>[1]);
  return [...errors.map(toProblem), ...teamsLimits(manifest)];
}

/** The library reports "<instancePath> <message>. Details: {...}". */
function toProblem(error: string): ManifestProblem {
  const match = /^(\S*) ([\s\S]*)$/.exec(error);
  return match ? { path: match[1]!, message: match[2]! } : { path: '', message: error };
}

function schemaDir(): string {
  return path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
}

/** The schema file for `$schema`, read from the package; a version it does not bundle is a problem, never a download. */
function bundledSchema(manifest: unknown): { schema: object } | { problem: ManifestProblem } {
  const url = (manifest as { $schema?: unknown } | null)?.$schema;
  const version = typeof url === 'string'
    ? /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[\w.]+)\/MicrosoftTeams\.schema\.json$/i.exec(url)?.[1]
    : undefined;
  const file = version ? path.join(schemaDir(), version, 'MicrosoftTeams.schema.json') : undefined;
  if (!file || !existsSync(file)) {
    const bundled = readdirSync(schemaDir()).filter((name) => /^v1\.\d+$/.test(name)).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
    return { problem: { path: '/$schema', message: `must be a Teams manifest schema URL bundled with @microsoft/app-manifest (${bundled.join(', ')}); got ${JSON.stringify(url)}` } };
  }
  return { schema: JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as object };
}

interface BotShape { scopes?: unknown; commandLists?: { scopes?: unknown; commands?: unknown }[] }

/** Limits Teams enforces that the schema does not: a bot has a scope, command lists stay in its scopes, at most 10 commands a list. */
function teamsLimits(manifest: unknown): ManifestProblem[] {
  const bots = (manifest as { bots?: unknown } | null)?.bots;
  if (!Array.isArray(bots)) return [];
  return (bots as BotShape[]).flatMap((bot, b) => {
    const scopes = Array.isArray(bot?.scopes) ? (bot.scopes as unknown[]) : undefined;
    const problems: ManifestProblem[] = scopes?.length === 0 ? [{ path: `/bots/${b}/scopes`, message: 'must name at least one scope' }] : [];
    (Array.isArray(bot?.commandLists) ? bot.commandLists : []).forEach((list, l) => {
      const listScopes = Array.isArray(list?.scopes) ? (list.scopes as unknown[]) : [];
      listScopes.forEach((scope, s) => {
        if (scopes && !scopes.includes(scope)) problems.push({ path: `/bots/${b}/commandLists/${l}/scopes/${s}`, message: `${JSON.stringify(scope)} is not one of the bot's scopes` });
      });
      if (Array.isArray(list?.commands) && list.commands.length > 10) {
        problems.push({ path: `/bots/${b}/commandLists/${l}/commands`, message: `has ${list.commands.length} commands; Teams shows at most 10 a list` });
      }
    });
    return problems;
  });
}
