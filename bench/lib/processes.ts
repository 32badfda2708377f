import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from './http';

/** A node process the benchmark started (the bot or a baseline), with the tail of its output. */
export interface NodeProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Lines the process wrote (warnings and errors at LOG_LEVEL=warn), the last 200. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * Starts `node <nodeArgs> <script>` with exactly `env` (plus PATH), and waits until GET /healthz answers 200.
 * The environment is not inherited: nothing of the caller's (an app id, NODE_OPTIONS) changes what is measured.
 */
export async function startNode(name: string, script: string, options: { env: Record<string, string>; nodeArgs?: string[]; port: number }): Promise<NodeProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) output.push(line.slice(0, 2000));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}:\n${output.join('\n')}`);
    const healthy = await request(`${baseUrl}/healthz`, 'GET').then((answer) => answer.status === 200, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer /healthz within 30 s:\n${output.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name, child, baseUrl, output, stop: () => stopChild(child) };
}

/** SIGINT (the bot stops cleanly and, under --cpu-prof, writes its profile), SIGKILL after 20 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** Resident set size now and at its peak (VmHWM), in bytes, from /proc; undefined off Linux. */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; `max` is the largest sample. */
export function rssSampler(pid: number | undefined, everyMs = 200) {
  let max = memoryOf(pid)?.rss ?? Number.NaN;
  const timer = setInterval(() => {
    const rss = memoryOf(pid)?.rss;
    if (rss !== undefined && !(rss <= max)) max = rss;
  }, everyMs);
  timer.unref();
  return {
    stop(): number {
      clearInterval(timer);
      const rss = memoryOf(pid)?.rss;
      return rss !== undefined && !(rss <= max) ? rss : max;
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc; undefined off Linux. */
export function cpuMillisOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // The fields after the command name (which may hold spaces), which ends with the last ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** The pid of the process whose command line holds all of `parts` (Azurite's, which the store module does not expose). */
export function findPid(parts: readonly string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((part) => args.includes(part))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
