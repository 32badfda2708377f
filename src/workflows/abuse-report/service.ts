import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import type { CardLocation } from '../../domain/effects';
import { reject, Rejection } from '../../domain/outcome';
import { Actor, hasRole, SYSTEM } from '../../domain/people';
import type { InboxEntry } from '../../store/inbox';
import { caseAccess, CaseServiceDeps } from '../../cases/case-access';
import { openCaseOnce } from '../../cases/open-once';
import { abuseReportWorkflow } from './workflow';
import type { TransitionOutcome } from '../../cases/transition';
import type { StagedEvidence, StagedFile } from '../../store/staged-evidence';
import { AINM_TIMERS } from './effects';
import type { TimerHandler } from '../../scheduler/scheduler';
import { AbuseReportFormInput, validateAbuseReportForm } from './form';
import { AinmRecord, decide } from './model';
import { INCIDENT_TEAM_INBOX } from './presenter';
import type { AbuseReportSettings } from './settings';

export interface AbuseReportServiceDeps extends CaseServiceDeps {
  readonly staged: StagedEvidence;
  /** Support and urgent escalation (EAP_URL, HOLMES_URL, SUPPORT_PHONE, URGENT_ESCALATION_MINUTES); the defaults otherwise. */
  readonly settings?: AbuseReportSettings;
}

export type ReportOutcome =
  | { readonly kind: 'reported'; readonly record: AinmRecord }
  | { readonly kind: 'invalid'; readonly rejection: Rejection }
  | { readonly kind: 'duplicate'; readonly record?: AinmRecord };

const PLACEHOLDER_REFERENCE = 'AINM-0000-00000';

/** Load -> decide -> save -> notify for AINM records: the only abuse-report code that touches the store. */
export function createAbuseReportService(deps: AbuseReportServiceDeps) {
  const { act, loadFor } = caseAccess(
    deps, abuseReportWorkflow(deps.workingTime, deps.settings), 'AINM', 'I can\'t find that report, or you don\'t have a part in it.',
  );

  async function checkForm(input: AbuseReportFormInput, actor: Actor, now: Date) {
    const form = validateAbuseReportForm(input, deps.workingTime.londonDate(now));
    if (!form.ok) return form;
    const manager = await findChosenPerson(deps.directory, input.managerSearch, input.manager);
    if (!manager) return reject('invalid', 'Please check the highlighted fields.', { manager: PERSON_NOT_FOUND });
    const command = { type: 'report', reference: PLACEHOLDER_REFERENCE, manager: { id: manager.id, name: manager.name }, details: form.details } as const;
    const dryRun = decide(undefined, command, { actor, now });
    return dryRun.ok ? command : dryRun;
  }

  return {
    loadFor,
    async report(actor: Actor, now: Date, formToken: unknown, input: AbuseReportFormInput, origin?: CardLocation): Promise<ReportOutcome> {
      const checked = await checkForm(input, actor, now);
      if (!('type' in checked)) return { kind: 'invalid', rejection: checked };
      const opened = await openCaseOnce(deps, {
        actor, formToken, prefix: 'AINM', year: Number(deps.workingTime.londonDate(now).slice(0, 4)),
        open: (reference, isNew) => act(reference, { ...checked, reference }, actor, now, origin, isNew),
      });
      if (opened.kind === 'created') return { kind: 'reported', record: opened.snapshot };
      return opened.snapshot ? { kind: 'duplicate', record: opened.snapshot } : { kind: 'duplicate' };
    },

    act,

    /** The record if `viewer` may see it; otherwise undefined, exactly as if it did not exist. */
    async rememberCard(reference: string, viewerId: string, location: CardLocation): Promise<void> {
      await deps.cases.saveCardCopy(reference, { viewerId, ...location });
    },

    async myReports(actor: Actor): Promise<InboxEntry[]> {
      return deps.inbox.list(actor.id, { role: 'reporter' });
    },

    /** Open records, for the Incident team; undefined for anyone else. */
    async openRecords(actor: Actor): Promise<InboxEntry[] | undefined> {
      if (!hasRole(actor, 'incident')) return undefined;
      return deps.inbox.list(INCIDENT_TEAM_INBOX, { awaitingOnly: true });
    },

    /** Keeps files someone attached, until they say which of their reports they belong to. */
    async stageEvidence(actor: Actor, now: Date, files: readonly StagedFile[]): Promise<InboxEntry[]> {
      await deps.staged.stage(actor.id, files, now.toISOString());
      return (await deps.inbox.list(actor.id, { role: 'reporter' })).filter((entry) => entry.state !== 'closed');
    },

    async attachStagedEvidence(reference: string, actor: Actor, now: Date, origin?: CardLocation): Promise<TransitionOutcome<AinmRecord> | undefined> {
      const files = await deps.staged.take(actor.id);
      if (files.length === 0) return undefined;
      const outcome = await act(reference, { type: 'addEvidence', files }, actor, now, origin);
      if (outcome.ok) await deps.staged.clear(actor.id);
      // Files that cannot fit never will: kept, they would refuse every file sent after them for a day.
      if (!outcome.ok && outcome.code === 'invalid') {
        await deps.staged.clear(actor.id);
        return { ...outcome, message: `${outcome.message} These files were not added: send the ones that matter most again.` };
      }
      return outcome;
    },

    /** Not acknowledged in time (a working day; an urgent report within the hour): the scheduler escalates. */
    timerHandlers(): Record<string, TimerHandler> {
      return {
        [AINM_TIMERS.escalate]: async (timer, now) => {
          await act(timer.reference, { type: 'escalate' }, SYSTEM, now);
        },
      };
    },

    async *allRecords(): AsyncIterable<AinmRecord> {
      for await (const stored of deps.cases.snapshotsOf<AinmRecord>('AINM')) yield stored.snapshot;
    },
  };
}

export type AbuseReportService = ReturnType<typeof createAbuseReportService>;
