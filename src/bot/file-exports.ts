import { type FileConsentCardResponse, MessageFactory } from 'botbuilder';
import { messageCard } from '../cards/message-card';
import type { CardRenderer } from '../cards/render';
import type { FileExport } from '../cases/definition';
import type { Logger } from '../logger';
import { fileConsentCard, fileInfoCard, uploadConsentedFile } from './file-consent';
import { Command, replyWithCard, Turn } from './turn';

/**
 * A workflow's file exports (its FileExport list) as Teams does them: the typed command offers a file consent
 * card; "Allow" re-checks the person, rebuilds the file from the store and uploads it to their OneDrive. The
 * card's context only names the export and its checked request: nothing on it decides who gets the file.
 */
export function fileExportRoutes(exports: readonly FileExport[], renderer: CardRenderer, logger: Logger): {
  commands: Command[]; onFileConsent: (turn: Turn, response: FileConsentCardResponse) => Promise<boolean>;
} {
  const problem = (turn: Turn, title: string, message: string) => replyWithCard(turn.context, messageCard(renderer, { title, message, style: 'warning' }));
  const refuse = (turn: Turn, file: FileExport) => problem(turn, file.refusal.title, file.refusal.message);

  const offer = (file: FileExport) => async (turn: Turn, match: RegExpExecArray): Promise<void> => {
    if (!file.allowed(turn.actor)) return refuse(turn, file);
    const built = await file.build(file.fromCommand(match, turn.now), turn.now);
    if (!built.ok) return problem(turn, 'Export not started', built.message);
    if (built.rowCount === 0) return problem(turn, 'Nothing to export', `${built.description} ${built.whenEmpty}`);
    await turn.context.sendActivity(MessageFactory.attachment(fileConsentCard({
      name: built.fileName, description: built.description, sizeInBytes: Buffer.byteLength(built.body, 'utf8'), acceptContext: { export: file.name, ...built.request },
    })));
  };

  async function onFileConsent(turn: Turn, response: FileConsentCardResponse): Promise<boolean> {
    if (response.action === 'decline') {
      await turn.context.sendActivity('Export cancelled. Nothing was saved.');
      return true;
    }
    const context = (typeof response.context === 'object' && response.context !== null ? response.context : {}) as Record<string, unknown>;
    const file = exports.find((candidate) => (context.export === undefined ? candidate.unnamedContexts : candidate.name === context.export));
    if (!file) return false;
    if (!file.allowed(turn.actor)) {
      logger.warn({ actorId: turn.actor.id, export: file.name }, 'export accepted by someone it is not for; nothing uploaded');
      await refuse(turn, file);
      return true;
    }
    const built = await file.build(context, turn.now);
    if (!built.ok) return false;
    const upload = await uploadConsentedFile(response.uploadInfo, built.body, built.contentType);
    if (!upload.ok) {
      logger.warn({ reason: upload.reason, status: upload.status, export: file.name }, 'export not uploaded');
      await problem(turn, 'Export not saved', `I couldn't save the file to your OneDrive. Type "${file.retry}" to try again.`);
      return true;
    }
    await turn.context.sendActivity(MessageFactory.attachment(fileInfoCard(response.uploadInfo ?? {})));
    return true;
  }

  return { commands: exports.map((file) => ({ pattern: file.pattern, handle: offer(file) })), onFileConsent };
}
