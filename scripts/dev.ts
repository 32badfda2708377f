import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, readConfig } from '../src/config';
import { createTableDirectory } from '../src/store/directory-table';
import { parseDirectorySeed } from '../src/directory/seed-file';
import { startBot } from '../src/index';
import { createLogger } from '../src/logger';
import { azuriteConnectionString, openTables } from '../src/store/tables';

const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);

/**
 * `npm start`: the bot on its embedded Azure Tables emulator (data kept in .data/azurite), the example
 * directory loaded on first run, and two Microsoft 365 Agents Playgrounds on loopback (one for Alex, a member of
 * staff; one for Megan, his line manager). Ctrl-C stops them all.
 */
async function main(): Promise<void> {
  const root = projectRoot();
  const config = readConfig(process.env);
  const logger = createLogger(config.logLevel);
  const bot = await startBot(config, logger);
  if (config.tables.kind === 'embedded') await seedExampleDirectoryOnce(root, config.tables.port, config.tablePrefix);
  const playgrounds = process.env.PLAYGROUND === 'off' ? [] : [
    startPlayground(root, bot.url, PLAYGROUND_PORT, '.m365agentsplayground.yml'),
    startPlayground(root, bot.url, PLAYGROUND_PORT + 1, '.m365agentsplayground.manager.yml'),
  ];
  console.log(`\n  Bot:        ${bot.url}`);
  console.log(`  Dashboard:  ${bot.url.replace(/\/api\/messages$/, '/dashboard')} (local: choose who you are at the top)`);
  console.log(playgrounds.length > 0
    ? `  Playground: open http://127.0.0.1:${PLAYGROUND_PORT} to chat as Alex Wilber (staff),\n`
      + `              and http://127.0.0.1:${PLAYGROUND_PORT + 1} as Megan Bowen, his line manager (local only)\n`
    : '  Playground: off\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the playground, the bot and the storage emulator...');
    for (const playground of playgrounds) playground.kill('SIGINT');
    await bot.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  for (const playground of playgrounds) {
    playground.on('exit', (code) => {
      if (!stopping) console.error(`A playground stopped (exit code ${code}); the bot keeps running. Ctrl-C to stop.`);
    });
  }
}

async function seedExampleDirectoryOnce(root: string, port: number, prefix: string): Promise<void> {
  const tables = openTables({ kind: 'connectionString', connectionString: azuriteConnectionString(port) }, prefix);
  const directory = createTableDirectory(tables.directory, 0);
  if ((await directory.everyone()).length > 0) return;
  const parsed = parseDirectorySeed(JSON.parse(readFileSync(path.join(root, 'directory.example.json'), 'utf8')));
  if (!parsed.ok) throw new Error(`directory.example.json: ${parsed.problems.join('; ')}`);
  await directory.replaceAll(parsed.people);
  console.log(`  Loaded the example staff directory (${parsed.people.length} people); replace it with: npm run seed -- <file.json>`);
}

function startPlayground(root: string, botUrl: string, port: number, configFile: string): ChildProcess {
  const cli = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  const preload = path.join(root, 'scripts', 'loopback-only.cjs');
  return spawn(process.execPath, ['--require', preload, cli, '-e', botUrl, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(root, configFile),
    },
  });
}

function projectRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'cards'))) return dir;
  }
  throw new Error('project root not found');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `Start-up failed: ${(error as Error).message}`);
  process.exit(1);
});
