import { randomBytes } from 'node:crypto';
import { AzuriteProcess, startAzurite } from '../../src/store/azurite-process';
import { azuriteConnectionString, ensureTables, openTables, Tables } from '../../src/store/tables';

let azurite: AzuriteProcess | undefined;

/**
 * Mocha global fixtures: one in-memory Azurite for the whole run, on a free loopback port, stopped
 * afterwards. Each test file opens its own tables under a fresh prefix, so files never see each other's rows.
 */
export async function mochaGlobalSetup(): Promise<void> {
  azurite = await startAzurite({ port: 0, queuePort: 0 });
  process.env.TEST_AZURITE_PORT = String(azurite.port);
  process.env.TEST_AZURITE_QUEUE_PORT = String(azurite.queuePort);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await azurite?.stop();
}

export function testConnectionString(): string {
  const port = Number(process.env.TEST_AZURITE_PORT);
  if (!port) throw new Error('Azurite is not running: run the tests through mocha (see .mocharc.json)');
  // The queue service too: campaigns fan out through it (test/campaign).
  return azuriteConnectionString(port, '127.0.0.1', Number(process.env.TEST_AZURITE_QUEUE_PORT) || undefined);
}

/** Fresh, empty tables for one test file or test. */
export async function freshTables(): Promise<{ tables: Tables; prefix: string }> {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, prefix);
  await ensureTables(tables);
  return { tables, prefix };
}
