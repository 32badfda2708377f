import { stringify } from 'csv-stringify/sync';

/** One value of a CSV file. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * A CSV file for people to open in Excel, written by csv-stringify: RFC 4180 (CRLF, quotes doubled), a header row
 * of `columns`, every cell that starts like a formula defused with a leading apostrophe (OWASP "CSV Injection":
 * `escape_formulas`), and, with `bom`, a UTF-8 byte order mark so Excel reads names with accents right. Fields
 * holding any line break are quoted (by default csv-stringify quotes only the record delimiter itself, and a lone
 * "\n" inside a CRLF file would split the row for many readers).
 */
export function csvFile<C extends string>(columns: readonly C[], rows: readonly Readonly<Record<C, CsvValue>>[], options: { readonly bom?: boolean } = {}): string {
  const cells = rows.map((row) => columns.map((column) => text(row[column])));
  return stringify([[...columns], ...cells], { record_delimiter: 'windows', quoted_match: /[\r\n]/, escape_formulas: true, bom: options.bom ?? false });
}

function text(value: CsvValue): string {
  return value === null || value === undefined ? '' : String(value);
}
