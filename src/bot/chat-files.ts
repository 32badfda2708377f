import type { TurnContext } from 'botbuilder';
import { caseListCard } from '../cards/case-list';
import type { CardRenderer } from '../cards/render';
import type { FileIntake } from '../cases/definition';
import { cleanLine } from '../domain/free-text';
import type { StagedFile } from '../store/staged-evidence';
import { replyWithCard, Turn } from './turn';

/**
 * Files sent in the 1:1 chat, for a workflow that takes them (its FileIntake): the files are kept and the person
 * is offered their cases to add them to. False when the message carries no files or the workflow has no case for them.
 */
export function chatFilesHandler(intake: FileIntake, renderer: CardRenderer, stateLabel: (state: string) => { label: string; color: string }) {
  return async (turn: Turn): Promise<boolean> => {
    const files = filesIn(turn.context).slice(0, intake.maxFiles);
    if (files.length === 0) return false;
    const cases = await intake.offer(turn.actor, turn.now, files);
    if (cases.length === 0) return false;
    await replyWithCard(turn.context, caseListCard(renderer, intake.title(files.length), cases, stateLabel, '', intake.verb));
    return true;
  };
}

/** File attachments as references: name, type and the file's link. Never downloaded, never the temporary download URL. */
export function filesIn(context: TurnContext): StagedFile[] {
  return (context.activity.attachments ?? []).flatMap((attachment): StagedFile[] => {
    if (attachment.contentType === 'text/html' || attachment.contentType === 'application/vnd.microsoft.card.adaptive') return [];
    const link = typeof attachment.contentUrl === 'string' && /^https:\/\/[^\s]+$/.test(attachment.contentUrl) ? attachment.contentUrl.slice(0, 1000) : '';
    if (!link) return [];
    const fileType = (attachment.content as { fileType?: unknown } | undefined)?.fileType;
    const contentType = cleanLine(typeof fileType === 'string' ? fileType : attachment.contentType).slice(0, 80);
    return [{ name: cleanLine(attachment.name ?? 'file').slice(0, 200) || 'file', contentType, link }];
  });
}
