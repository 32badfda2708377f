import { csvFile } from '../../src/domain/csv';
import assert from 'node:assert/strict';
import type { Rejection } from '../../src/domain/outcome';
import { createWorkingTime } from '../../src/domain/working-time';
import {
  defaultExportRange, describeExport, exportRegister, parseExportRequest, RegisterExport,
} from '../../src/workflows/abuse-report/export';
import type { AbuseReport } from '../../src/workflows/abuse-report/model';
import { REGISTER_COLUMNS } from '../../src/workflows/abuse-report/register';

/** The AINM register export (DESIGN.md section 2): pure, so records, dates and the clock come in as data. */
const workingTime = createWorkingTime();
const SECRET = 'He said he knows where I live';

function record(reference: string, reportedAt: string, overrides: Partial<AbuseReport> = {}): AbuseReport {
  return {
    reference, state: 'reported', reportedAt, urgent: false, evidence: [{ name: 'shot.png', contentType: 'image/png', link: 'https://x.sharepoint.com/shot.png' }],
    reporter: { id: 'u-rhona', name: 'Rhona Reporter' }, manager: { id: 'u-malcolm', name: 'Malcolm Manager' },
    details: {
      category: 'threat', source: 'member_of_public', platform: 'facebook', links: ['https://facebook.com/post/1'],
      happenedOn: reportedAt.slice(0, 10), description: SECRET, immediateDanger: false, wantsSupport: false,
    },
    history: [], ...overrides,
  };
}

function exported(records: AbuseReport[], from: string, to: string, format: string, exportedAt?: Date): RegisterExport {
  const file = exportRegister(records, { from, to, format, ...(exportedAt ? { exportedAt } : {}) }, workingTime);
  assert.ok(file.ok, `export refused: ${'message' in file ? file.message : ''}`);
  return file;
}

function refused(input: Record<string, unknown>): Rejection {
  const outcome = exportRegister([], input, workingTime);
  assert.equal(outcome.ok, false, 'the export should be refused');
  return outcome as Rejection;
}

const csvLines = (body: string): string[] => body.split('\r\n');

describe('AINM register export', () => {
  describe('CSV', () => {
    it('starts with a header row of the register columns and ends every row with CRLF', () => {
      const file = exported([record('AINM-2026-00001', '2026-03-02T10:00:00.000Z')], '2026-01-01', '2026-12-31', 'csv');
      assert.equal(file.fileName, 'ainm-register-2026-01-01-to-2026-12-31.csv');
      assert.match(file.contentType, /^text\/csv/);
      assert.equal(csvLines(file.body)[0], REGISTER_COLUMNS.join(','));
      assert.ok(file.body.endsWith('\r\n'));
      assert.equal(file.body.replace(/\r\n/g, '').includes('\n'), false, 'no bare line feeds');
      assert.deepEqual(csvLines(file.body).slice(1), [
        'AINM-2026-00001,2026-03-02T10:00:00.000Z,2026-03-02,,,Threat,A member of the public,Facebook,false,Reported: waiting for the line manager,,Malcolm Manager,',
        '',
      ]);
    });

    /** One cell as the register's CSV writes it (src/domain/csv.ts): the file of one column and one row, less its header. */
    const csvCell = (value: string | number | boolean | null) => csvFile(['v'], [{ v: value }]).slice('v\r\n'.length, -'\r\n'.length);

    it('quotes fields with commas, quotes or line breaks and doubles the quotes (RFC 4180)', () => {
      assert.equal(csvCell('Forum, "the" board'), '"Forum, ""the"" board"');
      assert.equal(csvCell('two\nlines'), '"two\nlines"');
      assert.equal(csvCell('plain text'), 'plain text');
      assert.equal(csvCell(null), '');
      assert.equal(csvCell(2.5), '2.5');
      assert.equal(csvCell(true), 'true');
    });

    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      it(`defuses a cell starting with ${JSON.stringify(start)} with a leading apostrophe`, () => {
        const cell = csvCell(`${start}HYPERLINK("https://evil.example","x")`);
        assert.ok(cell.startsWith(`"'${start}HYPERLINK(`), cell);
      });
    }

    it('defuses a formula typed as the name of an "other" platform, keeping the row intact', () => {
      const other = record('AINM-2026-00001', '2026-03-02T10:00:00.000Z', {
        details: { ...record('x', '2026-03-02T10:00:00.000Z').details, platform: 'other', platformOther: '=cmd|\' /C calc\'!A0, "x"' },
      });
      const row = csvLines(exported([other], '2026-01-01', '2026-12-31', 'csv').body)[1]!;
      assert.ok(row.includes(',"\'=cmd|\' /C calc\'!A0, ""x""",'), row);
    });

    it('carries no description, links, evidence or reporter: those stay in Teams', () => {
      const { body } = exported([record('AINM-2026-00001', '2026-03-02T10:00:00.000Z')], '2026-01-01', '2026-12-31', 'csv');
      for (const hidden of [SECRET, 'facebook.com/post', 'shot.png', 'Rhona']) assert.equal(body.includes(hidden), false, hidden);
    });

    it('gives the time to acknowledge in working hours (Friday 16:00 to Monday 10:00 is 2 hours)', () => {
      const acknowledged = record('AINM-2026-00001', '2026-11-20T16:00:00.000Z', {
        state: 'acknowledged', acknowledgedAt: '2026-11-23T10:00:00.000Z', urgent: true,
      });
      const row = csvLines(exported([acknowledged], '2026-11-01', '2026-11-30', 'csv').body)[1]!.split(',');
      assert.equal(row[REGISTER_COLUMNS.indexOf('hoursToAcknowledge')], '2');
      assert.equal(row[REGISTER_COLUMNS.indexOf('acknowledgedAt')], '2026-11-23T10:00:00.000Z');
      assert.equal(row[REGISTER_COLUMNS.indexOf('urgent')], 'true');
    });
  });

  describe('which records', () => {
    const records = [
      record('AINM-2026-00010', '2026-06-30T22:59:00.000Z'), // 23:59 on 30 June in London (BST): in
      record('AINM-2026-00002', '2026-03-31T23:30:00.000Z'), // 00:30 on 1 April in London: in
      record('AINM-2026-00001', '2026-03-31T22:30:00.000Z'), // 23:30 on 31 March in London: out
      record('AINM-2026-00011', '2026-06-30T23:00:00.000Z'), // 00:00 on 1 July in London: out
      record('AINM-2026-00003', '2026-05-12T09:00:00.000Z'),
    ];

    it('keeps the records reported from `from` to `to` inclusive, by London date, sorted by reference', () => {
      const file = exported(records, '2026-04-01', '2026-06-30', 'json');
      const references = (JSON.parse(file.body) as { rows: { reference: string }[] }).rows.map((row) => row.reference);
      assert.deepEqual(references, ['AINM-2026-00002', 'AINM-2026-00003', 'AINM-2026-00010']);
      assert.equal(file.rowCount, 3);
    });

    it('exports one day when from and to are the same', () => {
      assert.equal(exported(records, '2026-05-12', '2026-05-12', 'csv').rowCount, 1);
    });

    it('writes only the header when no record falls in the range', () => {
      const file = exported(records, '2025-01-01', '2025-12-31', 'csv');
      assert.equal(file.rowCount, 0);
      assert.equal(file.body, `${REGISTER_COLUMNS.join(',')}\r\n`);
    });

    it('defaults to 1 January of this year to today', () => {
      assert.deepEqual(defaultExportRange('2026-11-25'), { from: '2026-01-01', to: '2026-11-25' });
    });
  });

  describe('JSON', () => {
    it('is { exportedAt, from, to, rows } with typed values', () => {
      const acknowledged = record('AINM-2026-00001', '2026-11-20T16:00:00.000Z', { state: 'acknowledged', acknowledgedAt: '2026-11-23T10:00:00.000Z' });
      const file = exported([acknowledged], '2026-11-01', '2026-11-30', 'json', new Date('2026-11-25T10:00:00Z'));
      assert.equal(file.fileName, 'ainm-register-2026-11-01-to-2026-11-30.json');
      assert.match(file.contentType, /^application\/json/);
      const parsed = JSON.parse(file.body) as { rows: Record<string, unknown>[] };
      assert.deepEqual(Object.keys(parsed), ['exportedAt', 'from', 'to', 'rows']);
      assert.deepEqual({ ...parsed, rows: undefined }, { exportedAt: '2026-11-25T10:00:00.000Z', from: '2026-11-01', to: '2026-11-30', rows: undefined });
      assert.deepEqual(Object.keys(parsed.rows[0]!), [...REGISTER_COLUMNS]);
      assert.equal(parsed.rows[0]!.urgent, false);
      assert.equal(parsed.rows[0]!.hoursToAcknowledge, 2);
      assert.equal(file.body.includes(SECRET), false);
    });

    it('has no exportedAt when none is given, and hoursToAcknowledge null before acknowledgement', () => {
      const parsed = JSON.parse(exported([record('AINM-2026-00001', '2026-03-02T10:00:00.000Z')], '2026-01-01', '2026-12-31', 'json').body) as Record<string, unknown>;
      assert.equal('exportedAt' in parsed, false);
      assert.equal((parsed.rows as Record<string, unknown>[])[0]!.hoursToAcknowledge, null);
    });
  });

  describe('bad arguments', () => {
    it('refuses a date that does not exist, naming it', () => {
      const rejection = refused({ from: '2026-13-01', to: '2026-12-31', format: 'csv' });
      assert.equal(rejection.code, 'invalid');
      assert.match(rejection.message, /"2026-13-01" is not a date: give the start date as YYYY-MM-DD/);
      assert.ok(rejection.fieldErrors?.from);
    });

    it('refuses 30 February and dates in other shapes', () => {
      assert.match(refused({ from: '2026-01-01', to: '2026-02-30', format: 'csv' }).message, /"2026-02-30" is not a date: give the end date/);
      assert.match(refused({ from: '01/02/2026', to: '2026-02-28', format: 'csv' }).message, /"01\/02\/2026" is not a date/);
    });

    it('refuses a missing date', () => {
      assert.match(refused({ to: '2026-02-28', format: 'csv' }).message, /^Give the start date as YYYY-MM-DD/);
    });

    it('refuses a start after the end', () => {
      assert.match(refused({ from: '2026-06-01', to: '2026-01-01', format: 'csv' }).message, /start date 2026-06-01 is after the end date 2026-01-01/);
    });

    it('refuses a format other than csv or json, and accepts either in capitals', () => {
      assert.match(refused({ from: '2026-01-01', to: '2026-02-28', format: 'xlsx' }).message, /"xlsx" is not a format I write: choose csv or json/);
      assert.match(refused({ from: '2026-01-01', to: '2026-02-28' }).message, /Choose the format: csv or json/);
      assert.deepEqual(parseExportRequest({ from: '2026-01-01', to: '2026-02-28', format: 'JSON' }), { ok: true, from: '2026-01-01', to: '2026-02-28', format: 'json' });
    });

    it('reports every problem at once', () => {
      const rejection = refused({ from: 'yesterday', to: 'today', format: 'pdf' });
      assert.deepEqual(Object.keys(rejection.fieldErrors ?? {}).sort(), ['format', 'from', 'to']);
    });
  });

  it('describes the file for the consent card', () => {
    const file = exported([record('AINM-2026-00001', '2026-03-02T10:00:00.000Z')], '2026-01-01', '2026-11-25', 'csv');
    assert.equal(describeExport(file), 'AINM register, 1 Jan 2026 to 25 Nov 2026: 1 record (CSV).');
  });
});
