import { isCardAction, STEP_LABELS, StepName, TurnSample } from './driver';
import { mb, ms, percentile } from './stats';

export type TargetName = 'bot' | 'echo' | 'table-turn' | 'budget-turn';
export const TARGET_LABELS: Readonly<Record<TargetName, string>> = {
  bot: 'the bot', echo: 'baseline (a): echo', 'table-turn': 'baseline (b): 1 read + 1 write',
  'budget-turn': 'baseline (c): 6 round trips (1 read + 5 writes)',
};
/** The baselines' short names in the chart's legend. */
const SHORT_LABELS: Readonly<Record<Exclude<TargetName, 'bot'>, string>> = { echo: '(a) echo', 'table-turn': '(b) 1R+1W', 'budget-turn': '(c) 1R+5W' };
/** Table round trips a baseline makes a turn, by construction. */
const BASELINE_ROUND_TRIPS: Readonly<Record<Exclude<TargetName, 'bot'>, string>> = { echo: '0', 'table-turn': '2 (by construction)', 'budget-turn': '6 (by construction)' };

/** One target (the bot or a baseline) driven by `users` concurrent users. */
export interface LevelResult {
  readonly target: TargetName;
  readonly users: number;
  readonly samples: Map<StepName, TurnSample[]>;
  readonly wallMillis: number;
  readonly turns: number;
  readonly peakRss: number;
  /** Table round trips counted in the bot during the level (bot only), and per turn. */
  readonly roundTrips?: number;
  /** The same by table and call (bot only): which of them grow under load (conflicts, renewals, retries). */
  readonly tableCalls?: Record<string, Record<string, number>>;
  readonly failures: number;
  /** Every failed workflow run (or baseline turn) of the level: which, at which step, and why. */
  readonly failedRuns: FailedRun[];
  /** Which repetition of this level this is (0 for the first; the 8-user level runs three times by default). */
  readonly run: number;
  /** CPU time used during the level, ms: the target's process, Azurite, the driver (with its connector stand-in). */
  readonly cpu: { readonly target: number; readonly azurite: number; readonly driver: number };
}

/** One workflow run that failed: the level, the workflow, the step it failed at and the error. */
export interface FailedRun {
  readonly users: number;
  readonly run: number;
  readonly target: TargetName;
  /** The workflow (`ar`, `ainm`, `td`, `cp`), or `baseline`. */
  readonly workflow: string;
  readonly step: string;
  readonly error: string;
}

export function failedRunText(failure: FailedRun): string {
  return `${failure.users} users${failure.run > 0 ? ` (repeat ${failure.run + 1})` : ''}, ${TARGET_LABELS[failure.target]}, workflow ${failure.workflow}, step ${failure.step}: ${failure.error}`;
}

export interface StepStats {
  readonly step: StepName;
  readonly count: number;
  readonly perSecond: number;
  readonly response: { p50: number; p95: number; p99: number };
  readonly lastCall: { p50: number; p95: number; p99: number };
  readonly cardBytesMax: number;
  readonly missingCalls: number;
}

const STEP_ORDER = Object.keys(STEP_LABELS);

export function stepStats(level: LevelResult): StepStats[] {
  return [...level.samples].sort(([a], [b]) => STEP_ORDER.indexOf(a) - STEP_ORDER.indexOf(b)).map(([step, samples]) => {
    const responses = samples.map((sample) => sample.response);
    const lasts = samples.map((sample) => sample.lastCall);
    return {
      step, count: samples.length, perSecond: samples.length / (level.wallMillis / 1000),
      response: { p50: percentile(responses, 50), p95: percentile(responses, 95), p99: percentile(responses, 99) },
      lastCall: { p50: percentile(lasts, 50), p95: percentile(lasts, 95), p99: percentile(lasts, 99) },
      cardBytesMax: Math.max(0, ...samples.map((sample) => sample.cardBytes)),
      missingCalls: samples.reduce((sum, sample) => sum + sample.missingCalls, 0),
    };
  });
}

/** The baseline step a bot step is compared with: card actions with card actions, messages with messages. */
export const baselineStepFor = (step: StepName): StepName => (isCardAction(step) ? 'base.invoke' : 'base.message');

export function ratio(value: number, floor: number | undefined): string {
  return floor && Number.isFinite(value) && Number.isFinite(floor) ? `${(value / floor).toFixed(2)}×` : '–';
}

export function kb(bytes: number): string {
  return bytes > 0 ? (bytes / 1024).toFixed(1) : '–';
}

/** The per-level latency table: every bot step, then the baselines, with ratios to baseline (b). */
export function latencyTable(levels: readonly LevelResult[], users: number, run = 0): string[] {
  const atLevel = levels.filter((level) => level.users === users && level.run === run);
  const floor = atLevel.find((level) => level.target === 'table-turn');
  const floorStats = floor ? new Map(stepStats(floor).map((stats) => [stats.step, stats])) : undefined;
  const lines = [
    '| step | turns | turns/s | response p50 | p95 | p99 | last call p50 | p95 | p99 | p50 ÷ (b) | p99 ÷ (b) | last-call p99 ÷ (b) | largest card KB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const level of atLevel) {
    for (const stats of stepStats(level)) {
      const base = floorStats?.get(baselineStepFor(stats.step));
      // The floor's "last call": a message's reply; a card action sends nothing, its answer is the last word.
      const baseLast = base ? (stats.step === 'base.invoke' || isCardAction(stats.step) ? base.response.p99 : base.lastCall.p99) : undefined;
      const name = level.target === 'bot' ? STEP_LABELS[stats.step] : `${TARGET_LABELS[level.target]} — ${stats.step === 'base.message' ? 'message' : 'card action'}`;
      const missing = stats.missingCalls > 0 ? ` (${stats.missingCalls} calls late)` : '';
      lines.push(`| ${name}${missing} | ${stats.count} | ${stats.perSecond.toFixed(1)} | ${ms(stats.response.p50)} | ${ms(stats.response.p95)} | ${ms(stats.response.p99)} | ${ms(stats.lastCall.p50)} | ${ms(stats.lastCall.p95)} | ${ms(stats.lastCall.p99)} | ${ratio(stats.response.p50, base?.response.p50)} | ${ratio(stats.response.p99, base?.response.p99)} | ${ratio(stats.lastCall.p99, baseLast)} | ${kb(stats.cardBytesMax)} |`);
    }
  }
  lines.push('', '| target | turns | wall s | turns/s | CPU ms per turn: its process | Azurite | driver | peak RSS MB | table round trips per turn | failed workflow runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const level of atLevel) {
    const perTurn = level.target !== 'bot' ? BASELINE_ROUND_TRIPS[level.target] : level.roundTrips !== undefined ? (level.roundTrips / level.turns).toFixed(1) : '–';
    const cpu = (millis: number) => (Number.isFinite(millis) ? (millis / level.turns).toFixed(2) : '–');
    lines.push(`| ${TARGET_LABELS[level.target]} | ${level.turns} | ${(level.wallMillis / 1000).toFixed(1)} | ${(level.turns / (level.wallMillis / 1000)).toFixed(1)} | ${cpu(level.cpu.target)} | ${cpu(level.cpu.azurite)} | ${cpu(level.cpu.driver)} | ${mb(level.peakRss)} | ${perTurn} | ${level.failures} |`);
  }
  for (const level of atLevel) {
    if (level.tableCalls) lines.push('', `The bot's table round trips per turn by table and call${level.run > 0 ? ` (run ${level.run + 1})` : ''}: ${tableCallsPerTurn(level.tableCalls, level.turns)}.`);
  }
  return lines;
}

/** `table: method n.n, ...` per turn, the pages of queries counted (`listPage`), not the `listEntities` calls. */
export function tableCallsPerTurn(calls: Record<string, Record<string, number>>, turns: number): string {
  return Object.entries(calls)
    .map(([table, methods]) => `${table}: ${Object.entries(methods).filter(([method]) => method !== 'listEntities').map(([method, n]) => `${method} ${(n / turns).toFixed(2)}`).join(', ')}`)
    .join('; ');
}

const BASELINE_COLOURS: Readonly<Record<Exclude<TargetName, 'bot'>, string>> = { echo: '#888', 'table-turn': '#000', 'budget-turn': '#a00' };
const LEGEND_LINE = 17;
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** p99 latency to the HTTP response against concurrent users, one line a step, baselines dashed; log scale. */
export function latencySvg(levels: readonly LevelResult[], title: string): string {
  const userCounts = [...new Set(levels.map((level) => level.users))].sort((a, b) => a - b);
  const series = new Map<string, { label: string; points: { users: number; p99: number }[]; target: TargetName }>();
  for (const level of levels) {
    for (const stats of stepStats(level)) {
      const key = level.target === 'bot' ? stats.step : `${level.target}:${stats.step}`;
      const label = level.target === 'bot' ? stats.step : `${SHORT_LABELS[level.target]} ${stats.step === 'base.message' ? 'message' : 'card action'}`;
      const entry = series.get(key) ?? { label, points: [], target: level.target };
      entry.points.push({ users: level.users, p99: stats.response.p99 });
      series.set(key, entry);
    }
  }
  const width = 860;
  // Tall enough for the legend: a line a series.
  const height = Math.max(460, 50 + series.size * LEGEND_LINE + 20);
  const plot = { left: 70, right: 600, top: 50, bottom: 400 };
  const values = [...series.values()].flatMap((entry) => entry.points.map((point) => point.p99)).filter((value) => value > 0 && Number.isFinite(value));
  const low = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (users: number) => userCounts.length === 1 ? (plot.left + plot.right) / 2
    : plot.left + ((plot.right - plot.left) * userCounts.indexOf(users)) / (userCounts.length - 1);
  const y = (value: number) => plot.bottom - ((plot.bottom - plot.top) * (Math.log10(value) - Math.log10(low))) / (Math.log10(high) - Math.log10(low));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${plot.left}" y="28" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="black"/>`,
    `<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="black"/>`,
  ];
  for (let decade = low; decade <= high; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const value = decade * step;
      if (value > high) break;
      out.push(`<line x1="${plot.left}" y1="${y(value).toFixed(1)}" x2="${plot.right}" y2="${y(value).toFixed(1)}" stroke="#ddd"/>`);
      out.push(`<text x="${plot.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${value}</text>`);
    }
  }
  for (const users of userCounts) {
    out.push(`<text x="${x(users).toFixed(1)}" y="${plot.bottom + 18}" text-anchor="middle">${users}</text>`);
  }
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 40}" text-anchor="middle">concurrent users</text>`);
  out.push(`<text transform="translate(20 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">p99 turn latency to HTTP response, ms (log scale)</text>`);
  [...series.values()].forEach((entry, i) => {
    const colour = entry.target === 'bot' ? COLOURS[i % COLOURS.length]! : BASELINE_COLOURS[entry.target];
    const points = entry.points.filter((point) => point.p99 > 0 && Number.isFinite(point.p99)).sort((a, b) => a.users - b.users);
    const dash = entry.target !== 'bot' ? ` stroke-dasharray="${entry.label.includes('message') ? '2 3' : '6 4'}"` : '';
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.map((point) => `${x(point.users).toFixed(1)},${y(point.p99).toFixed(1)}`).join(' ')}"/>`);
    for (const point of points) out.push(`<circle cx="${x(point.users).toFixed(1)}" cy="${y(point.p99).toFixed(1)}" r="3" fill="${colour}"/>`);
    const legendY = plot.top + i * LEGEND_LINE;
    out.push(`<line x1="${plot.right + 20}" y1="${legendY}" x2="${plot.right + 50}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${plot.right + 56}" y="${legendY + 4}">${escapeXml(entry.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Smallest, middle and largest of a few values (the repeats of a level). */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly values: number[];
}

export function spread(values: readonly number[]): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, values: [] };
  const middle = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { min: sorted[0]!, median: middle, max: sorted.at(-1)!, values: [...values] };
}

export const spreadText = (value: Spread) => (value.values.length > 1
  ? `${value.median.toFixed(2)}× (${value.min.toFixed(2)}–${value.max.toFixed(2)})`
  : Number.isFinite(value.median) ? `${value.median.toFixed(2)}×` : '–');

/** A bot step's ratios to baseline (b) in one run of a level; undefined without the baseline. */
export function stepRatios(levels: readonly LevelResult[], users: number, run: number): Map<StepName, { p50: number; p99: number; lastCallP99: number }> | undefined {
  const atRun = levels.filter((level) => level.users === users && level.run === run);
  const floor = atRun.find((level) => level.target === 'table-turn');
  const bot = atRun.find((level) => level.target === 'bot');
  if (!floor || !bot) return undefined;
  const floorStats = new Map(stepStats(floor).map((stats) => [stats.step, stats]));
  const ratios = new Map<StepName, { p50: number; p99: number; lastCallP99: number }>();
  for (const stats of stepStats(bot)) {
    const base = floorStats.get(baselineStepFor(stats.step));
    if (!base) continue;
    const baseLast = isCardAction(stats.step) ? base.response.p99 : base.lastCall.p99;
    ratios.set(stats.step, { p50: stats.response.p50 / base.response.p50, p99: stats.response.p99 / base.response.p99, lastCallP99: stats.lastCall.p99 / baseLast });
  }
  return ratios;
}

/** Baseline (c)'s card-action p99 over baseline (b)'s in one run of a level: what the round-trip budget costs at best. */
export function budgetRatio(levels: readonly LevelResult[], users: number, run: number): number {
  const atRun = levels.filter((level) => level.users === users && level.run === run);
  const p99Of = (target: TargetName) => {
    const level = atRun.find((candidate) => candidate.target === target);
    return level ? stepStats(level).find((stats) => stats.step === 'base.invoke')?.response.p99 ?? Number.NaN : Number.NaN;
  };
  return p99Of('budget-turn') / p99Of('table-turn');
}

/** Peak RSS of the bot over that of baseline (b) in one run of a level. */
export function rssRatio(levels: readonly LevelResult[], users: number, run: number): number {
  const atRun = levels.filter((level) => level.users === users && level.run === run);
  const floor = atRun.find((level) => level.target === 'table-turn');
  const bot = atRun.find((level) => level.target === 'bot');
  return floor && bot ? bot.peakRss / floor.peakRss : Number.NaN;
}

/** Each bot step's ratios over the repeats of a level: min / median / max, each run against its own baseline (b). */
export function repeatedRatios(levels: readonly LevelResult[], users: number): { step: StepName; p50: Spread; p99: Spread; lastCallP99: Spread }[] {
  const runs = [...new Set(levels.filter((level) => level.users === users).map((level) => level.run))].sort((a, b) => a - b);
  const perRun = runs.map((run) => stepRatios(levels, users, run)).filter((ratios): ratios is NonNullable<typeof ratios> => ratios !== undefined);
  const steps = [...new Set(perRun.flatMap((ratios) => [...ratios.keys()]))].sort((a, b) => STEP_ORDER.indexOf(a) - STEP_ORDER.indexOf(b));
  return steps.map((step) => {
    const pick = (which: 'p50' | 'p99' | 'lastCallP99') => spread(perRun.map((ratios) => ratios.get(step)?.[which] ?? Number.NaN));
    return { step, p50: pick('p50'), p99: pick('p99'), lastCallP99: pick('lastCallP99') };
  });
}
