import { stringify } from 'csv-stringify/sync';

/** One value of a CSV file. */
export type CsvValue = string | number | boolean | null | undefined;

/** Spreadsheets run a cell that starts like a formula; a leading apostrophe makes it text (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV file for people to open in Excel: RFC 4180 (CRLF, quotes doubled) written by csv-stringify, a header row
 * of `columns`, every cell that starts like a formula defused, and, with `bom`, a UTF-8 byte order mark so Excel
 * reads names with accents right. Fields holding a line break are quoted too (csv-stringify quotes only the
 * record delimiter itself, and a lone "\n" inside a CRLF file would split the row for many readers).
 */
export function csvFile<C extends string>(columns: readonly C[], rows: readonly Readonly<Record<C, CsvValue>>[], options: { readonly bom?: boolean } = {}): string {
  const cells = rows.map((row) => columns.map((column) => defused(row[column])));
  return stringify([columns.map(defused), ...cells], { record_delimiter: 'windows', quoted_match: /[\r\n]/, bom: options.bom ?? false });
}

function defused(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}
