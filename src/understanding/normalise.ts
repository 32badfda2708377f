/**
 * Free text as the rules read it: lower case, emoji and punctuation gone, contractions spelt out
 * ("he'll" -> "he will", "im" -> "i am"), one space between words. Long messages are cut: what people
 * type to a chat bot fits well within the first {@link MAX_UNDERSTOOD_CHARS} characters.
 */
export const MAX_UNDERSTOOD_CHARS = 2000;

/** Contractions typed with an apostrophe, once apostrophes are plain. `'s` goes: "what's" reads as "what". */
const APOSTROPHE_FORMS: readonly [RegExp, string][] = [
  [/\bwon't\b/g, 'will not'], [/\bcan't\b/g, 'can not'], [/n't\b/g, ' not'], [/'ll\b/g, ' will'], [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'], [/'m\b/g, ' am'], [/'d\b/g, ' would'], [/'s\b/g, ''],
];

/** Contractions typed without one, as phones and hurried people do. Only forms that are not words themselves. */
const BARE_FORMS: Readonly<Record<string, string>> = {
  im: 'i am', ive: 'i have', dont: 'do not', cant: 'can not', wont: 'will not', didnt: 'did not', doesnt: 'does not',
  isnt: 'is not', theyll: 'they will', theyd: 'they would', theyre: 'they are', youre: 'you are', hes: 'he', shes: 'she',
  whats: 'what', thats: 'that', theres: 'there', gonna: 'going to', gunna: 'going to', wanna: 'want to', pls: 'please', plz: 'please',
};

export function normalise(raw: string): string {
  const text = raw.slice(0, MAX_UNDERSTOOD_CHARS).normalize('NFKC').toLowerCase()
    .replace(/[\u2018\u2019\u02BC`´]/g, '\'')
    .replace(/\p{Extended_Pictographic}|[\u200D\uFE0F]/gu, ' ');
  const spelt = APOSTROPHE_FORMS.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), text);
  return spelt.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(' ').filter(Boolean).map((word) => BARE_FORMS[word] ?? word).join(' ');
}
