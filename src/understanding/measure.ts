import { readFileSync } from 'node:fs';
import { Intent, INTENTS } from './intents';
import type { Understander } from './understand';

/** One labelled phrasing of `test/fixtures/intents.jsonl`. */
export interface LabelledPhrasing {
  readonly text: string;
  readonly intent: Intent;
  /** The first site named, as a form code; null when none is. */
  readonly platform: string | null;
  readonly danger: boolean;
}

export interface IntentMeasure {
  readonly intent: Intent;
  readonly labelled: number;
  readonly precision: number;
  readonly recall: number;
}

export interface Measurement {
  readonly phrasings: number;
  readonly intentAccuracy: number;
  readonly platformAccuracy: number;
  readonly dangerRecall: number;
  /** Share of phrasings not labelled danger that were read as danger. */
  readonly falseUrgentRate: number;
  readonly perIntent: readonly IntentMeasure[];
  readonly misses: readonly { text: string; expected: string; got: string; matched: readonly string[] }[];
}

export function readCorpus(file: string): LabelledPhrasing[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim()).map((line, index) => {
    const row = JSON.parse(line) as Partial<LabelledPhrasing>;
    if (typeof row.text !== 'string' || !INTENTS.includes(row.intent as Intent) || typeof row.danger !== 'boolean' || row.platform === undefined) {
      throw new Error(`${file}:${index + 1}: needs text, intent (one of ${INTENTS.join(', ')}), platform (or null) and danger`);
    }
    return row as LabelledPhrasing;
  });
}

/** Runs every phrasing through `understand` (as a person with no team roles) and compares with its labels. */
export function measure(corpus: readonly LabelledPhrasing[], understand: Understander): Measurement {
  const results = corpus.map((row) => ({ row, got: understand(row.text, []) }));
  const ratio = (hits: number, of: number) => (of === 0 ? 1 : hits / of);
  const perIntent = INTENTS.map((intent) => {
    const labelled = results.filter(({ row }) => row.intent === intent);
    const predicted = results.filter(({ got }) => got.intent === intent);
    const right = labelled.filter(({ got }) => got.intent === intent).length;
    return { intent, labelled: labelled.length, precision: ratio(right, predicted.length), recall: ratio(right, labelled.length) };
  });
  const dangerous = results.filter(({ row }) => row.danger);
  const safe = results.filter(({ row }) => !row.danger);
  return {
    phrasings: corpus.length,
    intentAccuracy: ratio(results.filter(({ row, got }) => row.intent === got.intent).length, results.length),
    platformAccuracy: ratio(results.filter(({ row, got }) => row.platform === (got.platform ?? null)).length, results.length),
    dangerRecall: ratio(dangerous.filter(({ got }) => got.danger).length, dangerous.length),
    falseUrgentRate: 1 - ratio(safe.filter(({ got }) => !got.danger).length, safe.length),
    perIntent,
    misses: results.filter(({ row, got }) => row.intent !== got.intent || row.platform !== (got.platform ?? null) || row.danger !== got.danger)
      .map(({ row, got }) => ({
        text: row.text, expected: `${row.intent}/${row.platform ?? '-'}${row.danger ? '/danger' : ''}`,
        got: `${got.intent}/${got.platform ?? '-'}${got.danger ? '/danger' : ''}`, matched: got.matched,
      })),
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The report `npm run intents` prints; its last line is the one the issue asks for. */
export function formatMeasurement(result: Measurement, showMisses = true): string {
  const lines = ['intent         labelled  precision  recall'];
  for (const row of result.perIntent) {
    lines.push(`${row.intent.padEnd(14)} ${String(row.labelled).padStart(8)}  ${percent(row.precision).padStart(9)}  ${percent(row.recall).padStart(6)}`);
  }
  lines.push('', `platform accuracy ${percent(result.platformAccuracy)}`, `false urgent rate ${percent(result.falseUrgentRate)}`);
  if (showMisses && result.misses.length > 0) {
    lines.push('', 'misread (expected -> got, rules that fired):');
    for (const miss of result.misses) lines.push(`  ${miss.expected} -> ${miss.got}  "${miss.text}"  [${miss.matched.join(' ')}]`);
  }
  lines.push('', `intent accuracy ${percent(result.intentAccuracy)} on ${result.phrasings} phrasings, danger recall ${percent(result.dangerRecall)}`);
  return lines.join('\n');
}
