import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ConfigError, readConfig } from '../src/config';
import { createTableDirectory } from '../src/directory/directory';
import { parseDirectorySeed } from '../src/directory/seed-file';
import { startAzurite } from '../src/store/azurite-process';
import { azuriteConnectionString, ensureTables, openTables } from '../src/store/tables';

/**
 * `npm run seed -- <file.json>`: replaces the staff directory with the people in the file.
 * Uses the same storage as the bot; with the embedded emulator it starts it briefly if the bot is not running.
 */
async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: npm run seed -- <directory.json>   (see directory.example.json)');
  const parsed = parseDirectorySeed(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new Error(`${file} has problems:\n  - ${parsed.problems.join('\n  - ')}`);
  const config = readConfig(process.env);
  const tablesConfig = config.tables;
  const embedded = tablesConfig.kind === 'embedded' && !(await portOpen(tablesConfig.port))
    ? await startAzurite({ port: tablesConfig.port, dataDir: tablesConfig.dataDir })
    : undefined;
  try {
    const endpoint = tablesConfig.kind === 'embedded'
      ? { kind: 'connectionString' as const, connectionString: azuriteConnectionString(tablesConfig.port) }
      : tablesConfig;
    const tables = openTables(endpoint, config.tablePrefix);
    await ensureTables(tables);
    await createTableDirectory(tables.directory).replaceAll(parsed.people);
    console.log(`Directory loaded: ${parsed.people.length} people from ${file}.`);
  } finally {
    await embedded?.stop();
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : (error as Error).message);
  process.exit(1);
});
