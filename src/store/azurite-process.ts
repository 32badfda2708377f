import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A running Azurite table service (the `azurite` npm package) on loopback. */
export interface AzuriteProcess {
  readonly port: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Keep data in this folder; without it, data lives in memory and is gone on stop. */
  readonly dataDir?: string;
}

/**
 * Starts Azurite's table service as a child process (never through npx: killing npx leaves its child
 * listening). Telemetry off, loopback only. Resolves once the port accepts connections.
 */
export async function startAzurite(options: AzuriteOptions): Promise<AzuriteProcess> {
  const port = options.port === 0 ? await freePort() : options.port;
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/table/main.js');
  const args = [main, '--tableHost', '127.0.0.1', '--tablePort', String(port), '--disableTelemetry', '--silent', '--skipApiVersionCheck'];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('--location', options.dataDir);
  } else {
    args.push('--inMemoryPersistence');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  await waitForPort(port, child, () => stderr);
  return { port, stop: () => stopChild(child) };
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
