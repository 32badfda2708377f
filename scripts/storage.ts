import net from 'node:net';
import type { AppConfig } from '../src/config';
import { startAzurite } from '../src/store/azurite-process';
import { azuriteConnectionString, openTables, Tables } from '../src/store/tables';

/**
 * Runs `work` against the bot's own tables (same connection and prefix as the bot). With the embedded
 * emulator it starts Azurite for the duration when the bot is not already running it.
 */
export async function withTables<T>(config: Pick<AppConfig, 'tables' | 'tablePrefix'>, work: (tables: Tables) => Promise<T>): Promise<T> {
  const tablesConfig = config.tables;
  const embedded = tablesConfig.kind === 'embedded' && !(await portOpen(tablesConfig.port))
    ? await startAzurite({ port: tablesConfig.port, dataDir: tablesConfig.dataDir })
    : undefined;
  try {
    const endpoint = tablesConfig.kind === 'embedded'
      ? { kind: 'connectionString' as const, connectionString: azuriteConnectionString(tablesConfig.port) }
      : tablesConfig;
    return await work(openTables(endpoint, config.tablePrefix));
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
