import assert from 'node:assert/strict';
import path from 'node:path';
import { measure, readCorpus } from '../../src/understanding/measure';
import { understand } from '../../src/understanding/understand';
import { editDistance } from '../../src/understanding/typos';

const CORPUS = readCorpus(path.join(__dirname, '..', 'fixtures', 'intents.jsonl'));

describe('understanding free text', () => {
  describe('on the labelled corpus (test/fixtures/intents.jsonl; `npm run intents` prints the detail)', () => {
    const result = measure(CORPUS, understand);

    it('has at least 400 phrasings, every intent and a danger subset', () => {
      assert.ok(result.phrasings >= 400, `${result.phrasings} phrasings`);
      for (const row of result.perIntent) assert.ok(row.labelled >= 10, `${row.intent} has ${row.labelled} phrasings`);
      assert.ok(CORPUS.filter((row) => row.danger).length >= 50);
    });

    it('reads at least 95% of intents right', () => {
      assert.ok(result.intentAccuracy >= 0.95, `intent accuracy ${result.intentAccuracy}; misread: ${JSON.stringify(result.misses.slice(0, 5))}`);
    });

    it('finds the site in at least 90%', () => assert.ok(result.platformAccuracy >= 0.9, `platform accuracy ${result.platformAccuracy}`));

    it('misses no phrasing labelled as danger', () => {
      assert.equal(result.dangerRecall, 1, `missed: ${JSON.stringify(result.misses.filter((miss) => miss.expected.endsWith('/danger')))}`);
    });

    it('reads at most 1% of the rest as danger', () => assert.ok(result.falseUrgentRate <= 0.01, `false urgent rate ${result.falseUrgentRate}`));
  });

  describe('examples from the issue', () => {
    const cases: [string, string, string | undefined, boolean][] = [
      ['I\'m being harassed on Facebook', 'reportAbuse', 'facebook', false],
      ['a tenant is threatening me on twitter', 'reportAbuse', 'x', false],
      ['IM BEING HARRASED ON INSTAGARM!!!', 'reportAbuse', 'instagram', false],
      ['he said he\'ll kill me', 'danger', undefined, true],
      ['there\u2019s a man outside my house 😨', 'danger', undefined, true],
      ['I\'m scared to go home', 'danger', undefined, true],
      ['I need Twitter for work', 'requestAccess', 'x', false],
      ['can I use LinkedIn for the job', 'requestAccess', 'linkedin', false],
      ['a tenant complained on Facebook', 'concern', 'facebook', false],
      ['remove a post', 'takedown', undefined, false],
      ['what can I post', 'policy', undefined, false],
      ['what\'s waiting', 'myActions', undefined, false],
      ['qwertyuiop', 'unknown', undefined, false],
    ];
    for (const [text, intent, platform, danger] of cases) {
      it(`"${text}" -> ${intent}${platform ? ` on ${platform}` : ''}${danger ? ', danger' : ''}`, () => {
        const understood = understand(text, []);
        assert.deepEqual({ intent: understood.intent, platform: understood.platform, danger: understood.danger }, { intent, platform, danger });
      });
    }

    for (const idiom of [
      'I killed it in the meeting', 'the post is killing me 😂', 'threatening weather', 'I\'m in danger of missing the deadline',
      'a post like that would hurt our reputation', 'I said I\'d get my manager to approve it',
    ]) {
      it(`does not read "${idiom}" as danger`, () => assert.equal(understand(idiom, []).danger, false));
    }

    it('does not read "abuse of process" as harassment', () => assert.notEqual(understand('is that an abuse of process', []).intent, 'reportAbuse'));
  });

  describe('what it says about itself', () => {
    it('names every site, in order, for the access request', () => {
      assert.deepEqual(understand('I need fb, insta and linked in for my role', []).sites, ['facebook', 'instagram', 'linkedin']);
    });

    it('gives the name of a site without a code of its own for "Other"', () => {
      assert.deepEqual([understand('abuse on whatsapp', []).platform, understand('abuse on whatsapp', []).otherSite], ['other', 'WhatsApp']);
    });

    it('says why with rule ids and known words, never the text', () => {
      const understood = understand('somone is harasing me on twiter, 07700 900123', []);
      assert.deepEqual(understood.matched.filter((id) => id.startsWith('typo:')).sort(), ['typo:harassing', 'typo:someone', 'typo:twitter']);
      assert.ok(understood.matched.includes('reportAbuse:harassment'));
      assert.ok(understood.matched.every((id) => /^[a-zA-Z]+:[a-z_-]+$/.test(id)), understood.matched.join(' '));
    });

    it('corrects slips but not real words that are near a keyword', () => {
      assert.equal(understand('a thread about our service charges', []).intent, 'concern');
      assert.equal(understand('I\'m not amused', []).intent, 'unknown');
      assert.equal(editDistance('instagarm', 'instagram', 2), 1, 'swapped letters are one slip');
      assert.equal(editDistance('video', 'vimeo', 2), 2, 'a letter far from the right key is not a slip');
    });

    it('copes with empty, huge and odd input', () => {
      assert.equal(understand('', []).intent, 'unknown');
      assert.equal(understand('😂😂😂', []).intent, 'unknown');
      assert.equal(understand(`${'blah '.repeat(10_000)}he said he will kill me`, []).danger, false, 'only the first 2000 characters are read');
      assert.equal(understand(`he said he will kill me ${'blah '.repeat(10_000)}`, []).danger, true);
    });

    it('reads the longest message quickly, whatever it holds', () => {
      const started = process.hrtime.bigint();
      for (const filler of ['said will threat going to ', 'harass post about us my ', 'a b c d e ']) understand(filler.repeat(500), []);
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000, 'three messages of 2000 characters in under a second');
    });
  });
});
