import { type FileConsentCardResponse, MessageFactory } from 'botbuilder';
import { fileConsentCard, fileInfoCard, uploadConsentedFile } from '../../bot/file-consent';
import { Command, noticeCard, replyWithCard, Turn, WorkflowRoutes } from '../../bot/turn';
import type { CardRenderer } from '../../cards/render';
import { hasRole } from '../../domain/people';
import type { WorkingTime } from '../../domain/working-time';
import type { Logger } from '../../logger';
import { defaultExportRange, describeExport, ExportInput, exportRegister, parseExportRequest } from './export';
import type { AinmRecord } from './model';
import type { AbuseReportService } from './service';

export interface RegisterExportRouteDeps {
  readonly service: AbuseReportService;
  readonly renderer: CardRenderer;
  readonly workingTime: WorkingTime;
  readonly logger: Logger;
}

/** "export", "export register", "export register 2026-01-01 2026-06-30 json": dates and format are optional. */
const EXPORT_COMMAND = /^export(?: (?:the )?(?:ainm )?register)?(?: from)?(?: (\d\S*))?(?: to)?(?: (\d\S*))?(?: (?:as |in )?(csv|json))?$/;

/**
 * The Incident team's export of the AINM register as a file in their OneDrive (DESIGN.md: the Incident
 * team may "export"). The command offers a file consent card; "Allow" re-checks the person, rebuilds the
 * file from the store and uploads it. Nothing on the card decides who gets the register.
 */
export function registerExportRoutes(deps: RegisterExportRouteDeps): { command: Command; onFileConsent: NonNullable<WorkflowRoutes['onFileConsent']> } {
  const { renderer, workingTime } = deps;
  const refuse = (turn: Turn) => replyWithCard(turn.context, noticeCard(renderer, {
    title: 'Incident team only', message: 'Only the Incident team (Health & Safety) can export the AINM register.', style: 'warning',
  }));
  const problem = (turn: Turn, title: string, message: string) => replyWithCard(turn.context, noticeCard(renderer, { title, message, style: 'warning' }));

  async function buildExport(input: ExportInput, now: Date) {
    const records: AinmRecord[] = [];
    for await (const record of deps.service.allRecords()) records.push(record);
    return exportRegister(records, { ...input, exportedAt: now }, workingTime);
  }

  async function offer(turn: Turn, match: RegExpExecArray): Promise<void> {
    if (!hasRole(turn.actor, 'incident')) return refuse(turn);
    const range = defaultExportRange(workingTime.londonDate(turn.now));
    const file = await buildExport({ from: match[1] ?? range.from, to: match[2] ?? range.to, format: match[3] ?? 'csv' }, turn.now);
    if (!file.ok) return problem(turn, 'Export not started', file.message);
    if (file.rowCount === 0) return problem(turn, 'Nothing to export', `${describeExport(file)} Try a wider range, e.g. "export register 2025-01-01 ${range.to}".`);
    await turn.context.sendActivity(MessageFactory.attachment(fileConsentCard({
      name: file.fileName, description: describeExport(file), sizeInBytes: Buffer.byteLength(file.body, 'utf8'), acceptContext: { ...file.request },
    })));
  }

  async function onFileConsent(turn: Turn, response: FileConsentCardResponse): Promise<boolean> {
    if (response.action === 'decline') {
      await turn.context.sendActivity('Export cancelled. Nothing was saved.');
      return true;
    }
    const request = parseExportRequest((response.context ?? {}) as ExportInput);
    if (!request.ok) return false;
    if (!hasRole(turn.actor, 'incident')) {
      deps.logger.warn({ actorId: turn.actor.id }, 'AINM export accepted by someone outside the Incident team; nothing uploaded');
      await refuse(turn);
      return true;
    }
    const file = await buildExport(request, turn.now);
    if (!file.ok) return false;
    const upload = await uploadConsentedFile(response.uploadInfo, file.body, file.contentType);
    if (!upload.ok) {
      deps.logger.warn({ reason: upload.reason, status: upload.status }, 'AINM export not uploaded');
      await problem(turn, 'Export not saved', 'I couldn\'t save the file to your OneDrive. Type "export" to try again.');
      return true;
    }
    await turn.context.sendActivity(MessageFactory.attachment(fileInfoCard(response.uploadInfo ?? {})));
    return true;
  }

  return { command: { pattern: EXPORT_COMMAND, handle: offer }, onFileConsent };
}
