import type { CaseService } from '../../cases/case-service';
import type { FileExport, WorkflowTools } from '../../cases/definition';
import { hasRole } from '../../domain/people';
import { defaultExportRange, ExportInput } from '../abuse-report/export';
import type { CustomerPost, CustomerPostCommand } from './model';
import { describeDeskReport, deskReport } from './report';

/**
 * "desk report", "desk report 2026-01-01 2026-06-30 json" (or with --from, --to, --format): the desk report as
 * a file in the asker's OneDrive. Dates and format are optional: this year to today, CSV. The file is built
 * afresh from every stored post, on the command and again on "Allow".
 */
export function deskReportExport({ workingTime }: Pick<WorkflowTools, 'workingTime'>, service: Pick<CaseService<CustomerPost, CustomerPostCommand>, 'snapshots'>): FileExport {
  return {
    name: 'deskReport',
    pattern: /^desk reports?(?: (?:from|--from))?(?: (\d\S*))?(?: (?:to|--to))?(?: (\d\S*))?(?: (?:as |in |--format )?(csv|json))?$/,
    allowed: (actor) => hasRole(actor, 'comms'),
    refusal: { title: 'Communications Team only', message: 'Only the Communications Team can export the desk report.' },
    retry: 'desk report',
    fromCommand(match, now) {
      const range = defaultExportRange(workingTime.londonDate(now));
      return { from: match[1] ?? range.from, to: match[2] ?? range.to, format: match[3] ?? 'csv' };
    },
    async build(input, now) {
      const posts: CustomerPost[] = [];
      for await (const post of service.snapshots()) posts.push(post);
      const file = deskReport(posts, { ...(input as ExportInput), exportedAt: now }, workingTime);
      if (!file.ok) return file;
      const range = defaultExportRange(workingTime.londonDate(now));
      return {
        ...file, request: { ...file.request }, description: describeDeskReport(file),
        whenEmpty: `Try a wider range, e.g. "desk report 2025-01-01 ${range.to}".`,
      };
    },
  };
}
