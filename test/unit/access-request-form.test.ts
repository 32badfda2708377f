import assert from 'node:assert/strict';
import type { Rejection } from '../../src/domain/outcome';
import {
  defaultPeriod, validateAccessRequestForm,
  type AccessRequestFormInput, type ValidAccessRequestForm,
} from '../../src/workflows/access-request/form';

/** The request form as the card sends it back: untrusted values, checked against a fixed "today". */
const today = '2026-11-25';
const BUSINESS_CASE = 'I answer tenant questions on our Facebook page.';

const complete: AccessRequestFormInput = {
  sites: ['facebook', 'linkedin'], kind: 'view', businessCase: BUSINESS_CASE,
  startDate: '2026-11-25', endDate: '2027-05-25', approver: 'u-malcolm', ackPolicy: true, ackMonitoring: true,
};

function accepted(input: AccessRequestFormInput): ValidAccessRequestForm {
  const result = validateAccessRequestForm(input, today);
  assert.ok(result.ok, `expected the form to pass, got ${JSON.stringify(result)}`);
  return result;
}

function refused(input: AccessRequestFormInput): Rejection {
  const result = validateAccessRequestForm(input, today);
  assert.equal(result.ok, false, `expected the form to be refused, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, 'invalid');
  assert.equal(result.message, 'Please check the highlighted fields.');
  return result;
}

/** Given a complete form with `change` applied, exactly one field is in error, with this message. */
function onlyError(change: Partial<Record<keyof AccessRequestFormInput, unknown>>, field: string, message: string | RegExp): void {
  const { fieldErrors } = refused({ ...complete, ...change });
  assert.deepEqual(Object.keys(fieldErrors ?? {}), [field]);
  if (typeof message === 'string') assert.equal(fieldErrors?.[field], message);
  else assert.match(fieldErrors?.[field] ?? '', message);
}

const text = (length: number): string => 'x'.repeat(length);

describe('access request form', () => {
  describe('a complete form', () => {
    it('gives the request details and the approver chosen', () => {
      assert.deepEqual(accepted(complete), {
        ok: true,
        approverId: 'u-malcolm',
        approverReason: '',
        details: {
          sites: ['facebook', 'linkedin'], kind: 'view', businessCase: BUSINESS_CASE, startDate: '2026-11-25', endDate: '2027-05-25',
        },
      });
    });

    it('reads sites sent as a comma-separated string, in the order of the list, once each, ignoring unknown ones', () => {
      assert.deepEqual(accepted({ ...complete, sites: 'tiktok, facebook,myspace,facebook' }).details.sites, ['facebook', 'tiktok']);
    });

    it('takes "true" strings as ticked acknowledgements and trims the approver id', () => {
      assert.equal(accepted({ ...complete, ackPolicy: 'true', ackMonitoring: 'true', approver: '  u-malcolm ' }).approverId, 'u-malcolm');
    });

    it('gives the reason for another approver on one line, without control characters (the model decides whether it is needed)', () => {
      assert.equal(accepted({ ...complete, approverReason: '  Malcolm is on leave;\r\n\u0007Ciara runs the page.  ' }).approverReason, 'Malcolm is on leave; Ciara runs the page.');
      assert.equal(accepted({ ...complete, approverReason: 42 }).approverReason, '');
    });

    it('keeps the name of an "other" site, on one line', () => {
      assert.equal(accepted({ ...complete, sites: ['other'], otherSite: '  Mastodon\n(social.example) ' }).details.otherSite, 'Mastodon (social.example)');
    });

    it('drops the "other" site name when "other" is not chosen', () => {
      assert.equal('otherSite' in accepted({ ...complete, otherSite: 'Mastodon' }).details, false);
    });

    it('strips control characters from the business case', () => {
      const details = accepted({ ...complete, businessCase: '\u0007I answer tenant\u0000 questions\u001B on our\u202E Facebook page.\u007F  ' }).details;
      assert.equal(details.businessCase, BUSINESS_CASE);
    });
  });

  describe('defaults', () => {
    it('starts today and ends six months later', () => {
      assert.deepEqual(defaultPeriod(today), { startDate: '2026-11-25', endDate: '2027-05-25' });
    });

    it('ends on the last day of the month when six months later has no such day', () => {
      assert.deepEqual(defaultPeriod('2026-08-31'), { startDate: '2026-08-31', endDate: '2027-02-28' });
    });

    it('uses today and six months when the dates are left empty', () => {
      const { startDate, endDate } = accepted({ ...complete, startDate: '', endDate: undefined }).details;
      assert.deepEqual({ startDate, endDate }, { startDate: '2026-11-25', endDate: '2027-05-25' });
    });

    it('ends six months after a chosen start when no end is given', () => {
      assert.equal(accepted({ ...complete, startDate: '2026-12-01', endDate: '' }).details.endDate, '2027-06-01');
    });
  });

  describe('field errors', () => {
    it('asks for at least one site', () => {
      for (const sites of [undefined, [], '', 'myspace']) onlyError({ sites }, 'sites', 'Choose at least one site.');
    });

    it('asks for the name of an "other" site', () => {
      for (const otherSite of [undefined, '', ' x ']) onlyError({ sites: ['other'], otherSite }, 'otherSite', 'Name the other site.');
    });

    it('refuses a very long "other" site name', () => {
      onlyError({ sites: ['other'], otherSite: text(61) }, 'otherSite', 'Keep the site name to 60 characters at most.');
      assert.equal(accepted({ ...complete, sites: ['other'], otherSite: text(60) }).details.otherSite, text(60));
    });

    it('asks whether access is to view or to post', () => {
      for (const kind of [undefined, '', 'admin']) {
        onlyError({ kind }, 'kind', 'Choose whether you need to view sites or post on the Group\'s behalf.');
      }
    });

    it('refuses a business case under 20 characters, counted after trimming', () => {
      const message = 'Explain why you need access, in at least 20 characters.';
      onlyError({ businessCase: text(19) }, 'businessCase', message);
      onlyError({ businessCase: `   ${text(19)}\n\n  ` }, 'businessCase', message);
      onlyError({ businessCase: `${text(10)}\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B` }, 'businessCase', message);
      onlyError({ businessCase: undefined }, 'businessCase', message);
      assert.equal(accepted({ ...complete, businessCase: text(20) }).details.businessCase, text(20));
    });

    it('refuses a business case over 2,000 characters, saying how long it is', () => {
      onlyError({ businessCase: text(2001) }, 'businessCase', 'Keep the business case to 2000 characters at most (it has 2001).');
      assert.equal(accepted({ ...complete, businessCase: text(2000) }).details.businessCase.length, 2000);
    });

    it('refuses a start date in the past', () => {
      onlyError({ startDate: '2026-11-24' }, 'startDate', 'The start date can\'t be in the past.');
    });

    it('refuses a start date more than 3 months ahead', () => {
      onlyError({ startDate: '2027-02-26', endDate: '2027-06-01' }, 'startDate', 'Start within 3 months of today.');
      assert.equal(accepted({ ...complete, startDate: '2027-02-25', endDate: '2027-06-01' }).details.startDate, '2027-02-25');
    });

    it('asks for a real start date', () => {
      for (const startDate of ['tomorrow', '2026-02-30', '25/11/2026', 20261125]) onlyError({ startDate }, 'startDate', 'Enter a start date.');
    });

    it('refuses an end date before the start date', () => {
      onlyError({ endDate: '2026-11-20' }, 'endDate', 'The end date must be after the start date.');
    });

    it('refuses access lasting more than 12 months after the start', () => {
      onlyError({ endDate: '2027-11-26' }, 'endDate', 'Access can last at most 12 months (until 25 Nov 2027).');
      assert.equal(accepted({ ...complete, endDate: '2027-11-25' }).details.endDate, '2027-11-25');
    });

    it('asks for a real end date', () => {
      for (const endDate of ['later', '2027-13-01']) onlyError({ endDate }, 'endDate', 'Enter an end date.');
    });

    it('asks for an approver', () => {
      for (const approver of [undefined, '', '   ', 42]) onlyError({ approver }, 'approver', 'Choose your line manager as the approver.');
    });

    it('takes the person found with the Teams people picker over the directory list', () => {
      assert.equal(accepted({ ...complete, approverSearch: 'aad-picked' }).approverId, 'aad-picked');
      assert.equal(accepted({ ...complete, approverSearch: '' }).approverId, complete.approver);
    });

    it('requires the policy to be acknowledged', () => {
      for (const ackPolicy of [undefined, false, 'false', '']) {
        onlyError({ ackPolicy }, 'ackPolicy', 'You must confirm you have read and will follow the Social Media Policy.');
      }
    });

    it('requires monitoring to be acknowledged', () => {
      for (const ackMonitoring of [undefined, false, 'false', 'yes']) {
        onlyError({ ackMonitoring }, 'ackMonitoring', 'You must acknowledge that your use may be monitored.');
      }
    });
  });

  describe('reporting', () => {
    it('reports every problem at once, next to its field', () => {
      const { fieldErrors } = refused({
        sites: ['other'], otherSite: '', kind: 'edit', businessCase: 'short', startDate: '2026-11-01', endDate: '2026-10-01',
        approver: '', ackPolicy: false, ackMonitoring: false,
      });
      assert.deepEqual(Object.keys(fieldErrors ?? {}).sort(), [
        'ackMonitoring', 'ackPolicy', 'approver', 'businessCase', 'endDate', 'kind', 'otherSite', 'startDate',
      ]);
      assert.equal(fieldErrors?.startDate, 'The start date can\'t be in the past.');
      assert.equal(fieldErrors?.endDate, 'The end date must be after the start date.');
    });

    it('reports every missing field of an empty form', () => {
      const { fieldErrors } = refused({});
      assert.deepEqual(Object.keys(fieldErrors ?? {}).sort(), ['ackMonitoring', 'ackPolicy', 'approver', 'businessCase', 'kind', 'sites']);
    });
  });
});
