import { csvFile } from '../../domain/csv';
import { formatLocalDate } from '../../domain/london-time';
import type { Rejection } from '../../domain/outcome';
import { platformName } from '../../domain/platforms';
import type { LocalDate, WorkingTime } from '../../domain/working-time';
import { ExportInput, parseExportRequest, ExportFormat } from '../abuse-report/export';
import { KIND_LABELS, MODERATION_LABELS } from './labels';
import type { CustomerPost } from './model';

/**
 * The desk report (issue 12): one line a post received in a range of London dates, saying whether the policy's
 * clocks were kept. "Within 24 hours" (complaints): the first response by the complaint deadline (24 hours Monday
 * to Friday; weekend posts by the end of the first working day). "Within 5 working days" (problems and enquiries):
 * resolved by five working days after the post. Both are measured from when the customer posted, whatever new
 * date the customer was told; blank when the post owes no such clock, or its deadline has not come yet. Pure:
 * the posts, the clock's reading and the working-time calendar come in as data.
 */
export interface DeskReportRow {
  readonly reference: string;
  readonly platform: string;
  readonly kind: string;
  readonly received: string;
  readonly firstResponseAt: string;
  readonly within24Hours: YesNo;
  readonly resolvedAt: string;
  readonly within5WorkingDays: YesNo;
  readonly outcome: string;
}
type YesNo = 'yes' | 'no' | '';

export const DESK_REPORT_COLUMNS: readonly (keyof DeskReportRow)[] = [
  'reference', 'platform', 'kind', 'received', 'firstResponseAt', 'within24Hours', 'resolvedAt', 'within5WorkingDays', 'outcome',
];

export interface DeskReportFile {
  readonly ok: true;
  readonly request: { readonly from: LocalDate; readonly to: LocalDate; readonly format: ExportFormat };
  readonly fileName: string;
  readonly contentType: string;
  readonly body: string;
  readonly rowCount: number;
}

const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/**
 * The report of the posts received between `from` and `to` (London dates, inclusive), by reference. CSV: UTF-8
 * with a byte order mark (Excel then reads names with accents right), CRLF, cells that start like a formula
 * defused (OWASP "CSV Injection"), by src/domain/csv.ts; or JSON.
 */
export function deskReport(
  posts: Iterable<CustomerPost>, input: ExportInput & { readonly exportedAt: Date }, workingTime: WorkingTime,
): DeskReportFile | Rejection {
  const request = parseExportRequest(input);
  if (!request.ok) return request;
  const { from, to, format } = request;
  const rows = [...posts]
    .filter((post) => inRange(workingTime.londonDate(new Date(post.details.postedAt)), from, to))
    .sort((a, b) => a.reference.localeCompare(b.reference, 'en', { numeric: true }))
    .map((post) => deskReportRow(post, input.exportedAt, workingTime));
  const body = format === 'csv'
    ? csvFile(DESK_REPORT_COLUMNS, rows, { bom: true })
    : `${JSON.stringify({ exportedAt: input.exportedAt.toISOString(), from, to, rows }, null, 2)}\n`;
  return {
    ok: true, request: { from, to, format }, fileName: `customer-posts-${from}-to-${to}.${format}`,
    contentType: CONTENT_TYPES[format], body, rowCount: rows.length,
  };
}

/** "Customer posts, 1 Jan 2026 to 25 Nov 2026: 3 posts (CSV).": the line on the file consent card. */
export function describeDeskReport(file: DeskReportFile): string {
  const { from, to, format } = file.request;
  return `Customer posts, ${formatLocalDate(from)} to ${formatLocalDate(to)}: ${file.rowCount} post${file.rowCount === 1 ? '' : 's'} (${format.toUpperCase()}).`;
}

export function deskReportRow(post: CustomerPost, now: Date, workingTime: WorkingTime): DeskReportRow {
  const postedAt = new Date(post.details.postedAt);
  const { kind } = post.details;
  const firstResponseAt = post.firstResponse?.at ?? '';
  const resolvedAt = post.resolution?.at ?? '';
  return {
    reference: post.reference,
    platform: platformName(post.details.platform, post.details.platformOther),
    kind: KIND_LABELS[kind],
    received: post.details.postedAt,
    firstResponseAt,
    within24Hours: kind === 'complaint' ? keptBy(firstResponseAt, workingTime.complaintResponseDeadline(postedAt), now) : '',
    resolvedAt,
    within5WorkingDays: kind === 'problem_or_enquiry' ? keptBy(resolvedAt, workingTime.enquiryDeadline(postedAt), now) : '',
    outcome: outcomeOf(post),
  };
}

/** Done by the deadline: yes; done later, or not done and the deadline passed: no; not done and still time: blank. */
function keptBy(doneAt: string, deadline: Date, now: Date): YesNo {
  if (doneAt) return doneAt <= deadline.toISOString() ? 'yes' : 'no';
  return now.getTime() > deadline.getTime() ? 'no' : '';
}

function outcomeOf(post: CustomerPost): string {
  switch (post.state) {
    case 'resolved': return post.resolution?.outcome ?? '';
    case 'hidden_or_removed': return `${MODERATION_LABELS[post.moderation?.action ?? 'hidden']} under the house rules`;
    case 'handed_to_complaints': return `Handed to the Group Complaints Policy (${post.complaintsReference ?? ''})`;
    case 'monitoring': return 'Not commenting: monitoring';
    case 'open':
    case 'responded':
      return '';
  }
}

function inRange(day: LocalDate, from: LocalDate, to: LocalDate): boolean {
  return day >= from && day <= to;
}
