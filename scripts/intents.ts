import path from 'node:path';
import { formatMeasurement, measure, readCorpus } from '../src/understanding/measure';
import { understand } from '../src/understanding/understand';

/**
 * `npm run intents`: how well free text is understood, on the labelled corpus `test/fixtures/intents.jsonl`
 * (per-intent precision and recall, platform accuracy, false urgent rate, the phrasings misread and why).
 * The corpus is made-up staff phrasing, not anyone's messages. Exit code 1 when a target is missed.
 */
function main(): number {
  const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
  const result = measure(readCorpus(path.join(root, 'test', 'fixtures', 'intents.jsonl')), understand);
  console.log(formatMeasurement(result));
  const met = result.intentAccuracy >= 0.95 && result.platformAccuracy >= 0.9 && result.dangerRecall === 1 && result.falseUrgentRate <= 0.01;
  return met ? 0 : 1;
}

process.exitCode = main();
