import { csvFile } from '../../domain/csv';
import { isCalendarDate } from '../../domain/calendar-date';
import { formatLocalDate } from '../../domain/london-time';
import { reject, Rejection } from '../../domain/outcome';
import type { LocalDate, WorkingTime } from '../../domain/working-time';
import type { AbuseReport } from './model';
import { AinmRegisterRow, REGISTER_COLUMNS, registerRow } from './register';

/**
 * The export of the Group's AINM register (DESIGN.md section 2: "Export (CSV and JSON) for the Group's
 * AINM register"): one register line per record reported in a range of London dates. Pure: the records,
 * the clock's reading (`exportedAt`) and the working-time calendar come in as data.
 */
export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A checked export request: `from` <= `to`, both real dates, inclusive, in London time. */
export interface ExportRequest {
  readonly from: LocalDate;
  readonly to: LocalDate;
  readonly format: ExportFormat;
}

/** What a person, a card's context or the command line asked for: untrusted until checked. */
export interface ExportInput {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly format?: unknown;
}

export interface RegisterExport {
  readonly ok: true;
  readonly request: ExportRequest;
  readonly fileName: string;
  readonly contentType: string;
  readonly body: string;
  readonly rowCount: number;
}

const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/** From 1 January of this year (London) to today: what "export" with no dates means. */
export function defaultExportRange(today: LocalDate): { from: LocalDate; to: LocalDate } {
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** Checks dates and format; the rejection says what to type instead. */
export function parseExportRequest(input: ExportInput): ({ ok: true } & ExportRequest) | Rejection {
  const errors: Record<string, string> = {};
  const { from, to } = input;
  if (!isCalendarDate(from)) errors.from = dateProblem('start', from, '2026-01-31');
  if (!isCalendarDate(to)) errors.to = dateProblem('end', to, '2026-12-31');
  const format = typeof input.format === 'string' ? input.format.trim().toLowerCase() : input.format;
  if (!(EXPORT_FORMATS as readonly unknown[]).includes(format)) {
    errors.format = typeof input.format === 'string' ? `${quoted(input.format)} is not a format I write: choose csv or json.` : 'Choose the format: csv or json.';
  }
  if (isCalendarDate(from) && isCalendarDate(to) && from > to) errors.to = `The start date ${from} is after the end date ${to}: swap them.`;
  const problems = Object.values(errors);
  if (problems.length > 0) return reject('invalid', problems.join(' '), errors);
  return { ok: true, from: from as LocalDate, to: to as LocalDate, format: format as ExportFormat };
}

/**
 * The register lines of the records reported between `from` and `to` (London dates, inclusive), sorted
 * by reference, as a CSV (RFC 4180, protected against spreadsheet formulas) or JSON file. No description,
 * links or evidence: {@link registerRow} carries none.
 */
export function exportRegister(
  records: Iterable<AbuseReport>, input: ExportInput & { readonly exportedAt?: Date }, workingTime: WorkingTime,
): RegisterExport | Rejection {
  const request = parseExportRequest(input);
  if (!request.ok) return request;
  const { from, to, format } = request;
  const rows = [...records]
    .filter((record) => inRange(workingTime.londonDate(new Date(record.reportedAt)), from, to))
    .sort((a, b) => byReference(a.reference, b.reference))
    .map((record) => registerRow(record, workingTime));
  const body = format === 'csv'
    ? toCsv(rows)
    : `${JSON.stringify({ ...(input.exportedAt ? { exportedAt: input.exportedAt.toISOString() } : {}), from, to, rows }, null, 2)}\n`;
  return {
    ok: true, request: { from, to, format }, fileName: `ainm-register-${from}-to-${to}.${format}`,
    contentType: CONTENT_TYPES[format], body, rowCount: rows.length,
  };
}

/** "AINM register, 1 Jan 2026 to 25 Nov 2026: 3 records (CSV)": the line shown on the file consent card. */
export function describeExport(file: RegisterExport): string {
  const { from, to, format } = file.request;
  return `AINM register, ${formatLocalDate(from)} to ${formatLocalDate(to)}: ${file.rowCount} record${file.rowCount === 1 ? '' : 's'} (${format.toUpperCase()}).`;
}

/** RFC 4180, formula-safe (src/domain/csv.ts): the file the Group's register system reads, so no byte order mark. */
export function toCsv(rows: readonly AinmRegisterRow[]): string {
  return csvFile(REGISTER_COLUMNS, rows);
}

function inRange(day: LocalDate, from: LocalDate, to: LocalDate): boolean {
  return day >= from && day <= to;
}

/** AINM-2026-00002 before AINM-2026-00010, and before AINM-2026-100000 should a year ever need six digits. */
function byReference(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function dateProblem(which: 'start' | 'end', value: unknown, example: string): string {
  const wanted = `give the ${which} date as YYYY-MM-DD, for example ${example}.`;
  return typeof value === 'string' && value !== '' ? `${quoted(value)} is not a date: ${wanted}` : `${wanted.charAt(0).toUpperCase()}${wanted.slice(1)}`;
}

function quoted(value: string): string {
  return `"${value.slice(0, 40)}"`;
}
