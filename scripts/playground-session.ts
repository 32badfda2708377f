import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createTableDirectory } from '../src/store/directory-table';
import { parseDirectorySeed } from '../src/directory/seed-file';
import { freePort } from '../src/store/azurite-process';
import { ensureTables, openTables } from '../src/store/tables';

/*
 * Driving the Microsoft 365 Agents Playground in Chromium (playwright-core, Debian's /usr/bin/chromium): the pieces
 * `npm run docs:screenshots` uses, written as test/e2e/playground.test.ts has them, so that test can take them from
 * here too. One playground shows one person (its current user): each person gets their own, as in Teams.
 */

export const CHROMIUM = '/usr/bin/chromium';

/**
 * For a browser test's `before`: true when Debian's chromium is there. In CI its absence is an error (.ci/run
 * installs it first); elsewhere the test is skipped with a line saying how to run it.
 */
export function chromiumOrSkip(context: { skip(): void }): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} not found: in CI the browser test must run (.ci/run installs Debian's chromium first)`);
  console.warn(`    Skipped: ${CHROMIUM} not found. Install Debian's chromium (apt-get install chromium) to run the browser test.`);
  context.skip();
  return false;
}
export const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** The newest Adaptive Card on the page showing all these texts. */
export function card(page: Page, ...texts: (string | RegExp)[]): Locator {
  let cards = page.locator('.ac-adaptiveCard');
  for (const text of texts) cards = cards.filter({ hasText: text });
  return cards.last();
}

export function button(page: Page, name: string): Locator {
  return page.getByRole('button', { name, exact: true });
}

/** Picks an option of a compact choice set (a Fluent combobox: its list opens outside the card). */
export async function choose(page: Page, form: Locator, label: RegExp, option: string): Promise<void> {
  await form.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Types into the compose box (a contenteditable editor) and sends, as a person would. */
export async function say(page: Page, text: string): Promise<void> {
  const compose = page.locator('[contenteditable="true"][role="textbox"]');
  await compose.click();
  await compose.pressSequentially(text);
  await page.getByRole('button', { name: 'Send Message' }).click();
}

export async function seedExampleDirectory(root: string, connectionString: string, prefix: string): Promise<void> {
  const tables = openTables({ kind: 'connectionString', connectionString }, prefix);
  await ensureTables(tables);
  const parsed = parseDirectorySeed(JSON.parse(readFileSync(path.join(root, 'directory.example.json'), 'utf8')));
  if (!parsed.ok) throw new Error(`directory.example.json: ${parsed.problems.join('; ')}`);
  await createTableDirectory(tables.directory, 0).replaceAll(parsed.people);
}

interface PlaygroundUser { readonly name: string; readonly [field: string]: string }
interface PlaygroundConfig {
  readonly tenantId: string;
  readonly bot: { readonly id: string; readonly name: string };
  readonly currentUser: PlaygroundUser;
  readonly users: readonly PlaygroundUser[];
  readonly groupChats: readonly { readonly id: string; readonly name: string }[];
  readonly teams: readonly { readonly id: string; readonly name: string; readonly aadGroupId: string; readonly channels: readonly { readonly id: string; readonly name: string }[] }[];
}

/**
 * A playground config for another person, as the browser test writes it: the project's config read back, parsed,
 * from Alex's running playground, with `name` as the current user and a personal chat of their own (JSON is YAML).
 */
export async function writeConfigAs(playgroundUrl: string, name: string, file: string): Promise<void> {
  const response = await fetch(`${playgroundUrl}/_internal/v1/config`);
  const { config } = (await response.json()) as { config: PlaygroundConfig };
  const everyone = [config.currentUser, ...config.users];
  const me = everyone.find((user) => user.name === name);
  const [groupChat] = config.groupChats;
  const [team] = config.teams;
  if (!me || !groupChat || !team) throw new Error(`the playground config has no user "${name}", group chat or team`);
  writeFileSync(file, JSON.stringify({
    version: '0.1.1', tenantId: config.tenantId, bot: config.bot, currentUser: me, users: everyone.filter((user) => user !== me),
    personalChat: { id: `personal-chat-${name.split(' ')[0]!.toLowerCase()}` },
    groupChat: { id: groupChat.id, name: groupChat.name },
    // The playground adds the team's own General channel (id = team id) itself.
    team: { id: team.id, name: team.name, aadGroupId: team.aadGroupId, channels: team.channels.filter((c) => c.id !== team.id).map((c) => ({ id: c.id, name: c.name })) },
  }, null, 2));
}

/** Starts a playground as scripts/dev.ts does (loopback only, no browser opened, no telemetry) on a free port. */
export async function startPlayground(root: string, who: string, botUrl: string, configPath: string, cwd: string): Promise<{ url: string; child: ChildProcess }> {
  const cli = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', path.join(root, 'scripts', 'loopback-only.cjs'), cli, '-e', botUrl, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    cwd, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath, M365_AGENTS_PLAYGROUND_LOGFILE: path.join(cwd, `playground-${who}.log`) },
  });
  // It takes another port if that one is taken, and says which.
  const listening = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${who}'s playground did not start within 30 s: ${seen.slice(-500)}`)), 30_000);
    const onOutput = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Listening on (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('exit', (code) => reject(new Error(`${who}'s playground exited with code ${code}: ${seen.slice(-500)}`)));
  });
  return { url: `http://127.0.0.1:${listening}`, child };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

export function findRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'cards'))) return dir;
  }
  throw new Error('project root not found');
}
