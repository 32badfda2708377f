import { teamInbox } from '../../store/inbox';
import { randomUUID } from 'node:crypto';
import { caseListCard, CaseListEntry } from '../../cards/case-list';
import { messageCard } from '../../cards/message-card';
import { textInput } from '../../cases/card-input';
import type { CaseService } from '../../cases/case-service';
import type { CaseAction, CaseRules, FileExport, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { parseReference } from '../../domain/references';
import { attachStagedEvidence, stageEvidence } from './evidence';
import { defaultExportRange, describeExport, ExportInput, parseExportRequest } from './export';
import { registerFile } from './register-file';
import { findChosenPerson, PERSON_NOT_FOUND } from '../../directory/person-lookup';
import { routeTo } from '../../directory/delegation';
import { reject } from '../../domain/outcome';
import { Actor, hasRole } from '../../domain/people';
import { abuseReportEffects, ABUSE_REPORT_TIMERS } from './effects';
import { AbuseReportFormInput, validateAbuseReportForm } from './form';
import { abuseReportFormView } from './form-view';
import { ABUSE_REPORT_STATE_LABELS } from './labels';
import { AbuseReportCommand, AbuseReportEvent, AbuseReport, canSeeAbuseReport, decide, evolve, MAX_EVIDENCE, Outcome } from './model';
import { abuseReportParticipants, abuseReportPresenter,  } from './presenter';
import { AbuseReportSettings, DEFAULT_ABUSE_REPORT_SETTINGS, supportView } from './settings';
import { abuseReportCardView } from './view';

const rules: CaseRules = {
  prefix: 'AINM',
  name: 'abuseReport',
  closedStates: ['closed'],
  namedRoles: ['reporter', 'manager', 'actingFor'],
  disclosure: {
    detailsAuthor: 'reporter',
    labels: {
      reporter: 'the reporter', manager: 'the reporter\'s line manager', actingFor: 'the line manager named, out of office', other: 'a member of the Incident team',
    },
  },
  stateLabel: (state) => ABUSE_REPORT_STATE_LABELS[state as AbuseReport['state']] ?? { label: state, color: 'default' },
};

const NOT_FOUND = 'I can\'t find that report, or you don\'t have a part in it.';

/**
 * Abuse and harassment reports, each an AINM record: a member of staff reports what they received through
 * social media; their line manager acknowledges, the Incident team investigates and closes. `settings`: where
 * support is (every receipt shows it) and how soon an urgent report is escalated.
 */
export function abuseReportModule(settings: AbuseReportSettings = DEFAULT_ABUSE_REPORT_SETTINGS): WorkflowModule<AbuseReport, AbuseReportCommand, AbuseReportEvent> {
  return {
    rules,
    help: {
      full: [
        { command: 'report abuse', purpose: 'Report threats, abuse or harassment you received through social media, or a safeguarding concern. Confidential; support is offered.' },
        { command: 'my reports', purpose: 'See your reports and where each one is.' },
        { command: 'incidents', purpose: 'Incident team: the open AINM records.', role: 'incident' },
        {
          command: 'export', role: 'incident',
          purpose: 'Incident team: the AINM register as a CSV file in your OneDrive ("export register 2026-01-01 2026-06-30 json" for other dates or JSON).',
        },
      ],
      short: [
        { command: 'report abuse', purpose: 'Threats, abuse or harassment through social media. Confidential.' },
        { command: 'incidents', purpose: 'The open AINM records.', role: 'incident' },
      ],
    },
    lists: { myReports: 'menu.myReports', incidents: 'menu.incidents' },
    create(tools: WorkflowTools) {
      const { renderer, workingTime, directory, inbox, staged } = tools;
      const form = async (action: Pick<CaseAction, 'actor' | 'now'>, options: { input?: AbuseReportFormInput; errors?: Readonly<Record<string, string>>; formId?: string } = {}) =>
        renderer.render('abuse-report-form', abuseReportFormView({
          // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
          ...options, actor: action.actor, today: workingTime.londonDate(action.now), formId: options.formId ?? randomUUID(), people: await directory.everyone(),
        }));
      const note = (action: CaseAction) => textInput(action.data, 'note', 1000);
      const openRecords = async (actor: Actor) => (hasRole(actor, 'incident') ? inbox.list(teamInbox('incident'), { awaitingOnly: true }) : undefined);
      const list = (title: string, entries: readonly CaseListEntry[], empty: string, name: string) =>
        caseListCard(renderer, title, entries, rules.stateLabel, empty, 'case.show', name);
      const keeps = { note: 1000 };

      return {
        rules,
        notFound: () => NOT_FOUND,
        workflow: {
          decide, evolve, effects: abuseReportEffects(workingTime, settings.urgentEscalationMinutes), stateOf: (record) => record.state,
          participants: abuseReportParticipants, canSee: canSeeAbuseReport,
        },
        presenter: abuseReportPresenter(renderer, workingTime, settings),
        caseCard: (record, viewer, now, shown) => renderer.render('abuse-report', abuseReportCardView(record, viewer, now, workingTime, shown, settings)),
        /** Not acknowledged in time (a working day; an urgent report within the hour): the scheduler escalates. */
        timers: { [ABUSE_REPORT_TIMERS.escalate]: () => ({ type: 'escalate' }) },
        decisions: {
          acknowledge: { command: (action) => ({ type: 'acknowledge', note: note(action) }), done: 'You acknowledged this report. The reporter has been told.', keeps },
          addNote: { command: (action) => ({ type: 'addNote', note: note(action) }), done: 'Your note was added to the record.', keeps },
          startInvestigation: {
            command: (action) => ({ type: 'startInvestigation', note: note(action) }), done: 'You started the investigation. The reporter and their manager have been told.', keeps,
          },
          close: {
            command: (action) => ({ type: 'close', outcome: textInput(action.data, 'outcome', 40) as Outcome, note: note(action) }),
            done: 'You closed the record. The reporter and their manager have been told the outcome.', keeps,
          },
        },
        opening: {
          verb: 'abuseReport.submit',
          async command(action) {
            const input = action.data as AbuseReportFormInput;
            const checked = validateAbuseReportForm(input, workingTime.londonDate(action.now));
            if (!checked.ok) return checked;
            const manager = await findChosenPerson(directory, input.managerSearch, input.manager);
            if (!manager) return reject('invalid', 'Please check the highlighted fields.', { manager: PERSON_NOT_FOUND });
            // Out of office: the delegate acknowledges (never the reporter themselves).
            const route = await routeTo(tools.delegations, { id: manager.id, name: manager.name }, workingTime.londonDate(action.now), action.actor.id);
            return { type: 'report', reference: '', manager: route.to, ...(route.actingFor ? { actingFor: route.actingFor } : {}), details: checked.details };
          },
          formAgain: (action, errors) => form(action, { input: action.data as AbuseReportFormInput, errors, ...(typeof action.data.formId === 'string' ? { formId: action.data.formId } : {}) }),
          opened: receiptHeadline,
          repeated: 'This report was already sent.',
          stillOpening: { title: 'Already being sent', message: 'Your report is on its way. Type "my reports" in a moment to see it.' },
        },
        actions: (service) => ({
          'menu.reportAbuse': (action) => form(action),
          'abuseReport.attachEvidence': async (action) => {
            const reference = parseReference(action.data.reference);
            const outcome = reference ? await attachStagedEvidence(service, staged, reference, action.actor, action.now, action.origin) : undefined;
            if (!outcome) return messageCard(renderer, { title: 'Nothing to add', message: 'Attach the files in this chat again, then choose the report.' });
            if (!outcome.ok) {
              return outcome.snapshot ? service.definition.caseCard(outcome.snapshot, action.actor, action.now, { notice: outcome.message })
                : messageCard(renderer, { title: 'Not available', message: NOT_FOUND, style: 'warning' });
            }
            return service.definition.caseCard(outcome.snapshot, action.actor, action.now, { notice: 'The files were added to your report as evidence.', noticeStyle: 'good' });
          },
          'abuseReport.cancel': async () => messageCard(renderer, {
            title: 'Report not sent', message: 'Nothing was sent. You can type "report abuse" at any time.', hint: supportView(settings.support).text,
          }),
          'menu.myReports': async (action) => list('My reports', await inbox.list(action.actor.id, { role: 'reporter' }), 'You have not made any reports.', 'myReports'),
          'menu.incidents': async (action) => {
            const open = await openRecords(action.actor);
            return open ? list('Open AINM records', open, 'No open records.', 'incidents')
              : messageCard(renderer, { title: 'Incident team only', message: 'Only the Incident team (Health & Safety) sees the register of reports.', style: 'warning' });
          },
        }),
        commands: [
          {
            pattern: /^(report( abuse| harassment| a threat| threats| an incident)?|abuse|harassment|threats?|safeguarding( concern)?|i('m| am) being (harassed|abused|threatened|bullied)( online)?|i('ve| have) been (harassed|abused|threatened)( online)?|someone is (harassing|threatening|abusing) me( online)?)$/,
            verb: 'menu.reportAbuse',
          },
          { pattern: /^(my reports|my incidents)$/, verb: 'menu.myReports' },
          { pattern: /^(incidents|open incidents|ainm register|register of incidents)$/, verb: 'menu.incidents' },
        ],
        teamQueue: { team: 'Incident team', waiting: openRecords },
        fileIntake: {
          verb: 'abuseReport.attachEvidence',
          maxFiles: MAX_EVIDENCE,
          offer: (actor, now, files) => stageEvidence({ staged, inbox }, actor, now, files),
          title: (count) => `Add ${count} file${count === 1 ? '' : 's'} to which report?`,
        },
        exports: (service) => [registerExport(tools, service)],
      };
    },
  };
}

/**
 * The Incident team's export of the AINM register as a file (DESIGN.md: the Incident team may "export"):
 * "export", "export register", "export register 2026-01-01 2026-06-30 json": dates and format are optional.
 */
function registerExport({ workingTime }: WorkflowTools, service: CaseService<AbuseReport, AbuseReportCommand>): FileExport {
  return {
    name: 'ainmRegister',
    unnamedContexts: true,
    pattern: /^export(?: (?:the )?(?:ainm )?register)?(?: from)?(?: (\d\S*))?(?: to)?(?: (\d\S*))?(?: (?:as |in )?(csv|json))?$/,
    allowed: (actor) => hasRole(actor, 'incident'),
    refusal: { title: 'Incident team only', message: 'Only the Incident team (Health & Safety) can export the AINM register.' },
    retry: 'export',
    fromCommand(match, now) {
      const range = defaultExportRange(workingTime.londonDate(now));
      return { from: match[1] ?? range.from, to: match[2] ?? range.to, format: match[3] ?? 'csv' };
    },
    async build(input, now) {
      const request = parseExportRequest(input as ExportInput);
      if (!request.ok) return request;
      const file = await registerFile(service, { ...request, exportedAt: now }, workingTime);
      if (!file.ok) return file;
      const range = defaultExportRange(workingTime.londonDate(now));
      return {
        ...file, request: { ...file.request }, description: describeExport(file),
        whenEmpty: `Try a wider range, e.g. "export register 2025-01-01 ${range.to}".`,
      };
    },
  };
}

/** Abuse reports with the default support links and urgent escalation. */
export const abuseReport = abuseReportModule();

/** The 999 advice is not repeated here: the card's first line carries it on an urgent record. */
function receiptHeadline(record: AbuseReport): string {
  return `Your report ${record.reference} is recorded. ${record.manager.name} and the Incident team have been told.`;
}
