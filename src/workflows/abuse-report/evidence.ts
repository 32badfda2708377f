import type { CaseService } from '../../cases/case-service';
import type { TransitionOutcome } from '../../cases/transition';
import type { CardLocation } from '../../domain/effects';
import type { Actor } from '../../domain/people';
import type { Inbox, InboxEntry } from '../../store/inbox';
import type { StagedEvidence, StagedFile } from '../../store/staged-evidence';
import type { AbuseReportCommand, AbuseReport } from './model';

/** Keeps files someone sent in the chat until they say which report they belong to; their open reports to choose from. */
export async function stageEvidence(
  stores: { readonly staged: StagedEvidence; readonly inbox: Inbox }, actor: Actor, now: Date, files: readonly StagedFile[],
): Promise<InboxEntry[]> {
  await stores.staged.stage(actor.id, files, now.toISOString());
  return (await stores.inbox.list(actor.id, { role: 'reporter' })).filter((entry) => entry.state !== 'closed');
}

/** Adds the files waiting for `actor` to their report as evidence; undefined when none are waiting. */
export async function attachStagedEvidence(
  service: CaseService<AbuseReport, AbuseReportCommand>, staged: StagedEvidence, reference: string, actor: Actor, now: Date, origin?: CardLocation,
): Promise<TransitionOutcome<AbuseReport> | undefined> {
  const files = await staged.take(actor.id);
  if (files.length === 0) return undefined;
  const outcome = await service.act(reference, { type: 'addEvidence', files }, actor, now, origin);
  if (outcome.ok) await staged.clear(actor.id);
  // Files that cannot fit never will: kept, they would refuse every file sent after them for a day.
  if (!outcome.ok && outcome.code === 'invalid') {
    await staged.clear(actor.id);
    return { ...outcome, message: `${outcome.message} These files were not added: send the ones that matter most again.` };
  }
  return outcome;
}
