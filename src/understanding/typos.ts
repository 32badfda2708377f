/**
 * Typing slips on the words the rules know ("harrased", "twiter", "instagarm"), put right before the rules
 * run. A word is corrected to a known word when it is one slip away (two for long words), starts with the
 * same letter, and is not a real word of its own that happens to be close ("treat" is not "threat").
 * A slip is a letter missed, doubled or swapped with its neighbour, or a key next to the right one: other
 * changed letters make other words ("shared" is not "scared", "video" is not "vimeo", "thread" is not "threat").
 */

/** Words that are one or two edits from a known word but mean something else. */
const REAL_WORDS = new Set(['treat', 'treats', 'treated', 'sacred']);

/** Keys next to each other on a UK QWERTY keyboard: hitting one for the other is a slip. */
const KEY_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbours(a: string, b: string): boolean {
  const place = (key: string) => {
    const row = KEY_ROWS.findIndex((keys) => keys.includes(key));
    return row < 0 ? undefined : { row, column: KEY_ROWS[row]!.indexOf(key) + row * 0.5 };
  };
  const [p, q] = [place(a), place(b)];
  return p !== undefined && q !== undefined && Math.abs(p.row - q.row) <= 1 && Math.abs(p.column - q.column) <= 1;
}

const MIN_LENGTH = 5;
const LONG_WORD = 8;

export interface Corrected {
  readonly words: readonly string[];
  /** The known words that slips were corrected to (never the slip itself: that is the person's text). */
  readonly corrections: readonly string[];
}

export function correctTypos(words: readonly string[], known: ReadonlySet<string>): Corrected {
  const corrections: string[] = [];
  const corrected = words.map((word) => {
    if (word.length < MIN_LENGTH || known.has(word) || REAL_WORDS.has(word) || /\d/.test(word)) return word;
    const limit = word.length >= LONG_WORD ? 2 : 1;
    let best: string | undefined;
    let bestDistance = limit + 1;
    for (const candidate of known) {
      if (candidate[0] !== word[0] || Math.abs(candidate.length - word.length) > limit) continue;
      const distance = editDistance(word, candidate, limit);
      if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
    }
    if (!best) return word;
    corrections.push(best);
    return best;
  });
  return { words: corrected, corrections };
}

/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbouring letters, "recieve") where
 * changing a letter costs 1 for a neighbouring key and 2 otherwise; gives up early: anything over `limit`
 * is reported as `limit + 1`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  let previousRow: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const beforePrevious = previousRow;
    previousRow = row;
    row = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : neighbours(a[i - 1]!, b[j - 1]!) ? 1 : 2;
      let value = Math.min(previousRow[j]! + 1, row[j - 1]! + 1, previousRow[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, beforePrevious[j - 2]! + 1);
      row[j] = value;
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
  }
  return Math.min(row[b.length]!, limit + 1);
}
