import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMillis: number;
  /** Sampled time not idle (program, GC and JavaScript). */
  readonly busyMillis: number;
  readonly functions: { name: string; where: string; category: string; selfMillis: number }[];
  readonly categories: { category: string; selfMillis: number }[];
  /** Our own functions by total time: their own code and everything they called (recursion counted once). */
  readonly ours: { name: string; where: string; totalMillis: number }[];
}

/** Where a function lives, for grouping: our code, a dependency by package, node itself, or V8's own buckets. */
export function categoryOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node (core)';
  if (/\/dist\/src\//.test(url)) return 'our code (dist/src)';
  return path.basename(url);
}

/** Self time per function from a `.cpuprofile` (node --cpu-prof): the sampled time spent in its own code. */
export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const functions = new Map<string, { name: string; where: string; category: string; selfMillis: number }>();
  let totalMillis = 0;
  let idle = 0;
  for (const [id, millis] of selfById) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    totalMillis += millis;
    if (functionName === '(idle)') idle += millis;
    const short = url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|dist)\//, '$1/');
    const where = url ? `${short}:${lineNumber + 1}` : '';
    const name = functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, category: categoryOf(url, functionName), selfMillis: 0 };
    entry.selfMillis += millis;
    functions.set(key, entry);
  }
  const ranked = [...functions.values()].filter((entry) => entry.name !== '(idle)').sort((a, b) => b.selfMillis - a.selfMillis);
  const categories = new Map<string, number>();
  for (const entry of ranked) categories.set(entry.category, (categories.get(entry.category) ?? 0) + entry.selfMillis);
  // Total time: walk the call tree from the root, adding each node's self time to every distinct function above it.
  const totals = new Map<string, { name: string; where: string; totalMillis: number }>();
  const keyOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url}:${node.callFrame.lineNumber + 1}`;
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const stack: { node: ProfileNode; active: string[] }[] = profile.nodes.filter((node) => !childIds.has(node.id)).map((node) => ({ node, active: [] }));
  while (stack.length > 0) {
    const { node, active } = stack.pop()!;
    const { url, functionName, lineNumber } = node.callFrame;
    const key = keyOf(node);
    const ours = /\/dist\/src\//.test(url);
    const chain = ours && !active.includes(key) ? [...active, key] : active;
    if (ours && !totals.has(key)) {
      totals.set(key, { name: functionName || '(anonymous)', where: `${url.replace(/^file:\/\//, '').replace(/^.*?\/dist\//, 'dist/')}:${lineNumber + 1}`, totalMillis: 0 });
    }
    const self = selfById.get(node.id) ?? 0;
    for (const activeKey of chain) totals.get(activeKey)!.totalMillis += self;
    for (const child of node.children ?? []) stack.push({ node: byId.get(child)!, active: chain });
  }
  return {
    ours: [...totals.values()].sort((a, b) => b.totalMillis - a.totalMillis).slice(0, top),
    file, totalMillis, busyMillis: totalMillis - idle, functions: ranked.slice(0, top),
    categories: [...categories].map(([category, selfMillis]) => ({ category, selfMillis })).sort((a, b) => b.selfMillis - a.selfMillis),
  };
}

export function profileMarkdown(summary: ProfileSummary): string {
  const pct = (millis: number) => `${((100 * millis) / summary.busyMillis).toFixed(1)}%`;
  const lines = [
    `Profile \`${path.relative(process.cwd(), summary.file)}\`: ${(summary.totalMillis / 1000).toFixed(1)} s sampled, ${(summary.busyMillis / 1000).toFixed(1)} s busy (not idle). Percentages are of busy time.`,
    '',
    '| self time by where it lives | ms | share |',
    '|---|---:|---:|',
    ...summary.categories.slice(0, 15).map((entry) => `| ${entry.category} | ${entry.selfMillis.toFixed(0)} | ${pct(entry.selfMillis)} |`),
    '',
    '| top functions by self time | where | ms | share |',
    '|---|---|---:|---:|',
    ...summary.functions.map((entry) => `| \`${entry.name}\` | ${entry.where || entry.category} | ${entry.selfMillis.toFixed(0)} | ${pct(entry.selfMillis)} |`),
    '',
    '| our functions by total time (with what they call) | where | ms | share |',
    '|---|---|---:|---:|',
    ...summary.ours.map((entry) => `| \`${entry.name}\` | ${entry.where} | ${entry.totalMillis.toFixed(0)} | ${pct(entry.totalMillis)} |`),
  ];
  return lines.join('\n');
}
