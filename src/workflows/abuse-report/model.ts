import type { Platform } from '../../domain/platforms';
import { encodedLength, keepLatestSteps, tooLong, withinSnapshotLimit } from '../../domain/bounds';
import type { CommandContext } from '../../domain/decider';
import { formatLondonDateTime } from '../../domain/london-time';
import { accept, assertNever, Decision, reject } from '../../domain/outcome';
import { Actor, hasRole, Person, samePerson, SYSTEM } from '../../domain/people';
import type { LocalDate } from '../../domain/working-time';

/**
 * Abuse and harassment reports, each an Accident, Incident and Near-Miss (AINM) record (DESIGN.md
 * section 2). Policy: "If a member of staff receives any threats, abuse or harassment from members of
 * the public through their use of social media they must report such incidents using our Group
 * Accident, Incident and Near-Miss Reporting procedures." Pure: no I/O, no clock.
 */
export const CATEGORIES = ['threat', 'abuse', 'harassment', 'safeguarding', 'social_engineering', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SOURCES = ['tenant_or_customer', 'colleague', 'member_of_public', 'unknown'] as const;
export type Source = (typeof SOURCES)[number];


/**
 * Closing outcomes. Policy, Appendix 1 section 8: dealt with "consistent with ... the Unacceptable Actions Policy";
 * harassment by a colleague goes to the Dignity at Work policy or to HR instead.
 */
export const OUTCOMES = ['unacceptable_actions_policy', 'dignity_at_work', 'hr_referral', 'police_referral', 'no_further_action', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface AbuseReportDetails {
  readonly category: Category;
  readonly source: Source;
  readonly platform: Platform;
  readonly platformOther?: string;
  /** Links to the posts: http or https only. */
  readonly links: readonly string[];
  readonly happenedOn: LocalDate;
  readonly description: string;
  /** "In immediate danger?": marks the record urgent; the reporter is told to call 999 first. */
  readonly immediateDanger: boolean;
  /** "Would you like support?": the Employee Assistance Programme's details are given. */
  readonly wantsSupport: boolean;
}

/** A file the reporter attached in Teams, kept as a reference (never downloaded or copied). */
export interface EvidenceFile {
  readonly name: string;
  readonly contentType: string;
  readonly link: string;
}

export type AbuseReportState = 'reported' | 'acknowledged' | 'investigating' | 'closed';

export interface AbuseReportStep {
  readonly action: AbuseReportEvent['type'];
  readonly by: Person;
  readonly at: string;
  readonly note?: string;
}

export interface AbuseReport {
  readonly reference: string;
  readonly state: AbuseReportState;
  readonly reporter: Person;
  readonly manager: Person;
  /** The line manager named but out of office: `manager` is their delegate, who acknowledges for them. */
  readonly actingFor?: Person;
  readonly details: AbuseReportDetails;
  readonly urgent: boolean;
  readonly evidence: readonly EvidenceFile[];
  readonly reportedAt: string;
  readonly acknowledgedAt?: string;
  readonly escalatedAt?: string;
  readonly closedAt?: string;
  readonly outcome?: Outcome;
  /** The latest steps (see HISTORY_KEPT); every step is also an audit event row. */
  readonly history: readonly AbuseReportStep[];
  /** Steps older than `history`, kept only in the audit events (absent in records stored before it was counted). */
  readonly earlierSteps?: number;
  /** Set by the retention purge: free text and identities are gone, the statistics remain. */
  readonly purgedAt?: string;
}

export type AbuseReportEvent =
  | { type: 'ReportMade'; at: string; by: Person; reference: string; manager: Person; actingFor?: Person; details: AbuseReportDetails }
  | { type: 'Acknowledged'; at: string; by: Person; note?: string }
  | { type: 'NoteAdded'; at: string; by: Person; note: string }
  | { type: 'EvidenceAdded'; at: string; by: Person; files: readonly EvidenceFile[] }
  | { type: 'EscalatedToIncidentTeam'; at: string; by: Person }
  | { type: 'InvestigationStarted'; at: string; by: Person; note?: string }
  | { type: 'Closed'; at: string; by: Person; outcome: Outcome; note: string };

export type AbuseReportCommand =
  | { type: 'report'; reference: string; manager: Person; actingFor?: Person; details: AbuseReportDetails }
  | { type: 'acknowledge'; note?: string }
  | { type: 'addNote'; note: string }
  | { type: 'addEvidence'; files: readonly EvidenceFile[] }
  | { type: 'escalate' }
  | { type: 'startInvestigation'; note?: string }
  | { type: 'close'; outcome: Outcome; note: string };

export const MAX_EVIDENCE = 20;
/**
 * The evidence list as stored (names, types and links, as JSON) holds at most this many characters. Teams
 * links to chat files are about 150 characters, so 20 ordinary files take about 5,000.
 */
export const EVIDENCE_MAX_CHARS = 8000;
/** Notes as the card's input allows them (`maxLength` in cards/abuse-report.json). */
export const NOTE_MAX = 1000;
const MIN_NOTE = 3;

/**
 * Who may see a record (DESIGN.md: confidential): the reporter, their manager, the Incident team and admins; the
 * safeguarding lead an urgent or safeguarding report, IT security a social-engineering attempt (each is told of them).
 */
export function canSeeAbuseReport(record: AbuseReport, viewer: Actor): boolean {
  return samePerson(record.reporter, viewer) || samePerson(record.manager, viewer) || (record.actingFor !== undefined && samePerson(record.actingFor, viewer))
    || hasRole(viewer, 'incident') || hasRole(viewer, 'admin')
    || SPECIALIST_ROLES.some((role) => hasRole(viewer, role) && specialistsOf(record).includes(role));
}

const SPECIALIST_ROLES = ['safeguarding', 'itSecurity'] as const;

/** The specialists a record goes to besides the Incident team: who is told of it, and may open it. */
export function specialistsOf(record: Pick<AbuseReport, 'urgent' | 'details'>): readonly (typeof SPECIALIST_ROLES)[number][] {
  if (record.urgent || record.details.category === 'safeguarding') return ['safeguarding'];
  return record.details.category === 'social_engineering' ? ['itSecurity'] : [];
}

/** What a command does to a record: the events it causes, or why it is refused (also when the record could not hold the result). */
export function decide(record: AbuseReport | undefined, command: AbuseReportCommand, context: CommandContext): Decision<AbuseReportEvent> {
  return withinSnapshotLimit(decideCommand(record, command, context), record, evolve,
    'That is more than this record can hold. Shorten the note (or add fewer files) and send it again.');
}

function decideCommand(record: AbuseReport | undefined, command: AbuseReportCommand, context: CommandContext): Decision<AbuseReportEvent> {
  if (command.type === 'report') return decideReport(record, command, context);
  if (!record || (context.actor.id !== SYSTEM.id && !canSeeAbuseReport(record, context.actor))) return notFound();
  const at = context.now.toISOString();
  const by = { id: context.actor.id, name: context.actor.name };
  switch (command.type) {
    case 'acknowledge': return decideAcknowledge(record, command, context.actor, at);
    case 'addNote': return decideNote(record, command, context.actor, at);
    case 'addEvidence': return decideEvidence(record, command, context.actor, at);
    case 'escalate':
      return context.actor.id === SYSTEM.id && record.state === 'reported' && !record.escalatedAt
        ? accept({ type: 'EscalatedToIncidentTeam', at, by }) : accept();
    case 'startInvestigation': return decideInvestigation(record, command, context.actor, at);
    case 'close': return decideClose(record, command, context.actor, at);
    default: return assertNever(command);
  }
}

function decideReport(record: AbuseReport | undefined, command: Extract<AbuseReportCommand, { type: 'report' }>, { actor, now }: CommandContext): Decision<AbuseReportEvent> {
  if (record) return reject('wrong_state', `${record.reference} has already been reported.`);
  if (samePerson(command.manager, actor)) {
    return reject('invalid', 'Choose your line manager, not yourself: they need to know.', { manager: 'Choose your line manager, not yourself.' });
  }
  return accept({
    type: 'ReportMade', at: now.toISOString(), by: person(actor), reference: command.reference, manager: command.manager,
    ...(command.actingFor ? { actingFor: command.actingFor } : {}), details: command.details,
  });
}

function decideAcknowledge(record: AbuseReport, command: { note?: string }, actor: Actor, at: string): Decision<AbuseReportEvent> {
  if (!samePerson(record.manager, actor)) return reject('forbidden', `Only ${record.manager.name}, the reporter's line manager, acknowledges this report.`);
  if (record.state !== 'reported') {
    // The snapshot keeps only the latest steps: acknowledgedAt remembers an acknowledgement whose step has gone.
    const done = record.history.find((step) => step.action === 'Acknowledged')
      ?? (record.acknowledgedAt ? { by: record.manager, at: record.acknowledgedAt } : undefined);
    if (done && samePerson(done.by, actor)) return accept();
    return reject('already_decided', done
      ? `${record.reference} was already acknowledged by ${done.by.name} on ${formatLondonDateTime(done.at)}.`
      : `${record.reference} is already with the Incident team, so it no longer needs acknowledging.`);
  }
  const note = command.note?.trim();
  return noteTooLong(note) ?? accept({ type: 'Acknowledged', at, by: person(actor), ...(note ? { note } : {}) });
}

function decideNote(record: AbuseReport, command: { note: string }, actor: Actor, at: string): Decision<AbuseReportEvent> {
  if (record.state === 'closed') return closedRefusal(record, 'add a note');
  const note = command.note.trim();
  if (note.length < MIN_NOTE) return reject('invalid', 'Write the note first.', { note: 'Write the note first.' });
  const long = noteTooLong(note);
  if (long) return long;
  // The same note again from the same person, straight after: a double click or Teams delivering the action again.
  const last = record.history[record.history.length - 1];
  if (last?.action === 'NoteAdded' && samePerson(last.by, actor) && last.note === note) return accept();
  return accept({ type: 'NoteAdded', at, by: person(actor), note });
}

function decideEvidence(record: AbuseReport, command: { files: readonly EvidenceFile[] }, actor: Actor, at: string): Decision<AbuseReportEvent> {
  if (!samePerson(record.reporter, actor)) return reject('forbidden', `Only ${record.reporter.name}, who made the report, can add evidence to it.`);
  if (record.state === 'closed') return closedRefusal(record, 'add evidence');
  const known = new Set(record.evidence.map((file) => file.link));
  const files = command.files.filter((file) => {
    if (known.has(file.link)) return false;
    known.add(file.link); // the same file twice in one message counts once
    return true;
  });
  if (files.length === 0) return accept();
  if (record.evidence.length + files.length > MAX_EVIDENCE) {
    return reject('invalid', `A report holds at most ${MAX_EVIDENCE} files; it has ${record.evidence.length}.`);
  }
  if (encodedLength([...record.evidence, ...files]) > EVIDENCE_MAX_CHARS) {
    return reject('invalid', `A report keeps at most ${EVIDENCE_MAX_CHARS.toLocaleString('en-GB')} characters of file names and links, and `
      + `${files.length === 1 ? 'this file' : `these ${files.length} files`} would take it past that. Add fewer files, or tell the Incident team about the rest.`);
  }
  return accept({ type: 'EvidenceAdded', at, by: person(actor), files });
}

function decideInvestigation(record: AbuseReport, command: { note?: string }, actor: Actor, at: string): Decision<AbuseReportEvent> {
  if (!hasRole(actor, 'incident')) return reject('forbidden', 'Only the Incident team (Health & Safety) investigates reports.');
  if (record.state === 'investigating') return accept();
  if (record.state === 'closed') return closedRefusal(record, 'investigate it');
  const note = command.note?.trim();
  return noteTooLong(note) ?? accept({ type: 'InvestigationStarted', at, by: person(actor), ...(note ? { note } : {}) });
}

function decideClose(record: AbuseReport, command: { outcome: Outcome; note: string }, actor: Actor, at: string): Decision<AbuseReportEvent> {
  if (!hasRole(actor, 'incident')) return reject('forbidden', 'Only the Incident team (Health & Safety) closes reports.');
  if (record.state === 'closed') {
    const closed = record.history.find((step) => step.action === 'Closed');
    return closed && samePerson(closed.by, actor) && record.outcome === command.outcome ? accept() : closedRefusal(record, 'close it again');
  }
  if (record.state !== 'investigating') return reject('wrong_state', `Start the investigation of ${record.reference} before closing it.`);
  if (!(OUTCOMES as readonly string[]).includes(command.outcome)) return reject('invalid', 'Choose an outcome.', { outcome: 'Choose an outcome.' });
  const note = command.note.trim();
  if (note.length < MIN_NOTE) return reject('invalid', 'Say briefly what was done.', { note: 'Say briefly what was done.' });
  return noteTooLong(note) ?? accept({ type: 'Closed', at, by: person(actor), outcome: command.outcome, note });
}

function noteTooLong(note: string | undefined) {
  const problem = tooLong(note, NOTE_MAX, 'note');
  return problem ? reject('invalid', problem, { note: problem }) : undefined;
}

function closedRefusal(record: AbuseReport, attempted: string) {
  const closed = record.history.find((step) => step.action === 'Closed');
  const when = closed ? ` by ${closed.by.name} on ${formatLondonDateTime(closed.at)}` : '';
  return reject('wrong_state', `${record.reference} was closed${when}, so you can't ${attempted} now.`);
}

/** The same answer for "does not exist" and "not yours to see": no one learns a reference exists. */
function notFound() {
  return reject('not_found', 'I can\'t find that report, or you don\'t have a part in it.');
}

export function evolve(record: AbuseReport | undefined, event: AbuseReportEvent): AbuseReport {
  if (event.type === 'ReportMade') {
    return {
      reference: event.reference, state: 'reported', reporter: event.by, manager: event.manager, ...(event.actingFor ? { actingFor: event.actingFor } : {}), details: event.details,
      urgent: event.details.immediateDanger, evidence: [], reportedAt: event.at, history: [step(event)], earlierSteps: 0,
    };
  }
  if (!record) throw new Error(`${event.type} cannot start a record`);
  const next = { ...record, ...keepLatestSteps({ history: record.history, earlierSteps: record.earlierSteps ?? 0 }, step(event), HISTORY_KEPT, HISTORY_MAX_CHARS) };
  switch (event.type) {
    case 'Acknowledged': return { ...next, state: 'acknowledged', acknowledgedAt: event.at };
    case 'NoteAdded': return next;
    case 'EvidenceAdded': return { ...next, evidence: [...record.evidence, ...event.files] };
    case 'EscalatedToIncidentTeam': return { ...next, escalatedAt: event.at };
    case 'InvestigationStarted': return { ...next, state: 'investigating' };
    case 'Closed': return { ...next, state: 'closed', closedAt: event.at, outcome: event.outcome };
    default: return assertNever(event);
  }
}

/**
 * The snapshot keeps the latest steps only (every step stays in the audit events): at most 20, and at most
 * 10,000 characters of them. Worst case of the rest, as JSON (text doubles when it is all quotes or
 * backslashes): the description 8,002, five links 2,514, the other details about 400, the reporter and
 * manager 838 (ids and names of 100 characters), evidence 8,000, the other fields about 500: 20,254. With
 * the history, 30,254: below SNAPSHOT_MAX_CHARS (30,720), itself below the 32,768 a table property holds.
 */
const HISTORY_KEPT = 20;
const HISTORY_MAX_CHARS = 10_000;

function step(event: AbuseReportEvent): AbuseReportStep {
  // Who acknowledges for whom stays in the card's history as well as in the audit events.
  const note = 'note' in event ? event.note
    : event.type === 'ReportMade' && event.actingFor ? `${event.manager.name} acknowledges for ${event.actingFor.name}, who is away.` : undefined;
  return { action: event.type, by: event.by, at: event.at, ...(note ? { note } : {}) };
}

function person(actor: Actor): Person {
  return { id: actor.id, name: actor.name };
}
