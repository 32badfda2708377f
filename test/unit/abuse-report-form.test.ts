import { LINK_MAX, MAX_LINKS, parseLinks } from '../../src/domain/links';
import assert from 'node:assert/strict';
import type { Rejection } from '../../src/domain/outcome';
import { DESCRIPTION_MAX, DESCRIPTION_MIN, validateAbuseReportForm, type AbuseReportFormInput, type ValidAbuseReportForm } from '../../src/workflows/abuse-report/form';

/** The report form as the card sends it back: untrusted values, checked against a fixed "today". */
const today = '2026-11-25';
const DESCRIPTION = 'Repeated abusive replies to our housing repairs post.';
const LINK_ERROR = 'Each link must start with http:// or https:// (and contain no password).';

const complete: AbuseReportFormInput = {
  category: 'harassment', source: 'member_of_public', platform: 'facebook', links: 'https://facebook.example/posts/1',
  happenedOn: '2026-11-24', description: DESCRIPTION, immediateDanger: 'false', wantsSupport: 'true', manager: 'u-malcolm',
};

function accepted(input: AbuseReportFormInput): ValidAbuseReportForm {
  const result = validateAbuseReportForm(input, today);
  assert.ok(result.ok, `expected the form to pass, got ${JSON.stringify(result)}`);
  return result;
}

function refused(input: AbuseReportFormInput): Rejection {
  const result = validateAbuseReportForm(input, today);
  assert.equal(result.ok, false, `expected the form to be refused, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, 'invalid');
  assert.equal(result.message, 'Please check the highlighted fields.');
  return result;
}

/** Given a complete form with `change` applied, exactly one field is in error, with this message. */
function onlyError(change: Partial<Record<keyof AbuseReportFormInput, unknown>>, field: string, message: string | RegExp): void {
  const { fieldErrors } = refused({ ...complete, ...change });
  assert.deepEqual(Object.keys(fieldErrors ?? {}), [field]);
  if (typeof message === 'string') assert.equal(fieldErrors?.[field], message);
  else assert.match(fieldErrors?.[field] ?? '', message);
}

/** parseLinks on its own: the links kept and the error, if any. */
function links(raw: unknown): { kept: string[]; error: string | undefined } {
  const errors: Record<string, string> = {};
  const kept = parseLinks(raw, errors);
  return { kept, error: errors.links };
}

const text = (length: number): string => 'x'.repeat(length);

describe('abuse report form', () => {
  describe('a complete form', () => {
    it('gives the report details and the manager chosen', () => {
      assert.deepEqual(accepted(complete), {
        ok: true,
        managerId: 'u-malcolm',
        details: {
          category: 'harassment', source: 'member_of_public', platform: 'facebook', links: ['https://facebook.example/posts/1'],
          happenedOn: '2026-11-24', description: DESCRIPTION, immediateDanger: false, wantsSupport: true,
        },
      });
    });

    it('takes true and "true" as yes, and anything else as no', () => {
      assert.equal(accepted({ ...complete, immediateDanger: true }).details.immediateDanger, true);
      assert.equal(accepted({ ...complete, immediateDanger: 'true' }).details.immediateDanger, true);
      for (const value of ['false', 'yes', 'on', '1', undefined, 1]) {
        assert.equal(accepted({ ...complete, immediateDanger: value, wantsSupport: value }).details.immediateDanger, false, String(value));
        assert.equal(accepted({ ...complete, immediateDanger: value, wantsSupport: value }).details.wantsSupport, false, String(value));
      }
    });

    it('accepts no links at all', () => {
      assert.deepEqual(accepted({ ...complete, links: '' }).details.links, []);
      assert.deepEqual(accepted({ ...complete, links: undefined }).details.links, []);
    });

    it('names another site only when the site is Other', () => {
      assert.equal(accepted({ ...complete, platformOther: 'Mastodon' }).details.platformOther, undefined);
      assert.equal(accepted({ ...complete, platform: 'other', platformOther: ' Mastodon ' }).details.platformOther, 'Mastodon');
    });
  });

  describe('field errors', () => {
    for (const category of [undefined, '', 'spam', ['threat']]) {
      it(`asks what happened (category ${JSON.stringify(category)})`, () => onlyError({ category }, 'category', 'Choose what happened.'));
    }

    for (const source of [undefined, 'neighbour']) {
      it(`asks who it came from (source ${JSON.stringify(source)})`, () =>
        onlyError({ source }, 'source', 'Choose who it came from (choose Unknown if you are not sure).'));
    }

    for (const platform of [undefined, 'myspace']) {
      it(`asks for the site or app (platform ${JSON.stringify(platform)})`, () => onlyError({ platform }, 'platform', 'Choose the site or app.'));
    }

    for (const platformOther of [undefined, '', ' x ']) {
      it(`asks for the name of another site (${JSON.stringify(platformOther)})`, () =>
        onlyError({ platform: 'other', platformOther }, 'platformOther', 'Name the site or app.'));
    }

    it('asks for the line manager', () => {
      for (const manager of [undefined, '', '   ', 42]) onlyError({ manager }, 'manager', 'Choose your line manager: they are told at once.');
    });

    it('reports every problem at once', () => {
      const { fieldErrors } = refused({ platform: 'other', links: 'ftp://example.com', happenedOn: '2027-01-01', description: 'help' });
      assert.deepEqual(Object.keys(fieldErrors ?? {}).sort(), ['category', 'description', 'happenedOn', 'links', 'manager', 'platformOther', 'source']);
    });

    it('reports every required field of an empty form', () => {
      assert.deepEqual(refused({}).fieldErrors, {
        category: 'Choose what happened.',
        source: 'Choose who it came from (choose Unknown if you are not sure).',
        platform: 'Choose the site or app.',
        description: 'Say briefly what happened.',
        manager: 'Choose your line manager: they are told at once.',
      });
    });
  });

  describe('links', () => {
    it('keeps http and https links, normalised', () => {
      assert.deepEqual(links('https://Facebook.example/posts/1 http://x.example/status?id=2').kept,
        ['https://facebook.example/posts/1', 'http://x.example/status?id=2']);
    });

    it('splits links by new lines, spaces and commas, ignoring empty parts', () => {
      const { kept, error } = links('https://a.example/1\nhttps://b.example/2\r\n\n https://c.example/3,https://d.example/4 ,, \t');
      assert.equal(error, undefined);
      assert.deepEqual(kept, ['https://a.example/1', 'https://b.example/2', 'https://c.example/3', 'https://d.example/4']);
    });

    const hostile: [string, string][] = [
      ['javascript:', 'javascript:alert(document.cookie)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['ftp:', 'ftp://files.example/post.png'],
      ['file:', 'file:///etc/passwd'],
      ['mailto:', 'mailto:someone@example.com'],
      ['user and password', 'https://user:secret@facebook.example/posts/1'],
      ['user only', 'https://user@facebook.example/posts/1'],
      ['no host', 'http://'],
      ['not a URL', 'facebook.example/posts/1'],
    ];
    for (const [what, link] of hostile) {
      it(`refuses a link that is not plain http or https (${what})`, () => {
        assert.deepEqual(links(link), { kept: [], error: LINK_ERROR });
        onlyError({ links: link }, 'links', LINK_ERROR);
      });
    }

    it('refuses the bad link among good ones, naming the rule', () => {
      assert.deepEqual(links('https://a.example/1 javascript:alert(1) https://b.example/2'),
        { kept: ['https://a.example/1', 'https://b.example/2'], error: LINK_ERROR });
    });

    it(`accepts ${MAX_LINKS} links and refuses more`, () => {
      const five = Array.from({ length: MAX_LINKS }, (_, n) => `https://x.example/${n}`);
      assert.deepEqual(links(five.join('\n')), { kept: five, error: undefined });
      onlyError({ links: [...five, 'https://x.example/5'].join('\n') }, 'links', `Give at most ${MAX_LINKS} links.`);
    });

    it(`accepts a link of ${LINK_MAX} characters and refuses a longer one`, () => {
      const base = 'https://x.example/';
      const longest = base + text(LINK_MAX - base.length);
      assert.deepEqual(links(longest), { kept: [longest], error: undefined });
      onlyError({ links: `${longest}y` }, 'links', LINK_ERROR);
    });

    it(`refuses a link that becomes longer than ${LINK_MAX} characters once percent-encoded`, () => {
      const typed = `https://x.example/${'é'.repeat(200)}`;
      assert.ok(typed.length <= LINK_MAX);
      assert.deepEqual(links(typed), { kept: [], error: LINK_ERROR });
    });

    it('treats anything but text as no links', () => {
      assert.deepEqual(links(['https://x.example/1']), { kept: [], error: undefined });
    });
  });

  describe('when it happened', () => {
    it('defaults to today', () => {
      assert.equal(accepted({ ...complete, happenedOn: undefined }).details.happenedOn, today);
      assert.equal(accepted({ ...complete, happenedOn: '' }).details.happenedOn, today);
    });

    it('accepts today and exactly 12 months ago', () => {
      assert.equal(accepted({ ...complete, happenedOn: today }).details.happenedOn, today);
      assert.equal(accepted({ ...complete, happenedOn: '2025-11-25' }).details.happenedOn, '2025-11-25');
    });

    it('refuses a date in the future', () => {
      onlyError({ happenedOn: '2026-11-26' }, 'happenedOn', 'The date can\'t be in the future.');
    });

    it('refuses a date more than 12 months ago', () => {
      onlyError({ happenedOn: '2025-11-24' }, 'happenedOn', 'Check the date: it is more than 12 months ago.');
    });

    for (const happenedOn of ['yesterday', '2026-02-30', '25/11/2026', '2026-11-25T10:00']) {
      it(`refuses something that is not a date (${happenedOn})`, () => onlyError({ happenedOn }, 'happenedOn', 'Enter the date it happened.'));
    }
  });

  describe('what happened', () => {
    it(`accepts ${DESCRIPTION_MIN} to ${DESCRIPTION_MAX} characters`, () => {
      assert.equal(accepted({ ...complete, description: text(DESCRIPTION_MIN) }).details.description, text(DESCRIPTION_MIN));
      assert.equal(accepted({ ...complete, description: text(DESCRIPTION_MAX) }).details.description, text(DESCRIPTION_MAX));
    });

    it('asks for a description that is missing or too short', () => {
      for (const description of [undefined, '', '   ', text(DESCRIPTION_MIN - 1), 42]) {
        onlyError({ description }, 'description', 'Say briefly what happened.');
      }
    });

    it('refuses a description that is too long, saying how long it is', () => {
      onlyError({ description: text(DESCRIPTION_MAX + 1) }, 'description',
        `Keep it to ${DESCRIPTION_MAX} characters (it has ${DESCRIPTION_MAX + 1}); attach screenshots in the chat instead.`);
    });

    it('counts the length after control characters are removed', () => {
      onlyError({ description: `abc${'\u0000'.repeat(20)}def` }, 'description', 'Say briefly what happened.');
    });

    it('strips control and direction-override characters, and normalises line breaks', () => {
      const description = '  He wrote:\u0000 \u0007"you\u202E will\u200F pay"\r\nat 9pm\u007F.\n\n\n\nThen more.  ';
      assert.equal(accepted({ ...complete, description }).details.description, 'He wrote: "you will pay"\nat 9pm.\n\nThen more.');
    });

    it('strips control characters and line breaks from the name of another site', () => {
      assert.equal(accepted({ ...complete, platform: 'other', platformOther: 'Mast\u0000odon\n Social' }).details.platformOther, 'Mastodon Social');
    });
  });

  describe('line manager', () => {
    it('takes the person found by search over the one pre-filled', () => {
      assert.equal(accepted({ ...complete, manager: 'u-malcolm', managerSearch: 'u-morag' }).managerId, 'u-morag');
    });

    it('falls back to the pre-filled manager when the search is empty, and trims ids', () => {
      assert.equal(accepted({ ...complete, manager: ' u-malcolm ', managerSearch: '  ' }).managerId, 'u-malcolm');
      assert.equal(accepted({ ...complete, manager: '', managerSearch: ' u-morag ' }).managerId, 'u-morag');
    });
  });
});
