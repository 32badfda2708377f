import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { caseListCard } from '../../cards/case-list';
import type { ListName } from '../../bot/lists';
import { ActionHandler, ActionTurn, clickedCard, Command, formToken, noticeCard, replyWithCard, textInput, Turn, WorkflowRoutes } from '../../bot/turn';
import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import type { Directory } from '../../directory/directory';
import { cleanLine } from '../../domain/free-text';
import { parseReference } from '../../domain/references';
import type { WorkingTime } from '../../domain/working-time';
import type { Logger } from '../../logger';
import type { StagedFile } from '../../store/staged-evidence';
import { registerExportRoutes } from './export-routes';
import type { AbuseReportFormInput } from './form';
import { abuseReportFormView } from './form-view';
import { AINM_STATE_LABELS } from './labels';
import { AinmCommand, AinmRecord, MAX_EVIDENCE, Outcome } from './model';
import type { AbuseReportService } from './service';
import { AbuseReportSettings, DEFAULT_ABUSE_REPORT_SETTINGS, supportView } from './settings';
import { AbuseCardExtras, abuseReportCardView } from './view';

export interface AbuseReportRouteDeps {
  readonly service: AbuseReportService;
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  readonly workingTime: WorkingTime;
  readonly logger: Logger;
  /** Where support is (the receipt's links) and the urgent escalation shown as the next step; the defaults otherwise. */
  readonly settings?: AbuseReportSettings;
}

const DONE: Readonly<Record<string, string>> = {
  acknowledge: 'You acknowledged this report. The reporter has been told.',
  addNote: 'Your note was added to the record.',
  startInvestigation: 'You started the investigation. The reporter and their manager have been told.',
  close: 'You closed the record. The reporter and their manager have been told the outcome.',
};

const NOT_FOUND = 'I can\'t find that report, or you don\'t have a part in it.';

/** Teams activity -> command -> service -> card, for abuse and harassment reports. */
export function abuseReportRoutes(deps: AbuseReportRouteDeps): WorkflowRoutes {
  const { service, renderer, workingTime } = deps;
  const settings = deps.settings ?? DEFAULT_ABUSE_REPORT_SETTINGS;
  const recordCard = (record: AinmRecord, turn: Pick<Turn, 'actor' | 'now'>, extras?: AbuseCardExtras) =>
    renderer.render('abuse-report', abuseReportCardView(record, turn.actor, turn.now, workingTime, extras, settings));
  const unavailable = () => noticeCard(renderer, { title: 'Not available', message: NOT_FOUND, style: 'warning' });

  async function formCard(turn: Turn, options: { input?: AbuseReportFormInput; errors?: Record<string, string>; formId?: string } = {}) {
    return renderer.render('abuse-report-form', abuseReportFormView({
      // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
      ...options, actor: turn.actor, today: workingTime.londonDate(turn.now), formId: options.formId ?? randomUUID(), people: await deps.directory.everyone(),
    }));
  }

  function decision(toCommand: (turn: ActionTurn) => AinmCommand): ActionHandler {
    return async (turn) => {
      const reference = parseReference(turn.data.reference);
      if (!reference) return unavailable();
      const command = toCommand(turn);
      const outcome = await service.act(reference, command, turn.actor, turn.now, clickedCard(turn));
      if (outcome.ok) return recordCard(outcome.snapshot, turn, outcome.changed ? { notice: DONE[command.type] ?? '', noticeStyle: 'good' } : {});
      if (!outcome.snapshot) return unavailable();
      return recordCard(outcome.snapshot, turn, { notice: outcome.message, fieldErrors: outcome.fieldErrors ?? {}, noteValue: textInput(turn.data, 'note', 1000) });
    };
  }

  async function showRecord(turn: Turn | ActionTurn, reference: string, remember: boolean): Promise<AdaptiveCardJson> {
    const record = await service.loadFor(reference, turn.actor, turn.verb);
    if (!record) return unavailable();
    const location = remember && 'data' in turn ? clickedCard(turn) : undefined;
    if (location) await service.rememberCard(reference, turn.actor.id, location);
    return recordCard(record, turn);
  }

  const note = (turn: ActionTurn) => textInput(turn.data, 'note', 1000);
  const list = (title: string, entries: Parameters<typeof caseListCard>[2], empty: string, name: ListName) =>
    caseListCard(renderer, title, entries, (state) => AINM_STATE_LABELS[state as AinmRecord['state']] ?? { label: state, color: 'default' }, empty, 'case.show', name);

  const actions: Record<string, ActionHandler> = {
    'menu.reportAbuse': (turn) => formCard(turn),
    'abuseReport.submit': async (turn) => {
      const input = turn.data as AbuseReportFormInput;
      const outcome = await service.report(turn.actor, turn.now, turn.data.formId, input, clickedCard(turn));
      if (outcome.kind === 'invalid') return formCard(turn, { input, errors: outcome.rejection.fieldErrors ?? {}, formId: formToken(turn.data) });
      if (outcome.kind === 'duplicate') {
        return outcome.record ? recordCard(outcome.record, turn, { notice: 'This report was already sent.', noticeStyle: 'emphasis' })
          : noticeCard(renderer, { title: 'Already being sent', message: 'Your report is on its way. Type "my reports" in a moment to see it.' });
      }
      return recordCard(outcome.record, turn, { headline: receiptHeadline(outcome.record) });
    },
    'abuseReport.cancel': async () => noticeCard(renderer, {
      title: 'Report not sent', message: 'Nothing was sent. You can type "report abuse" at any time.', hint: supportView(settings.support).text,
    }),
    'abuseReport.acknowledge': decision((turn) => ({ type: 'acknowledge', note: note(turn) })),
    'abuseReport.addNote': decision((turn) => ({ type: 'addNote', note: note(turn) })),
    'abuseReport.startInvestigation': decision((turn) => ({ type: 'startInvestigation', note: note(turn) })),
    'abuseReport.close': decision((turn) => ({ type: 'close', outcome: textInput(turn.data, 'outcome', 40) as Outcome, note: note(turn) })),
    'abuseReport.refresh': async (turn) => {
      const reference = parseReference(turn.data.reference);
      return reference ? showRecord(turn, reference, false) : unavailable();
    },
    'abuseReport.attachEvidence': async (turn) => {
      const reference = parseReference(turn.data.reference);
      const outcome = reference ? await service.attachStagedEvidence(reference, turn.actor, turn.now, clickedCard(turn)) : undefined;
      if (!outcome) return noticeCard(renderer, { title: 'Nothing to add', message: 'Attach the files in this chat again, then choose the report.' });
      if (!outcome.ok) return outcome.snapshot ? recordCard(outcome.snapshot, turn, { notice: outcome.message }) : unavailable();
      return recordCard(outcome.snapshot, turn, { notice: 'The files were added to your report as evidence.', noticeStyle: 'good' });
    },
    'menu.myReports': async (turn) => list('My reports', await service.myReports(turn.actor), 'You have not made any reports.', 'myReports'),
    'menu.incidents': async (turn) => {
      const open = await service.openRecords(turn.actor);
      return open ? list('Open AINM records', open, 'No open records.', 'incidents')
        : noticeCard(renderer, { title: 'Incident team only', message: 'Only the Incident team (Health & Safety) sees the register of reports.', style: 'warning' });
    },
  };

  const reply = (verb: string) => async (turn: Turn) => replyWithCard(turn.context, await actions[verb]!({ ...turn, data: {} }));
  const registerExport = registerExportRoutes({ service, renderer, workingTime, logger: deps.logger });
  const commands: Command[] = [
    {
      pattern: /^(report( abuse| harassment| a threat| threats| an incident)?|abuse|harassment|threats?|safeguarding( concern)?|i('m| am) being (harassed|abused|threatened|bullied)( online)?|i('ve| have) been (harassed|abused|threatened)( online)?|someone is (harassing|threatening|abusing) me( online)?)$/,
      handle: reply('menu.reportAbuse'),
    },
    { pattern: /^(my reports|my incidents)$/, handle: reply('menu.myReports') },
    { pattern: /^(incidents|open incidents|ainm register|register of incidents)$/, handle: reply('menu.incidents') },
    registerExport.command,
  ];

  /** Files sent in the chat: offer to add them to one of the person's open reports. */
  async function onFiles(turn: Turn): Promise<boolean> {
    const files = evidenceFiles(turn.context);
    if (files.length === 0) return false;
    const open = await service.stageEvidence(turn.actor, turn.now, files);
    if (open.length === 0) return false;
    await replyWithCard(turn.context, caseListCard(renderer, `Add ${files.length} file${files.length === 1 ? '' : 's'} to which report?`,
      open, (state) => AINM_STATE_LABELS[state as AinmRecord['state']] ?? { label: state, color: 'default' }, '', 'abuseReport.attachEvidence'));
    return true;
  }

  return { actions, commands, viewer: { prefix: 'AINM', show: showRecord, stateLabel: (state: string) => AINM_STATE_LABELS[state as AinmRecord['state']] ?? { label: state, color: 'default' } }, onFiles, onFileConsent: registerExport.onFileConsent };
}

/** The 999 advice is not repeated here: the card's first line carries it on an urgent record. */
function receiptHeadline(record: AinmRecord): string {
  return `Your report ${record.reference} is recorded. ${record.manager.name} and the Incident team have been told.`;
}

/** File attachments as references: name, type and the file's link. Never downloaded, never the temporary download URL. */
export function evidenceFiles(context: TurnContext): StagedFile[] {
  return (context.activity.attachments ?? []).flatMap((attachment): StagedFile[] => {
    if (attachment.contentType === 'text/html' || attachment.contentType === 'application/vnd.microsoft.card.adaptive') return [];
    const link = typeof attachment.contentUrl === 'string' && /^https:\/\/[^\s]+$/.test(attachment.contentUrl) ? attachment.contentUrl.slice(0, 1000) : '';
    if (!link) return [];
    const fileType = (attachment.content as { fileType?: unknown } | undefined)?.fileType;
    const contentType = cleanLine(typeof fileType === 'string' ? fileType : attachment.contentType).slice(0, 80);
    return [{ name: cleanLine(attachment.name ?? 'file').slice(0, 200) || 'file', contentType, link }];
  }).slice(0, MAX_EVIDENCE);
}
