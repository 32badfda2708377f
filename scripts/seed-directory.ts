import { readFileSync } from 'node:fs';
import { ConfigError, readConfig } from '../src/config';
import { createTableDirectory } from '../src/store/directory-table';
import { parseDirectorySeed } from '../src/directory/seed-file';
import { ensureTables } from '../src/store/tables';
import { withTables } from './storage';

/**
 * `npm run seed -- <file.json>`: replaces the staff directory with the people in the file.
 * Uses the same storage as the bot; with the embedded emulator it starts it briefly if the bot is not running.
 */
async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: npm run seed -- <directory.json>   (see directory.example.json)');
  const parsed = parseDirectorySeed(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.ok) throw new Error(`${file} has problems:\n  - ${parsed.problems.join('\n  - ')}`);
  await withTables(readConfig(process.env), async (tables) => {
    await ensureTables(tables);
    await createTableDirectory(tables.directory).replaceAll(parsed.people);
  });
  console.log(`Directory loaded: ${parsed.people.length} people from ${file}.`);
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : (error as Error).message);
  process.exit(1);
});
