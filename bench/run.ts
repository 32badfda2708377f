/**
 * `npm run bench`: where each turn's time goes, against the physical floor. See README.md, "Performance".
 *
 * Starts an in-memory Azurite, the bot from the production build (dist/src/index.js, its own process) and two
 * baseline bots (bench/baselines), and drives each over HTTP from this process with N concurrent simulated users,
 * with a Bot Connector stand-in here receiving what they send. Writes bench/results.md and bench/latency.svg.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTableDirectory } from '../src/store/directory-table';
import { freePort, startAzurite, AzuriteProcess } from '../src/store/azurite-process';
import { runCampaignBench } from './campaign';
import type { TableMetricsReport } from '../src/store/table-metrics';
import { azuriteConnectionString, ensureTables, openTables } from '../src/store/tables';
import { BenchConnector } from './lib/connector';
import { BenchUser, benchDirectory, Driver, isCardAction, STEP_LABELS, StepFailure, StepName, TurnSample, WORKFLOW_STEPS, WorkflowName } from './lib/driver';
import { closeConnections, getJson, request } from './lib/http';
import { cpuMillisOf, findPid, memoryOf, NodeProcess, rssSampler, startNode } from './lib/processes';
import { profileMarkdown, summariseProfile } from './lib/profile';
import { baselineStepFor, budgetRatio, tableCallsPerTurn, FailedRun, failedRunText, kb, latencySvg, latencyTable, LevelResult, repeatedRatios, rssRatio, spread, spreadText, stepRatios, stepStats, TARGET_LABELS, TargetName } from './lib/report';
import { SCHEDULER_CONCURRENCY } from '../src/scheduler/scheduler';
import { SchedulerResult, schedulerBench } from './lib/scheduler-bench';
import { DashboardResult, dashboardBench } from './lib/dashboard-bench';
import { linearRegression, mb, ms } from './lib/stats';

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * The node options of the bot's start command (package.json "start:bot"), so the bench measures the bot as it is
 * run: V8's old generation capped at 192 MB. Without it V8 lets the heap grow to 200 MB and more under a burst of
 * turns for 75 MB in use, and the process's RSS to 2-2.6 times baseline (b)'s (bench/NOTES.md, "Memory").
 */
const BOT_START_OPTIONS = ['--max-old-space-size=192'];

interface Options {
  readonly args: string[];
  readonly users: number[];
  /** Workflow runs per step and level, shared among the users (each runs ceil(samples / users)). */
  readonly samples: number;
  readonly iterations?: number;
  readonly quick: boolean;
  readonly profile: boolean;
  readonly workflows: WorkflowName[];
  readonly baselines: boolean;
  readonly calibration: number;
  readonly leakTurns: number;
  readonly leakEvery: number;
  readonly leakUsers: number;
  readonly timersDue: number;
  readonly timersFuture: number;
  readonly outDir: string;
  readonly waitTimeoutMs: number;
  /** Cases whose statistics the dashboard APIs are measured with (0: not measured), and requests of each. */
  readonly dashboardCases: number;
  readonly dashboardRequests: number;
  /** How many times the `repeatAt`-user level runs (baselines and bot each time), to show the noise of the machine. */
  readonly repeat: number;
  readonly repeatAt: number;
  /** Extra node options for the bot's process (measuring a V8 setting), e.g. `--max-semi-space-size=2`. */
  readonly botArgs: string[];
  /**
   * Every level on one Azurite, each after the last (`--one-azurite`), instead of each level (and each repeat) on a
   * fresh Azurite with a fresh bot. Azurite answers every query by scanning the whole table (bench/table-scan.ts), so
   * on one Azurite the later levels pay for the rows the earlier ones left: the Table service reads a partition
   * from its index, whatever the table holds.
   */
  readonly oneAzurite: boolean;
}

function parseOptions(args: string[]): Options {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const equals = arg.indexOf('=');
    const [name, inline] = equals < 0 ? [arg.slice(2), undefined] : [arg.slice(2, equals), arg.slice(equals + 1)];
    const next = args[i + 1];
    if (inline !== undefined) flags.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) flags.set(name, (i++, next));
    else flags.set(name, true);
  }
  const known = ['users', 'samples', 'iterations', 'quick', 'profile', 'workflows', 'no-baselines', 'calibration', 'leak-turns', 'leak-every',
    'leak-users', 'no-leak', 'timers', 'no-scheduler', 'out', 'help', 'dashboard-cases', 'dashboard-requests', 'no-dashboard', 'repeat', 'repeat-at', 'bot-args', 'one-azurite'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name} (known: ${known.map((k) => `--${k}`).join(' ')})`);
  if (flags.has('help')) {
    console.log(`npm run bench -- [--quick] [--users 1,8,32] [--samples 200 | --iterations N] [--workflows ar,ainm,td,cp,sc,ir] [--profile]
  [--no-baselines] [--calibration 5] [--leak-turns 10000] [--leak-every 1000] [--leak-users 8] [--no-leak]
  [--timers 10000] [--no-scheduler] [--dashboard-cases 100000] [--dashboard-requests 300] [--no-dashboard] [--out bench] [--repeat 3] [--repeat-at 8] [--bot-args=--max-semi-space-size=2,...] [--one-azurite]`);
    process.exit(0);
  }
  const quick = flags.has('quick');
  const number = (name: string, fallback: number) => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
    return value;
  };
  const users = String(flags.get('users') ?? (quick ? '1,4' : '1,8,32')).split(',').map(Number);
  if (users.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--users must be like 1,8,32');
  const workflows = String(flags.get('workflows') ?? Object.keys(WORKFLOW_STEPS).join(',')).split(',') as WorkflowName[];
  if (workflows.some((name) => !(name in WORKFLOW_STEPS))) throw new Error(`--workflows must be some of ${Object.keys(WORKFLOW_STEPS).join(',')}`);
  const timers = number('timers', quick ? 500 : 10_000);
  const profile = flags.has('profile');
  return {
    args, users, quick, profile, workflows,
    samples: number('samples', quick ? 12 : 200),
    ...(flags.has('iterations') ? { iterations: number('iterations', 1) } : {}),
    baselines: !flags.has('no-baselines'),
    calibration: Math.max(2, number('calibration', quick ? 2 : 5)),
    leakTurns: flags.has('no-leak') ? 0 : number('leak-turns', quick ? 600 : 10_000),
    leakEvery: number('leak-every', quick ? 100 : 1_000),
    leakUsers: number('leak-users', quick ? 4 : 8),
    timersDue: flags.has('no-scheduler') ? 0 : timers,
    timersFuture: flags.has('no-scheduler') ? 0 : timers,
    outDir: path.resolve(ROOT, String(flags.get('out') ?? (quick ? 'test-results/bench-quick' : 'bench'))),
    waitTimeoutMs: 10_000,
    dashboardCases: flags.has('no-dashboard') ? 0 : number('dashboard-cases', quick ? 10_000 : 100_000),
    dashboardRequests: Math.max(10, number('dashboard-requests', quick ? 50 : 300)),
    repeat: Math.max(1, number('repeat', quick ? 1 : 3)),
    repeatAt: number('repeat-at', 8),
    botArgs: typeof flags.get('bot-args') === 'string' ? String(flags.get('bot-args')).split(',').filter(Boolean) : [],
    oneAzurite: flags.has('one-azurite'),
  };
}

/** The bot must be the current production build: dist/src/index.js newer than every source file. */
function checkBuild(): string {
  const entry = path.join(ROOT, 'dist', 'src', 'index.js');
  if (!existsSync(entry)) throw new Error('dist/src/index.js is missing: run `npm run build` (npm run bench does)');
  const built = statSync(entry).mtimeMs;
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((latest, item) => {
    const full = path.join(dir, item.name);
    return Math.max(latest, item.isDirectory() ? newest(full) : item.name.endsWith('.ts') ? statSync(full).mtimeMs : 0);
  }, 0);
  if (existsSync(path.join(ROOT, 'src')) && newest(path.join(ROOT, 'src')) > built + 1000) throw new Error('src/ changed after the last build: run `npm run build` (npm run bench does)');
  return entry;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}`,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
  };
}
const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(', ');

class Bench {
  private azurite?: AzuriteProcess;
  private readonly connector = new BenchConnector();
  private readonly processes: NodeProcess[] = [];
  private bot?: NodeProcess;
  private readonly targets = new Map<TargetName, { process: NodeProcess; driver: Driver }>();
  private sink: (sample: TurnSample) => void = () => undefined;
  private readonly expectedCalls = new Map<StepName, number>();
  private users: BenchUser[] = [];
  private connectionString = '';
  private profileDir = '';
  private azuritePid: number | undefined;
  private botEntry = '';
  /** What the bots stopped by `fresh` printed. */
  private readonly earlierBotOutput: string[] = [];

  constructor(private readonly options: Options) {}

  async start(botEntry: string): Promise<void> {
    this.botEntry = botEntry;
    await this.connector.start();
    await this.startServices();
  }

  /**
   * Stops Azurite, the bot and the baselines, and starts them again on empty tables: the next level does not pay for
   * the rows the levels before it left (Azurite scans a whole table for every query; see `Options.oneAzurite`).
   */
  async fresh(): Promise<void> {
    this.earlierBotOutput.push(...(this.bot?.output ?? []));
    for (const child of this.processes) await child.stop().catch(() => undefined);
    this.processes.length = 0;
    this.targets.clear();
    await this.azurite?.stop();
    closeConnections();
    await this.startServices();
  }

  /** Azurite, the directory, the bot and the baselines, the users' apps installed: what every level starts from. */
  private async startServices(): Promise<void> {
    const botEntry = this.botEntry;
    this.azurite = await startAzurite({ port: 0 });
    this.azuritePid = findPid(['--tablePort', String(this.azurite.port)]);
    this.connectionString = azuriteConnectionString(this.azurite.port);

    const pairs = Math.max(...this.options.users, this.options.leakTurns > 0 ? this.options.leakUsers : 1);
    const directory = benchDirectory(pairs);
    this.users = directory.users;
    const prefix = `b${randomBytes(4).toString('hex')}`;
    const tables = openTables({ kind: 'connectionString', connectionString: this.connectionString }, prefix);
    await ensureTables(tables);
    await createTableDirectory(tables.directory).replaceAll(directory.people);

    const botPort = await freePort();
    this.profileDir = path.join(ROOT, 'bench', 'profiles');
    if (this.options.profile) mkdirSync(this.profileDir, { recursive: true });
    this.bot = await startNode('bot', botEntry, {
      port: botPort,
      nodeArgs: ['--disable-warning=DEP0111', '--expose-gc', ...BOT_START_OPTIONS, ...this.options.botArgs, ...(this.options.profile ? ['--cpu-prof', '--cpu-prof-dir', this.profileDir] : [])],
      env: {
        AZURE_TABLES_CONNECTION_STRING: this.connectionString, TABLE_PREFIX: prefix, HOST: '127.0.0.1', PORT: String(botPort),
        BENCH_METRICS: '1', BENCH_CONNECTOR_PACING: 'off', LOG_LEVEL: 'warn',
      },
    });
    this.processes.push(this.bot);
    this.targets.set('bot', { process: this.bot, driver: this.driver(this.bot.baseUrl) });
    if (this.options.baselines) {
      for (const [name, script] of [['echo', 'echo.js'], ['table-turn', 'table-turn.js'], ['budget-turn', 'budget-turn.js']] as const) {
        const port = await freePort();
        const baseline = await startNode(name, path.join(ROOT, 'dist', 'bench', 'baselines', script), {
          port, nodeArgs: ['--disable-warning=DEP0111'],
          env: { PORT: String(port), AZURE_TABLES_CONNECTION_STRING: this.connectionString, TABLE_PREFIX: `${prefix}base` },
        });
        this.processes.push(baseline);
        this.targets.set(name, { process: baseline, driver: this.driver(baseline.baseUrl) });
      }
    }
    for (const child of this.processes) if (!this.startRss.has(child.name)) this.startRss.set(child.name, memoryOf(child.child.pid)?.rss ?? Number.NaN);
    const driver = this.targets.get('bot')!.driver;
    await inParallel(directory.people, 8, (person) => driver.install(person));
    if (this.options.workflows.includes('ir')) {
      // Before any measurement (the sink drops these steps' samples): the open post each user's question is asked from.
      this.users = await mapInParallel(this.users, 8, (user) => driver.logPostToAskAbout(user));
    }
  }

  private driver(botUrl: string, around?: ConstructorParameters<typeof Driver>[0]['around']): Driver {
    return new Driver({
      botUrl, connector: this.connector, expectedCalls: this.expectedCalls, waitTimeoutMs: this.options.waitTimeoutMs,
      onSample: (sample) => this.sink(sample), ...(around ? { around } : {}),
    });
  }

  private metricsUrl(suffix = ''): string {
    return `${this.bot!.baseUrl}/debug/metrics${suffix}`;
  }

  private async resetMetrics(): Promise<void> {
    const answer = await request(this.metricsUrl('/reset'), 'POST');
    if (answer.status !== 204) throw new Error(`metrics reset answered ${answer.status}: is BENCH_METRICS on?`);
  }

  /** Waits until the bot has made no table call for 150 ms (its background work for the step is done). */
  private async quietMetrics(): Promise<TableMetricsReport> {
    let last = await getJson<TableMetricsReport>(this.metricsUrl());
    for (let quiet = 0, tries = 0; quiet < 3 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = await getJson<TableMetricsReport>(this.metricsUrl());
      quiet = now.roundTrips === last.roundTrips ? quiet + 1 : 0;
      last = now;
    }
    return last;
  }

  /**
   * One user, one step at a time, `calibration` runs of each workflow: counts each step's table calls (on the
   * turn, i.e. before its response was written, and in all until the bot is quiet) and its connector calls, which
   * the measured runs then wait for. The first run is cold (caches fill) and only warms up.
   */
  async calibrate(): Promise<CalibrationResult> {
    type Entry = { turn: TableMetricsReport['lastRequest'][]; total: TableMetricsReport[]; connector: number[] };
    const perStep = new Map<StepName, Entry>();
    const entryOf = (step: StepName): Entry => {
      const entry = perStep.get(step) ?? { turn: [], total: [], connector: [] };
      perStep.set(step, entry);
      return entry;
    };
    const driver = this.driver(this.bot!.baseUrl, {
      before: async () => this.resetMetrics(),
      after: async (step) => {
        const report = await this.quietMetrics();
        entryOf(step).turn.push(report.lastRequest);
        entryOf(step).total.push(report);
      },
    });
    // Without expectations the driver waits for the connector to fall silent after each step.
    this.expectedCalls.clear();
    this.sink = (sample) => entryOf(sample.step).connector.push(sample.calls);
    try {
      for (let run = 0; run < this.options.calibration; run++) {
        for (const workflow of this.options.workflows) await driver.workflow(workflow, this.users[0]!);
      }
    } finally {
      this.sink = () => undefined;
    }
    const steps: CalibrationResult['steps'] = [];
    // The baselines answer a message with one card and a card action with none, by construction.
    this.expectedCalls.set('base.message', 1);
    this.expectedCalls.set('base.invoke', 0);
    for (const [step, entry] of perStep) {
      const warmTotals = entry.total.slice(1);
      const warmTurns = entry.turn.slice(1);
      const totals = warmTotals.map((report) => report.roundTrips);
      const typical = mode(totals);
      const index = totals.indexOf(typical);
      const connectorCalls = mode(entry.connector.slice(1));
      this.expectedCalls.set(step, connectorCalls);
      steps.push({
        step, turnRoundTrips: mode(warmTurns.map((report) => report?.roundTrips ?? 0)), totalRoundTrips: typical,
        range: [Math.min(...totals), Math.max(...totals)], turnCalls: warmTurns[index]?.calls ?? {}, totalCalls: warmTotals[index]?.calls ?? {}, connectorCalls,
      });
    }
    return { steps };
  }

  /** Runs `users` concurrent users against a target until each has done its share; collects every turn. */
  async level(target: TargetName, users: number, options: { turnsCap?: number; onTurn?: (turns: number) => void; run?: number } = {}): Promise<LevelResult> {
    const { process: child, driver } = this.targets.get(target)!;
    const samples = new Map<StepName, TurnSample[]>();
    let turns = 0;
    const run = options.run ?? 0;
    const failures: FailedRun[] = [];
    const failed = (workflow: string) => (error: unknown) => {
      const failure: FailedRun = { users, run, target, workflow, step: error instanceof StepFailure ? error.step : '(unknown)', error: describe(error) };
      failures.push(failure);
      console.error(`[bench] workflow run failed: ${failedRunText(failure)}`);
    };
    this.sink = (sample) => {
      const list = samples.get(sample.step);
      if (list) list.push(sample);
      else samples.set(sample.step, [sample]);
      turns++;
      options.onTurn?.(turns);
    };
    if (target === 'bot') await this.resetMetrics();
    const iterations = this.options.iterations ?? Math.ceil(this.options.samples / users);
    const sampler = rssSampler(child.child.pid);
    const cpuBefore = { target: cpuMillisOf(child.child.pid), azurite: cpuMillisOf(this.azuritePid), driver: process.cpuUsage() };
    const started = performance.now();
    await Promise.all(this.users.slice(0, users).map(async (user) => {
      for (let i = 0; options.turnsCap !== undefined ? turns < options.turnsCap : i < iterations; i++) {
        if (target !== 'bot') {
          await driver.baselineTurns(user, i).catch(failed('baseline'));
          continue;
        }
        // Each user starts at a different workflow, so the steps mix at every moment.
        for (let w = 0; w < this.options.workflows.length; w++) {
          const workflow = this.options.workflows[(w + user.index) % this.options.workflows.length]!;
          await driver.workflow(workflow, user).catch(failed(workflow));
        }
      }
    }));
    const wallMillis = performance.now() - started;
    const driverCpu = process.cpuUsage(cpuBefore.driver);
    const cpu = {
      target: (cpuMillisOf(child.child.pid) ?? Number.NaN) - (cpuBefore.target ?? Number.NaN),
      azurite: (cpuMillisOf(this.azuritePid) ?? Number.NaN) - (cpuBefore.azurite ?? Number.NaN),
      driver: (driverCpu.user + driverCpu.system) / 1000,
    };
    const peakRss = sampler.stop();
    const metrics = target === 'bot' ? await this.quietMetrics() : undefined;
    this.sink = () => undefined;
    return {
      target, users, samples, wallMillis, turns, peakRss, ...(metrics ? { roundTrips: metrics.roundTrips, tableCalls: metrics.calls } : {}),
      failures: failures.length, failedRuns: failures, run, cpu,
    };
  }

  /** 10,000 turns (by default) of the workflow mix, the bot's memory sampled (after a full GC) every 1,000. */
  async leakCheck(): Promise<LeakResult> {
    const series: LeakResult['series'] = [];
    const sample = async (turns: number) => {
      const report = await getJson<TableMetricsReport>(this.metricsUrl('?gc=1'));
      series.push({
        turns, rss: memoryOf(this.bot!.child.pid)?.rss ?? report.memory.rss, heapTotal: report.memory.heapTotal, heapUsed: report.memory.heapUsed, external: report.memory.external,
        at: performance.now(), botCpu: cpuMillisOf(this.bot!.child.pid) ?? Number.NaN, azuriteCpu: cpuMillisOf(this.azuritePid) ?? Number.NaN,
        roundTrips: report.roundTrips,
      });
    };
    await sample(0);
    const pending: Promise<void>[] = [];
    let nextMark = this.options.leakEvery;
    const level = await this.level('bot', this.options.leakUsers, {
      turnsCap: this.options.leakTurns,
      onTurn: (turns) => {
        if (turns >= nextMark) {
          pending.push(sample(nextMark));
          nextMark += this.options.leakEvery;
        }
      },
    });
    await Promise.all(pending);
    // A last sample unless the run ended right after one.
    if (level.turns - (nextMark - this.options.leakEvery) >= this.options.leakEvery / 2) await sample(level.turns);
    const after = series.filter((point) => point.turns > 0);
    const fit = (pick: (point: LeakResult['series'][number]) => number) => linearRegression(after.map((point) => ({ x: point.turns / 1000, y: pick(point) / 1024 / 1024 })));
    return { level, series, rssFit: fit((point) => point.rss), heapFit: fit((point) => point.heapUsed), peak: memoryOf(this.bot!.child.pid)?.peak ?? Number.NaN };
  }

  /** The scheduler, and the one-timer-at-a-time way it fired before (for the ratio), each on its own fresh table. */
  async schedulerCheck(): Promise<SchedulerResult & { oneByOne: SchedulerResult }> {
    const oneByOne = await schedulerBench(this.connectionString, this.options.timersDue, this.options.timersFuture, 'one-by-one');
    return { ...await schedulerBench(this.connectionString, this.options.timersDue, this.options.timersFuture), oneByOne };
  }

  async dashboardCheck(): Promise<DashboardResult> {
    return dashboardBench(this.connectionString, this.options.dashboardCases, this.options.dashboardRequests);
  }

  /** What the bot printed: each level's bot, when each level had its own. */
  botOutput(): string[] {
    return [...this.earlierBotOutput, ...(this.bot?.output ?? [])];
  }

  /** RSS of each process right after it started and answered /healthz, before any turn. */
  readonly startRss = new Map<string, number>();

  botPeakRss(): number {
    return memoryOf(this.bot?.child.pid)?.peak ?? Number.NaN;
  }

  async stop(): Promise<string | undefined> {
    for (const child of this.processes) await child.stop().catch(() => undefined);
    await this.connector.stop();
    await this.azurite?.stop();
    closeConnections();
    if (!this.options.profile) return undefined;
    const profiles = readdirSync(this.profileDir).filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => path.join(this.profileDir, name)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    return profiles[0];
  }

}

interface CalibrationResult {
  readonly steps: {
    step: StepName; turnRoundTrips: number; totalRoundTrips: number; range: [number, number];
    turnCalls: Record<string, Record<string, number>>; totalCalls: Record<string, Record<string, number>>; connectorCalls: number;
  }[];
}

interface LeakResult {
  readonly level: LevelResult;
  readonly series: {
    turns: number; rss: number; heapTotal: number; heapUsed: number; external: number; at: number; botCpu: number; azuriteCpu: number;
    /** Table round trips counted since the leak check began (the counters are reset when it starts). */
    roundTrips: number;
  }[];
  readonly rssFit: { slope: number; intercept: number; r2: number };
  readonly heapFit: { slope: number; intercept: number; r2: number };
  readonly peak: number;
}

function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? Number.NaN;
}

function describe(error: unknown): string {
  return error instanceof StepFailure ? error.detail : `${(error as Error).name}: ${String((error as Error).message).slice(0, 300)}`;
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function mapInParallel<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  await inParallel([...items.keys()], width, async (index) => {
    results[index] = await work(items[index]!);
  });
  return results;
}

const callsText = (calls: Record<string, Record<string, number>>) => Object.entries(calls)
  .map(([table, methods]) => `${table}: ${Object.entries(methods).filter(([method]) => method !== 'listEntities').map(([method, n]) => `${method}${n > 1 ? ` ×${n}` : ''}`).join(', ')}`)
  .join('; ');

async function main(): Promise<void> {
  // A policy campaign through two instances, one killed half-way (bench/campaign.ts): a scenario of its own.
  if (process.argv.includes('--campaign')) return runCampaignBench(process.argv.slice(2).filter((arg) => arg !== '--campaign'));
  const options = parseOptions(process.argv.slice(2));
  const command = `npm run bench${options.args.length > 0 ? ` -- ${options.args.join(' ')}` : ''}`;
  const loadAtStart = loadAverage();
  const startedAt = new Date();
  const botEntry = checkBuild();
  const bench = new Bench(options);
  const log = (text: string) => console.log(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)} s] ${text}`);
  process.once('SIGINT', () => void bench.stop().finally(() => process.exit(130)));

  log(`starting Azurite, the bot (${path.relative(ROOT, botEntry)})${options.baselines ? ' and the baselines' : ''}; load average ${loadAtStart}`);
  await bench.start(botEntry);
  const levels: LevelResult[] = [];
  let calibration: CalibrationResult | undefined;
  let leak: LeakResult | undefined;
  let dashboard: DashboardResult | undefined;
  let scheduler: (SchedulerResult & { oneByOne: SchedulerResult }) | undefined;
  let profileFile: string | undefined;
  try {
    log(`calibrating: ${options.calibration} runs of each workflow, one user, one step at a time`);
    calibration = await bench.calibrate();
    for (const users of options.users) {
      const targets: TargetName[] = options.baselines ? ['echo', 'table-turn', 'budget-turn', 'bot'] : ['bot'];
      // The repeated level runs the baselines and the bot again each time, so each run's ratios are of one moment.
      for (let run = 0; run < (users === options.repeatAt ? options.repeat : 1); run++) {
        if (!options.oneAzurite) await bench.fresh();
        for (const target of targets) {
          const level = await bench.level(target, users, { run });
          levels.push(level);
          const worst = stepStats(level).reduce((a, b) => (b.response.p99 > a.response.p99 ? b : a));
          log(`${TARGET_LABELS[target]}, ${users} users${run > 0 ? ` (repeat ${run + 1})` : ''}: ${level.turns} turns in ${(level.wallMillis / 1000).toFixed(1)} s; slowest p99 ${ms(worst.response.p99)} ms (${worst.step}); ${level.failures} failures`);
          for (const failure of level.failedRuns) log(`  failed: ${failedRunText(failure)}`);
          if (level.tableCalls) log(`  table round trips per turn: ${tableCallsPerTurn(level.tableCalls, level.turns)}`);
        }
      }
    }
    if (options.leakTurns > 0) {
      log(`leak check: ${options.leakTurns} turns, ${options.leakUsers} users, memory sampled every ${options.leakEvery}`);
      if (!options.oneAzurite) await bench.fresh();
      leak = await bench.leakCheck();
      log(`leak check: RSS ${mb(leak.series.at(-1)!.rss)} MB at the end, slope ${leak.rssFit.slope.toFixed(2)} MB per 1,000 turns`);
    }
    if (options.timersDue > 0) {
      log(`scheduler: ${options.timersDue} due timers, ${options.timersFuture} future ones`);
      scheduler = await bench.schedulerCheck();
      log(`scheduler: fired ${scheduler.first.report.fired} in ${(scheduler.first.millis / 1000).toFixed(1)} s with ${scheduler.first.roundTrips} table round trips; one by one (as before): ${(scheduler.oneByOne.first.millis / 1000).toFixed(1)} s, ${scheduler.oneByOne.first.roundTrips} round trips`);
    }
    if (options.dashboardCases > 0) {
      log(`dashboard: ${options.dashboardCases} cases' statistics, ${options.dashboardRequests} requests of each API`);
      dashboard = await bench.dashboardCheck();
      log(`dashboard: overview p99 ${ms(dashboard.overview.p99)} ms, service levels p99 ${ms(dashboard.serviceLevels.p99)} ms; one table query p99 ${ms(dashboard.floor.p99)} ms`);
      log(`dashboard: AINM register page p99 ${ms(dashboard.register.p99)} ms (${dashboard.register.roundTrips.toFixed(1)} round trips), open first ${ms(dashboard.registerSorted.p99)} ms (${dashboard.registerSorted.roundTrips.toFixed(1)}); one table page of 25 summaries p99 ${ms(dashboard.register.floor.p99)} ms`);
    }
  } finally {
    profileFile = await bench.stop();
  }
  const loadAtEnd = loadAverage();

  const profile = profileFile ? summariseProfile(profileFile) : undefined;
  mkdirSync(options.outDir, { recursive: true });
  const resultsName = options.profile ? 'results-profile.md' : 'results.md';
  if (profile) {
    const text = profileMarkdown(profile);
    writeFileSync(path.join(options.outDir, 'profile.md'), `# CPU profile of the bot\n\nCommand: \`${command}\`\n\n${text}\n`);
    console.log(`\n${text}\n`);
  }
  const report = renderResults({
    options, command, startedAt, loadAtStart, loadAtEnd, levels, calibration, leak, scheduler, dashboard, botOutput: bench.botOutput(),
    botPeakRss: bench.botPeakRss(), startRss: bench.startRss, profile: profile ? profileMarkdown(profile) : undefined,
  });
  writeFileSync(path.join(options.outDir, resultsName), report);
  if (!options.profile) writeFileSync(path.join(options.outDir, 'latency.svg'), latencySvg(levels.filter((level) => level.run === 0), 'p99 turn latency vs concurrent users — the bot against the baselines'));
  log(`wrote ${path.relative(ROOT, path.join(options.outDir, resultsName))}${options.profile ? '' : ' and latency.svg'}`);
  const failedRuns = [...levels.flatMap((level) => level.failedRuns), ...(leak?.level.failedRuns ?? [])];
  if (failedRuns.length > 0) {
    console.error(`${failedRuns.length} workflow runs failed:`);
    for (const failure of failedRuns) console.error(`  ${failedRunText(failure)}`);
    process.exitCode = 1;
  }
}

interface RenderInput {
  readonly options: Options;
  readonly command: string;
  readonly startedAt: Date;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  readonly levels: LevelResult[];
  readonly calibration?: CalibrationResult;
  readonly leak?: LeakResult;
  readonly scheduler?: SchedulerResult & { oneByOne: SchedulerResult };
  readonly dashboard?: DashboardResult;
  readonly botOutput: string[];
  readonly botPeakRss: number;
  readonly startRss: ReadonlyMap<string, number>;
  readonly profile?: string;
}

function renderResults(input: RenderInput): string {
  const { options, levels, calibration, leak, scheduler, dashboard } = input;
  const info = machine();
  const out: string[] = [
    '# Benchmark results',
    '',
    `Made by \`${input.command}\` on ${input.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. ${options.quick ? '**Quick smoke run: too few turns for the percentiles to mean much.**' : ''}`,
    '',
    `Machine: ${info.cpu}, ${info.memory}, ${info.os}, Node.js ${info.node}. Load average (1, 5, 15 min) at the start ${input.loadAtStart}, at the end ${input.loadAtEnd}` +
      ' (the bot, Azurite, the baselines and the driver share these CPUs).',
    '',
    'Set-up: an in-memory Azurite; the bot from the production build (`node dist/src/index.js`, its own process) with `BENCH_METRICS=1`,' +
      ' `LOG_LEVEL=warn` and `BENCH_CONNECTOR_PACING=off` (simulated users click without pause, so Teams\' per-conversation pacing' +
      ' of 8 sends per 2 s would otherwise set every time "to the last connector call"); the three baselines (bench/baselines) on the same' +
      ' restify + teams-ai TeamsAdapter + Application stack ((c) makes the 6 table round trips a turn that the round-trip target allows a transition, and nothing else); the driver and its Bot Connector stand-in in a third process.' +
      ` Each level runs ${options.iterations ? `${options.iterations} iterations per user` : `${options.samples} runs of each workflow, shared among the users`};` +
      ' each user goes through the workflows one step after the other, clicking on the card the bot sent (a step waits for the connector calls it causes).' +
      (options.oneAzurite
        ? ' Every level ran on the same Azurite, after the levels before it (`--one-azurite`): later levels pay for the rows earlier ones left, since Azurite scans a whole table for every query (bench/table-scan.ts).'
        : ' Each level (and each repeat) started from a fresh Azurite, bot and baselines, on empty tables: Azurite scans a whole table for every query (bench/table-scan.ts), where the Table service reads a partition from its index, so on one Azurite a later level would pay for the rows the earlier ones left.'),
    '',
    'Times are milliseconds from sending the activity to reading the HTTP response, and to the last Bot Connector call the step caused' +
      ' (the manager\'s card, the in-place updates of the other copies, the requester told). Ratios divide by baseline (b) at the same' +
      ' concurrency: card actions by its card action, typed messages by its message (whose "last call" is its card reply).',
    '',
  ];

  out.push('## Targets', '',
    `Ratios to baseline (b) at the same concurrency, in the same run. The ${options.repeatAt}-user level ran ${options.repeat} times` +
    ' (the baselines and the bot each time): where it did, a ratio is the median of the runs with the smallest and largest in brackets.', '');
  const runsAt = (users: number) => [...new Set(levels.filter((level) => level.users === users).map((level) => level.run))].sort((a, b) => a - b);
  const worstOf = (users: number, which: 'p99' | 'lastCallP99') => {
    const perRun = runsAt(users).map((run) => stepRatios(levels, users, run)).filter((ratios): ratios is NonNullable<typeof ratios> => ratios !== undefined);
    const worst = perRun.map((ratios) => [...ratios].filter(([step]) => isCardAction(step)).reduce<[StepName, number] | undefined>(
      (a, [step, value]) => (!a || value[which] > a[1] ? [step, value[which]] : a), undefined));
    return { value: spread(worst.map((entry) => entry?.[1] ?? Number.NaN)), steps: [...new Set(worst.flatMap((entry) => (entry ? [entry[0]] : [])))] };
  };
  const cardMax = Math.max(0, ...levels.filter((level) => level.target === 'bot').flatMap((level) => stepStats(level).map((stats) => stats.cardBytesMax)));
  const transitions = calibration?.steps.filter((step) => isCardAction(step.step)) ?? [];
  const maxTotalTrips = Math.max(0, ...transitions.map((step) => step.totalRoundTrips));
  const rows: string[] = ['| target | measured | met? |', '|---|---|---|'];
  const userLevels = [...new Set(levels.map((level) => level.users))].sort((a, b) => a - b);
  if (options.baselines && userLevels.includes(8)) {
    const last = worstOf(8, 'lastCallP99');
    rows.push(`| last-call p99 of card actions at 8 users within 2× (b) | slowest to its last connector call: ${last.steps.join(', ')} at ${spreadText(last.value)} | ${last.value.median <= 2 ? 'yes' : 'no'} |`);
  }
  for (const users of userLevels.filter((n) => n === 8 || n === 32)) {
    if (!options.baselines) break;
    const response = worstOf(users, 'p99');
    rows.push(`| card-action p99 at ${users} users within 1.3× (b) | slowest card action ${response.steps.join(', ')}: ${spreadText(response.value)} | ${response.value.median <= 1.3 ? 'yes' : 'no'} |`);
    const budget = spread(runsAt(users).map((run) => budgetRatio(levels, users, run)));
    rows.push(`| (a yardstick, not a target) card-action p99 at ${users} users of baseline (c), which makes the 6 round trips the target allows a transition and nothing else | (c) ÷ (b): ${spreadText(budget)} | – |`);
  }
  if (transitions.length > 0) {
    rows.push(`| at most 6 table round trips per transition, in all | in all (the turn and its background effects): ${transitions.map((step) => `${step.step} ${step.totalRoundTrips}`).join(', ')}; on the turn: ${transitions.map((step) => `${step.step} ${step.turnRoundTrips}`).join(', ')} | ${maxTotalTrips <= 6 ? 'yes' : `no (${transitions.filter((step) => step.totalRoundTrips > 6).length} of ${transitions.length} over)`} |`);
  }
  if (options.baselines) {
    for (const users of userLevels) {
      const ratio = spread(runsAt(users).map((run) => rssRatio(levels, users, run)));
      const bot = levels.filter((level) => level.users === users && level.target === 'bot').map((level) => mb(level.peakRss)).join(', ');
      const base = levels.filter((level) => level.users === users && level.target === 'table-turn').map((level) => mb(level.peakRss)).join(', ');
      rows.push(`| peak RSS within 1.5× (b), ${users} user${users === 1 ? '' : 's'} | the bot ${bot} MB, (b) ${base} MB: ${spreadText(ratio)} | ${ratio.median <= 1.5 ? 'yes' : 'no'} |`);
    }
  }
  rows.push(`| no step's card over 28 KB | largest card ${kb(cardMax)} KB | ${cardMax <= 28 * 1024 ? 'yes' : 'no'} |`);
  if (leak) {
    const end = leak.series.at(-1)!;
    const growing = leak.heapFit.slope > 0.25 && leak.heapFit.r2 > 0.5;
    rows.push(`| no growth trend over ${leak.level.turns} turns | RSS ${mb(end.rss)} MB at the end (peak ${mb(leak.peak)} MB); slope after each full GC: heap ${leak.heapFit.slope.toFixed(3)} MB per 1,000 turns (r² ${leak.heapFit.r2.toFixed(2)}), RSS ${leak.rssFit.slope.toFixed(2)} MB per 1,000 turns | ${!growing ? 'yes' : 'no'} |`);
  }
  if (scheduler) {
    const rate = (result: SchedulerResult) => result.first.report.fired / (result.first.millis / 1000);
    const speedup = rate(scheduler) / rate(scheduler.oneByOne);
    rows.push(`| scheduler at least 5× the one-timer-at-a-time rate | ${scheduler.first.report.fired} timers in ${(scheduler.first.millis / 1000).toFixed(1)} s (${rate(scheduler).toFixed(0)} a second, ${scheduler.first.roundTrips} round trips) against ${(scheduler.oneByOne.first.millis / 1000).toFixed(1)} s one by one (${rate(scheduler.oneByOne).toFixed(0)} a second, ${scheduler.oneByOne.first.roundTrips} round trips): ${speedup.toFixed(1)}× | ${speedup >= 5 ? 'yes' : 'no'} |`);
    rows.push(`| scheduler reads only due rows | ${scheduler.first.report.fired} of ${scheduler.due} due fired, ${scheduler.futureStillPending} of ${scheduler.future} future untouched; queries named only the partitions ${summariseDays(scheduler.first.partitionsQueried)}, ${scheduler.first.scans} scans | ${scheduler.first.scans === 0 && scheduler.futureStillPending === scheduler.future && scheduler.first.report.fired === scheduler.due ? 'yes' : 'no'} |`);
  }
  const failedRuns = [...levels.flatMap((level) => level.failedRuns), ...(leak?.level.failedRuns ?? [])];
  rows.push(`| every workflow run completes | ${failedRuns.length === 0 ? 'no run failed' : `${failedRuns.length} failed: see "Failed workflow runs"`} | ${failedRuns.length === 0 ? 'yes' : 'no'} |`);
  if (dashboard) {
    const worst = Math.max(dashboard.overview.p99, dashboard.serviceLevels.p99);
    rows.push(`| dashboard APIs read a few dozen rows, not every case | ${dashboard.cases} cases: overview ${dashboard.overview.rowsRead} counter rows, service levels ${dashboard.serviceLevels.rowsRead}; p99 ${ms(dashboard.overview.p99)} / ${ms(dashboard.serviceLevels.p99)} ms = ${(worst / dashboard.floor.p99).toFixed(1)}× one table query (${ms(dashboard.floor.p99)} ms) | ${dashboard.overview.rowsRead + dashboard.serviceLevels.rowsRead <= 200 ? 'yes' : 'no'} |`);
  }
  out.push(...rows, '');
  if (failedRuns.length > 0) {
    out.push('## Failed workflow runs', '', '| level | target | workflow | step | error |', '|---|---|---|---|---|',
      ...failedRuns.map((failure) => `| ${failure.users} users${failure.run > 0 ? ` (repeat ${failure.run + 1})` : ''} | ${TARGET_LABELS[failure.target]} | ${failure.workflow} | ${failure.step} | ${failure.error.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\n/g, ' ')} |`), '');
  }

  for (const users of options.users) {
    out.push(`## ${users} concurrent user${users === 1 ? '' : 's'}`, '',
      ...latencyTable(levels, users), '');
    const repeats = new Set(levels.filter((level) => level.users === users).map((level) => level.run)).size;
    if (repeats > 1) {
      out.push(`This level ran ${repeats} times; the table above is the first run. Each step's ratios to baseline (b) over the ${repeats} runs, each against its own run's (b): median (smallest–largest).`, '',
        '| step | p50 ÷ (b) | p99 ÷ (b) | last-call p99 ÷ (b) |', '|---|---:|---:|---:|',
        ...repeatedRatios(levels, users).map((row) => `| ${STEP_LABELS[row.step]} | ${spreadText(row.p50)} | ${spreadText(row.p99)} | ${spreadText(row.lastCallP99)} |`),
        `| peak RSS of the bot ÷ (b) | | ${spreadText(spread([...Array(repeats).keys()].map((run) => rssRatio(levels, users, run))))} | |`, '');
    }
  }
  out.push('![p99 latency against concurrent users](latency.svg)', '');

  if (calibration) {
    out.push('## Table calls per step', '',
      'Counted in the bot by the wrapper around its table clients (`BENCH_METRICS=1`), one user, one step at a time, after a warm-up run:' +
      ' "on the turn" between the request arriving and its response being written, "in all" until the bot made no call for 150 ms' +
      ' (the effect relay\'s background work: card updates, notifications, inbox rows, timers, outbox clean-up). The background relay' +
      ' starts as soon as the transition is committed, so its first read (`cases getEntity` of the snapshot) is issued before the response' +
      ' is written and is counted on the turn. A round trip is one HTTP request to the table service (each page of a query is one).',
      '',
      '| step | connector calls | round trips on the turn | round trips in all | on the turn | in all |', '|---|---:|---:|---:|---|---|');
    for (const step of calibration.steps) {
      const range = step.range[0] === step.range[1] ? '' : ` (${step.range[0]}–${step.range[1]})`;
      out.push(`| ${STEP_LABELS[step.step]} | ${step.connectorCalls} | ${step.turnRoundTrips} | ${step.totalRoundTrips}${range} | ${callsText(step.turnCalls)} | ${callsText(step.totalCalls)} |`);
    }
    out.push('');
  }

  const botLevels = levels.filter((level) => level.target === 'bot');
  if (botLevels.length > 0) {
    out.push('## Card sizes', '', '| step | largest card KB (invoke answer or connector call) | compared with |', '|---|---:|---|');
    const steps = new Map<StepName, number>();
    for (const level of botLevels) for (const stats of stepStats(level)) steps.set(stats.step, Math.max(steps.get(stats.step) ?? 0, stats.cardBytesMax));
    for (const [step, bytes] of steps) out.push(`| ${STEP_LABELS[step]} | ${kb(bytes)} | ${baselineStepFor(step) === 'base.invoke' ? 'the limit: 28 KB' : 'the limit: 28 KB (a form lists up to 150 people)'} |`);
    out.push('');
  }

  if (leak) {
    out.push('## Leak check', '',
      `${leak.level.turns} turns of the workflow mix with ${options.leakUsers} users in ${(leak.level.wallMillis / 1000).toFixed(0)} s;` +
      ` every ${options.leakEvery} turns the bot collects garbage (\`--expose-gc\`, \`GET /debug/metrics?gc=1\`) and its memory is read.` +
      ' Slopes are least-squares lines through the samples after the start (r² near 0: no trend; near 1: steady growth).', '',
      '| turns | RSS MB | heap total MB | heap used MB | external MB | turns/s since the last sample | bot CPU ms per turn | Azurite CPU ms per turn | table round trips per turn |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...leak.series.map((point, i) => {
        const previous = leak.series[i - 1];
        const turns = previous ? point.turns - previous.turns : 0;
        const rate = previous && turns > 0 ? (turns / ((point.at - previous.at) / 1000)).toFixed(1) : '–';
        const perTurn = (now: number, before: number | undefined) => (previous && turns > 0 && before !== undefined ? ((now - before) / turns).toFixed(2) : '–');
        const trips = previous && previous.turns > 0 && turns > 0 ? ((point.roundTrips - previous.roundTrips) / turns).toFixed(1) : '–';
        return `| ${point.turns} | ${mb(point.rss)} | ${mb(point.heapTotal)} | ${mb(point.heapUsed)} | ${mb(point.external)} | ${rate} | ${perTurn(point.botCpu, previous?.botCpu)} | ${perTurn(point.azuriteCpu, previous?.azuriteCpu)} | ${trips} |`;
      }), '',
      `Slope: RSS ${leak.rssFit.slope.toFixed(3)} MB per 1,000 turns (r² ${leak.rssFit.r2.toFixed(2)}), heap used ${leak.heapFit.slope.toFixed(3)} MB per 1,000 turns (r² ${leak.heapFit.r2.toFixed(2)}). Peak RSS (VmHWM) over the whole run: ${mb(leak.peak)} MB.`,
      '', `RSS right after start, before any turn: ${[...input.startRss].map(([name, rss]) => `${TARGET_LABELS[name as TargetName] ?? name} ${mb(rss)} MB`).join(', ')}.`, '');
  }

  if (scheduler) {
    const callRows = (measure: SchedulerResult['first']) => callsText(measure.calls);
    out.push('## Scheduler', '',
      `${scheduler.due} timers due over ${scheduler.dueDays.join(', ')} and ${scheduler.future} on ${scheduler.futureDays[0]} to ${scheduler.futureDays.at(-1)}` +
      ` (inserted in ${(scheduler.insertMillis / 1000).toFixed(1)} s), a no-op handler, the real scheduler and timer store in the driver process on the same Azurite.`, '',
      '| tick | time s | fired | round trips | calls | partitions queried |', '|---|---:|---:|---:|---|---|',
      `| first (all due) | ${(scheduler.first.millis / 1000).toFixed(2)} | ${scheduler.first.report.fired} | ${scheduler.first.roundTrips} | ${callRows(scheduler.first)} | ${summariseDays(scheduler.first.partitionsQueried)} |`,
      `| next (nothing due) | ${(scheduler.idle.millis / 1000).toFixed(3)} | ${scheduler.idle.report.fired} | ${scheduler.idle.roundTrips} | ${callRows(scheduler.idle)} | ${summariseDays(scheduler.idle.partitionsQueried)} |`, '',
      `Every query names one day partition (${scheduler.first.scans} scans); the ${scheduler.futureDays.length} future days are never queried and their ${scheduler.future} timers are still pending (${scheduler.futureStillPending}).` +
      ` One instance fires a day's timers under the day's lease (one write), and writes each batch of 99 outcomes with the lease's renewal in one transaction of the day partition (every row If-Match on the ETag it was read with), their handlers run ${SCHEDULER_CONCURRENCY} at a time:` +
      ` ${(scheduler.first.millis / Math.max(1, scheduler.first.report.fired)).toFixed(2)} ms a timer. The same ${scheduler.oneByOne.due} timers fired the way it was done before (claim, fire, complete, one timer after another, two round trips each) on a table of their own in the same run:` +
      ` ${(scheduler.oneByOne.first.millis / 1000).toFixed(2)} s, ${scheduler.oneByOne.first.roundTrips} round trips, ${(scheduler.oneByOne.first.millis / Math.max(1, scheduler.oneByOne.first.report.fired)).toFixed(2)} ms a timer.`, '');
  }

  if (dashboard) out.push(...dashboardSection(dashboard));
  if (input.profile) out.push('## CPU profile', '', input.profile, '');
  const warnings = input.botOutput.filter((line) => !line.includes('benchmark mode'));
  out.push('## Bot log', '', warnings.length === 0 ? 'The bot logged no warnings or errors (LOG_LEVEL=warn).' : `The bot logged ${warnings.length} warning or error lines (last 200 kept); the first: \`${warnings[0]!.slice(0, 300).replace(/`/g, '\'')}\``, '');
  return `${out.join('\n')}\n`;
}

function dashboardSection(dashboard: DashboardResult): string[] {
  const line = (name: string, stats: DashboardResult['floor'], extra: string) => `| ${name} | ${ms(stats.p50)} | ${ms(stats.p95)} | ${ms(stats.p99)} | ${ms(stats.max)} | ${(stats.p99 / dashboard.floor.p99).toFixed(1)}× | ${extra} |`;
  return ['## Dashboard', '',
    `The dashboard's JSON API (real runtime and server in the driver process, local mode on loopback) with ${dashboard.cases} cases' statistics in its table` +
    ` (a summary a case, its copies in its register's other orders, and ${dashboard.counterRows} counter rows, seeded as \`npm run statistics:rebuild\` writes them, in ${(dashboard.seedMillis / 1000).toFixed(1)} s);` +
    ` ${dashboard.requests} requests of each, one after another, after 10 warm-up requests. The floor is one range query of the open-case counters, from this process.`, '',
    '| request | p50 ms | p95 ms | p99 ms | max ms | p99 vs floor | table round trips / rows read |', '|---|---:|---:|---:|---:|---:|---|',
    line('floor: one table query', dashboard.floor, '1 query'),
    line('GET /api/dashboard/overview (Comms)', dashboard.overview, `${dashboard.overview.roundTrips.toFixed(1)} round trips (counters, the person's inbox, team queues); ${dashboard.overview.rowsRead} counter rows`),
    line('GET /api/dashboard/service-levels (Incident team)', dashboard.serviceLevels, `${dashboard.serviceLevels.roundTrips.toFixed(1)} round trips; ${dashboard.serviceLevels.rowsRead} counter rows`),
    line('floor: one table page of 25 AINM summaries', dashboard.register.floor, '1 query'),
    line('GET /api/dashboard/registers/ainm?pageSize=25 (Incident team)', dashboard.register, `${dashboard.register.roundTrips.toFixed(1)} round trips; ${dashboard.register.rowsRead} summary rows; p99 ${(dashboard.register.p99 / dashboard.register.floor.p99).toFixed(1)}× one page of summaries`),
    line('GET /api/dashboard/registers/ainm?pageSize=25&sort=open (Incident team)', dashboard.registerSorted, `${dashboard.registerSorted.roundTrips.toFixed(1)} round trips; p99 ${(dashboard.registerSorted.p99 / dashboard.register.floor.p99).toFixed(1)}× one page of summaries`),
    ''];
}

function summariseDays(days: readonly string[]): string {
  const unique = [...new Set(days)];
  return unique.length <= 3 ? unique.join(', ') : `${unique[0]} … ${unique.at(-1)} (${unique.length} days, ${days.length} queries)`;
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
