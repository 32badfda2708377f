import { Person, SYSTEM } from '../domain/people';
import { subjectAccessRequestsAbout } from '../store/audit-rows';
import { createRecipientStore, managerMarkKey } from '../store/campaign-recipients';
import { createCaseStore, isDeliveryRowOf } from '../store/case-store';
import { createPersonData, PersonData } from '../store/person-data';
import { candidateRowsOf, RowLocation, StoredRow } from '../store/person-rows';
import type { Tables } from '../store/tables';
import {
  CaseKind, findCasesOf, idPattern, isClosed, isPerson, mapJson, namedRolesOf, nameParts, nameReplacer, peopleIn, principalRoleOf, rolesOf, rulesOf, TEAM_CARD_ROLE,
} from './case-people';

/**
 * Subject access (UK GDPR Article 15; Data Protection Act 2018): everything the bot holds about one
 * person, as JSON. A response must not disclose other people's personal data without their consent
 * (DPA 2018 Schedule 2, paragraph 16), so:
 *
 * - every other person in a case appears as their part in it ("the requester's line manager",
 *   "a member of the Incident team"), never by name or id; their names are also replaced inside free text;
 * - where the person is the one the case is about (the requester, the reporter, the recipient of a notice)
 *   the whole case is given, because its content is about them;
 * - where they only had a part in someone else's case (approver, manager, issuer, investigator), they get
 *   the case's facts (reference, state, dates), their part, the steps they took and what they wrote
 *   themselves; what the case says about the other person is withheld.
 *
 * The result is a draft for the data protection lead: names of people outside the bot (in free text) are
 * not recognised, and exemptions (e.g. crime and disorder, legal claims: DPA 2018 Schedule 2) are a human
 * decision. See docs/security.md.
 */

export const WITHHELD = '[withheld: another person\'s personal data]';

export interface SubjectAccessExport {
  readonly subject: { readonly id: string; readonly names: readonly string[] };
  readonly generatedAt: string;
  readonly notes: readonly string[];
  readonly directory: DirectoryExport | null;
  readonly conversations: { readonly personal: unknown; readonly latestReferenceIsTheirs: boolean };
  readonly inbox: readonly Record<string, unknown>[];
  readonly stagedEvidence: { readonly at: string; readonly files: unknown } | null;
  readonly formClaims: readonly { readonly token: string; readonly reference: string }[];
  readonly subjectAccessRequests: readonly { readonly at: string }[];
  /** Out of office: the delegation they set, and those in which a manager chose them to act for them. */
  readonly delegations: readonly DelegationExport[];
  /** Policy acknowledgement campaigns: where they are in each (card sent, acknowledged, which version, when). */
  readonly campaigns: readonly CampaignRecipientExport[];
  /** Campaigns in which they are named as line manager: how many of their team, and whether they were told of it. */
  readonly campaignsAsManager: readonly { readonly reference: string; readonly teamMembers: number; readonly toldAtFinalReminder: boolean }[];
  readonly cases: readonly CaseExport[];
  /**
   * Every stored row that holds their id or name, by table and key: where the data above comes from. A key that is
   * someone else's id is shown as {@link OTHER_PERSONS_KEY}.
   */
  readonly heldRows: readonly RowLocation[];
}

export interface DirectoryExport {
  readonly name: string;
  readonly roles: readonly string[];
  /** Their line manager, as a part, not a name. */
  readonly manager: string | null;
  /** How many people the directory says they manage (the people are not named). */
  readonly managesCount: number;
  /** Their department, from Entra ID (the directory sync). */
  readonly department?: string;
  /** When the directory sync found they had left. */
  readonly leftAt?: string;
}

export interface DelegationExport {
  /** What the row means for them; the other person is given by their part, never by name or id. */
  readonly part: string;
  readonly until: string;
  readonly setAt: string;
}

/** Their row of one campaign (src/store/campaign-recipients.ts), their manager by part. */
export interface CampaignRecipientExport {
  readonly reference: string;
  readonly state: string;
  readonly enrolledAt: string;
  readonly sentAt?: string;
  readonly acknowledgedAt?: string;
  readonly acknowledgedVersion?: string;
  readonly remindersSent?: number;
  readonly detail?: string;
  /** Where the card is in their chat. */
  readonly card?: { readonly conversationId: string; readonly activityId: string };
  readonly manager: string | null;
}

export interface CaseExport {
  readonly reference: string;
  readonly kind: CaseKind;
  readonly roles: readonly string[];
  readonly state: string;
  readonly closed: boolean;
  /** `full`: the case is about them. `own part`: someone else's case; only their part is given. */
  readonly disclosure: 'full' | 'own part';
  readonly foundBy: readonly string[];
  readonly snapshot: unknown;
  readonly events: readonly unknown[];
  /** Where the bot sent them this case's card (their chat's message ids), and whether notifications reached them. */
  readonly cardCopies: readonly { readonly conversationId: string; readonly activityId: string }[];
  readonly deliveries: readonly { readonly status: string; readonly at: string }[];
  readonly notificationsSent: number;
}

const NOTES = [
  'This is everything the Social Media Desk bot holds about you: your directory entry, your chat reference, your case lists, files waiting to be added to a report, and every case you appear in with its audit trail.',
  'Other people are shown by their part in a case (for example "the requester\'s line manager"), not by name or id, including inside text where the bot recognises their name.',
  'For cases about you (your access requests, your reports, takedown notices sent to you) the whole case is given. For cases about someone else in which you had a part, you get the case\'s reference, state and dates, your part, the steps you took and what you wrote; the rest is withheld as that person\'s personal data.',
  'Where the bot sent you a case\'s card as a member of a team (the Communications Team, the Incident team) without your having a part in the case, you get where the card was sent and the case\'s reference, state and dates; the rest is withheld.',
  '"heldRows" lists every stored row that holds your id or name, by table and key.',
  'Messages the bot sent you in Teams are held in Microsoft 365, not by the bot: ask the IT service desk for those.',
  '"delegations" lists your out-of-office settings, and those in which a manager chose you to act for them while away; "campaigns" lists each policy version sent to you and whether and when you acknowledged it.',
];

const DELEGATION_PARTS = {
  theirs: 'you were out of office: a colleague you chose acted for you (their name and id are withheld)',
  delegate: 'a manager was out of office and chose you to act for them (their name and id are withheld)',
} as const;

/** Collects everything held about `subjectId`. Reads only: the caller records the request in the audit trail. */
export async function collectSubjectAccess(tables: Tables, subjectId: string, now: Date): Promise<SubjectAccessExport> {
  const store = createCaseStore(tables.cases);
  const found = await findCasesOf(tables, subjectId, store);
  const cases: CaseExport[] = [];
  const names = new Set<string>();
  const textOf = new Map<string, (text: string) => string>();
  for (const item of found) {
    const events = await store.events(item.reference);
    const redacted = redactCase(item.kind, item.stored.snapshot, events, subjectId);
    textOf.set(item.reference, redacted.text);
    const roles = rolesOf(item.kind, item.stored.snapshot, events, subjectId);
    const rows = await store.rows(item.reference);
    if (roles.length === 0) {
      // A team card sent to them (Communications Team, Incident team): its copy in their chat is theirs.
      if (!rows.some((row) => isDeliveryRowOf(row, subjectId))) continue; // a stale inbox line: shown under `inbox`
      roles.push(TEAM_CARD_ROLE);
    }
    for (const { person } of peopleIn([item.stored.snapshot, events])) if (person.id === subjectId && person.name) names.add(person.name);
    const state = String((item.stored.snapshot as { state?: unknown }).state ?? '');
    cases.push({
      reference: item.reference, kind: item.kind, roles, state, closed: isClosed(item.kind, state), disclosure: redacted.disclosure,
      foundBy: item.foundBy, snapshot: redacted.snapshot, events: redacted.events,
      cardCopies: rows.filter((row) => row.rowKey.startsWith('card-') && row.viewerId === subjectId)
        .map((row) => ({ conversationId: String(row.conversationId), activityId: String(row.activityId) })),
      deliveries: rows.filter((row) => row.rowKey.startsWith('delivery-') && row.personId === subjectId)
        .map((row) => ({ status: String(row.status), at: String(row.at) })),
      notificationsSent: rows.filter((row) => row.rowKey.startsWith('sent-') && row.personId === subjectId).length,
    });
  }

  const personData = createPersonData(tables);
  const directory = await directoryExport(personData, subjectId);
  if (directory) names.add(directory.name);
  const { formClaims, stagedFiles } = await personData.formClaimsAndStagedFilesOf(subjectId);
  return {
    subject: { id: subjectId, names: [...names] },
    generatedAt: now.toISOString(),
    notes: NOTES,
    directory,
    conversations: await conversationsOf(personData, subjectId),
    // An inbox line's "next step" can name someone else ("Gregor Managerson to decide"): redacted like its case.
    inbox: (await personData.inboxLinesOf(subjectId)).map((entry) => {
      const redact = textOf.get(String(entry.reference)) ?? ((text: string) => [...textOf.values()].reduce((out, fn) => fn(out), text));
      return Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, typeof value === 'string' ? redact(value) : value]));
    }),
    stagedEvidence: stagedFiles,
    formClaims,
    subjectAccessRequests: (await subjectAccessRequestsAbout(tables.cases, subjectId)).map((row) => ({ at: row.at })),
    delegations: (await personData.delegationsOf(subjectId)).map((row) => ({ part: DELEGATION_PARTS[row.theirs ? 'theirs' : 'delegate'], until: row.until, setAt: row.setAt })),
    ...await campaignsOf(tables, subjectId),
    cases,
    heldRows: (await candidateRowsOf(tables, subjectId, new Set(found.map((item) => item.reference))))
      .filter((row) => namesSubject(row, subjectId, names))
      .map((row) => withoutOthersIds(row, subjectId)),
  };
}

/** Keys that are someone else's id (their case list, the entry of a person they manage) are shown as that, not as the id. */
export const OTHER_PERSONS_KEY = '[another person]';

function withoutOthersIds({ table, partitionKey, rowKey }: StoredRow, subjectId: string): RowLocation {
  if (table === 'inbox' && partitionKey !== subjectId && !partitionKey.startsWith('team:')) return { table, partitionKey: OTHER_PERSONS_KEY, rowKey };
  // A leavers' notice's keys hold the leaver's or the recipient's id among other parts.
  if (table === 'directory' && !rowKey.split('|').includes(subjectId)) return { table, partitionKey, rowKey: OTHER_PERSONS_KEY };
  if (table === 'campaignrecipients' && rowKey !== subjectId && rowKey !== managerMarkKey(subjectId)) return { table, partitionKey, rowKey: OTHER_PERSONS_KEY };
  return { table, partitionKey, rowKey };
}

/** Their id anywhere in a row (also inside a chat id or a Teams user id), or one of their names or its parts. */
function namesSubject(row: StoredRow, subjectId: string, names: ReadonlySet<string>): boolean {
  const text = JSON.stringify([row.partitionKey, row.rowKey, row.columns]);
  return text.includes(subjectId) || nameReplacer(names, '\u0000')(text) !== text;
}

/**
 * One case as the subject may see it (see the module comment). Pure: exported for unit tests.
 * Other people become labels; content about someone else is withheld unless the subject wrote it.
 */
export function redactCase(kind: CaseKind, snapshot: unknown, events: readonly unknown[], subjectId: string): RedactedCase {
  const labels = labelOthers(kind, snapshot, events, subjectId);
  const full = namedRolesOf(kind, snapshot, subjectId).includes(principalRoleOf(kind));
  const ownParts = new Set(peopleIn([snapshot, events]).filter(({ person }) => person.id === subjectId).flatMap(({ person }) => [person.name, ...nameParts(person.name)]));
  const ownNames = new Set([...ownParts].map((name) => name.toLowerCase()));
  const replacers = [...labels.entries()].map(([id, { label, names }]) => {
    const byName = nameReplacer([...names].filter((name) => !ownNames.has(name.toLowerCase())), `[${label}]`, ownParts);
    return (text: string) => byName(text.replace(idPattern(id), `[${label}]`));
  });
  const text = (input: string) => replacers.reduce((out, replace) => replace(out), input);
  const people = (value: unknown) => mapJson(value, {
    person: (person) => (person.id === subjectId || person.id === SYSTEM.id ? { id: person.id, name: person.name } : { role: labels.get(person.id)?.label ?? 'another person' }),
    text,
  });
  if (full) return { disclosure: 'full', snapshot: people(snapshot), events: events.map(people), text };
  return { disclosure: 'own part', snapshot: people(ownPartOfSnapshot(kind, snapshot, subjectId)), events: events.map((event) => people(ownPartOfEvent(event, subjectId))), text };
}

export interface RedactedCase {
  readonly disclosure: 'full' | 'own part';
  readonly snapshot: unknown;
  readonly events: unknown[];
  /** Replaces the other people of the case in any text (their inbox lines' "next step" may name them). */
  readonly text: (text: string) => string;
}

/** Facts every party to a case may see: what it is, where it stands, when things happened. */
const FACT_KEYS = new Set(['reference', 'state', 'submittedAt', 'reportedAt', 'issuedAt', 'acknowledgedAt', 'escalatedAt', 'closedAt', 'deadline', 'purgedAt']);

function ownPartOfSnapshot(kind: CaseKind, snapshot: unknown, subjectId: string): unknown {
  const fields = (snapshot ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (FACT_KEYS.has(key) || isPerson(value) || key === 'managerApproval') out[key] = value;
    else if (key === 'history' && Array.isArray(value)) out[key] = value.map((step) => ownPartOfEvent(step, subjectId));
    else if (key === 'details' && namedRolesOf(kind, snapshot, subjectId).includes(rulesOf(kind).disclosure.detailsAuthor)) out[key] = value;
    else out[key] = WITHHELD;
  }
  return out;
}

/** An event or history step: who did what when; what was said only if the subject said it. */
function ownPartOfEvent(event: unknown, subjectId: string): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const fields = event as Record<string, unknown>;
  const theirs = isPerson(fields.by) && fields.by.id === subjectId;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = theirs || ['type', 'action', 'at', 'by', 'reference', 'deadline'].includes(key) || isPerson(value) ? value : WITHHELD;
  }
  return out;
}

/** A label for every other person in a case, by their part; several unnamed people are numbered. */
function labelOthers(kind: CaseKind, snapshot: unknown, events: readonly unknown[], subjectId: string): Map<string, { label: string; names: Set<string> }> {
  const labels = new Map<string, { label: string; names: Set<string> }>();
  const fields = (snapshot ?? {}) as Record<string, unknown>;
  const { labels: byRole, formerLabels = {} } = rulesOf(kind).disclosure;
  for (const [role, label] of Object.entries(byRole)) {
    const person = role === 'other' ? undefined : fields[role];
    if (isPerson(person) && person.id !== subjectId && !labels.has(person.id)) labels.set(person.id, { label, names: new Set() });
  }
  const unnamed: Person[] = [];
  for (const value of [snapshot, ...events]) {
    for (const { key, person } of peopleIn(value)) {
      if (person.id === subjectId || person.id === SYSTEM.id) continue;
      const known = labels.get(person.id);
      if (known) continue;
      const type = (value as { type?: unknown })?.type;
      const former = formerLabels[key];
      if (former) labels.set(person.id, { label: former, names: new Set() });
      else if (type === 'PersonErased' && key === 'by') labels.set(person.id, { label: 'an administrator', names: new Set() });
      else if (!unnamed.some((other) => other.id === person.id)) unnamed.push(person);
    }
  }
  unnamed.forEach((person, i) => labels.set(person.id, { label: unnamed.length > 1 ? `${byRole.other} (${i + 1})` : byRole.other, names: new Set() }));
  for (const { person } of peopleIn([snapshot, events])) labels.get(person.id)?.names.add(person.name);
  return labels;
}

async function directoryExport(personData: PersonData, subjectId: string): Promise<DirectoryExport | null> {
  const entry = await personData.directoryEntryOf(subjectId);
  if (!entry) return null;
  return {
    name: entry.name,
    roles: entry.roles,
    manager: entry.managerId ? 'your line manager (a colleague; their id is withheld)' : null,
    managesCount: await personData.countPeopleManagedBy(subjectId),
    ...(entry.department ? { department: entry.department } : {}),
    ...(entry.leftAt ? { leftAt: entry.leftAt } : {}),
  };
}

async function campaignsOf(tables: Tables, subjectId: string): Promise<Pick<SubjectAccessExport, 'campaigns' | 'campaignsAsManager'>> {
  const rows = await createRecipientStore(tables.campaignrecipients).rowsNaming(subjectId);
  const team = new Map<string, number>();
  for (const row of rows.asManager) team.set(row.reference, (team.get(row.reference) ?? 0) + 1);
  for (const reference of rows.toldAsManager) team.set(reference, team.get(reference) ?? 0);
  return {
    campaigns: rows.own.map((row) => ({
      reference: row.reference, state: row.state, enrolledAt: row.enrolledAt,
      ...(row.sentAt ? { sentAt: row.sentAt } : {}), ...(row.acknowledgedAt ? { acknowledgedAt: row.acknowledgedAt } : {}),
      ...(row.acknowledgedVersion ? { acknowledgedVersion: row.acknowledgedVersion } : {}), ...(row.remindedRound ? { remindersSent: row.remindedRound } : {}),
      ...(row.detail ? { detail: row.detail } : {}),
      ...(row.conversationId ? { card: { conversationId: row.conversationId, activityId: row.activityId ?? '' } } : {}),
      manager: row.managerId ? 'your line manager when the campaign started (a colleague; their id is withheld)' : null,
    })),
    campaignsAsManager: [...team].map(([reference, teamMembers]) => ({ reference, teamMembers, toldAtFinalReminder: rows.toldAsManager.includes(reference) })),
  };
}

async function conversationsOf(personData: PersonData, subjectId: string): Promise<SubjectAccessExport['conversations']> {
  const latestUser = (await personData.latestChat() as { user?: { aadObjectId?: unknown; id?: unknown } } | undefined)?.user;
  return {
    personal: await personData.personalChatOf(subjectId),
    latestReferenceIsTheirs: latestUser?.aadObjectId === subjectId || latestUser?.id === subjectId,
  };
}
