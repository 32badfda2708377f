import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A running Azurite table service (the `azurite` npm package) on loopback, and its queue service when asked for. */
export interface AzuriteProcess {
  readonly port: number;
  /** The queue service's port (campaign fan-out), when one was started. */
  readonly queuePort?: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Keep data in this folder; without it, data lives in memory and is gone on stop. */
  readonly dataDir?: string;
  /** Also start Azurite's queue service (a second process of the same package) on this port; 0 picks a free one. */
  readonly queuePort?: number;
  /**
   * Keep the queue service's data in this folder even when the tables live in memory (the campaign benchmark). In
   * memory, Azurite gives every message its own extent, which outlives the message; its collector, once a minute,
   * removes them one by one, and LokiJS rebuilds the extents' whole index for each removal, all without yielding:
   * with thousands of messages the service stops answering for 20-45 s. On disk, messages share 64 MB extent files,
   * so there is next to nothing to collect. See bench/NOTES.md, "The campaign bench's stalls".
   */
  readonly queueDataDir?: string;
}

/**
 * Starts Azurite's table service (and its queue service, with `queuePort`) as child processes (never through npx: killing npx leaves its child
 * listening). Telemetry off, loopback only. Resolves once the port accepts connections.
 */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteProcess> {
  const port = options.port === 0 ? await freePort() : options.port;
  const table = await startService('table', port, options.dataDir);
  if (options.queuePort === undefined) return { port, stop: () => stopChild(table) };
  const queuePort = options.queuePort === 0 ? await freePort() : options.queuePort;
  const queue = await startService('queue', queuePort, options.queueDataDir ?? options.dataDir).catch(async (error: unknown) => {
    await stopChild(table);
    throw error;
  });
  return { port, queuePort, stop: async () => { await Promise.all([stopChild(queue), stopChild(table)]); } };
}

/** One of Azurite's services (`table` or `queue`: each has its own main.js and flags), on loopback. */
async function startService(service: 'table' | 'queue', port: number, dataDir: string | undefined): Promise<ChildProcess> {
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), `dist/src/${service}/main.js`);
  const args = [main, `--${service}Host`, '127.0.0.1', `--${service}Port`, String(port), '--disableTelemetry', '--silent', '--skipApiVersionCheck'];
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    args.push('--location', dataDir);
  } else {
    args.push('--inMemoryPersistence');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  await waitForPort(port, child, () => stderr);
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}: ${stderr()}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`Azurite did not open port ${port} within 20 s: ${stderr()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGINT');
  });
}
