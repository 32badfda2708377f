import { createHmac, randomBytes } from 'node:crypto';
import type { Person } from '../domain/people';
import { ErasureAuditRow, recordErasure, renameSubjectInAuditRows } from '../store/audit-rows';
import { createRecipientStore } from '../store/campaign-recipients';
import { CaseStore, ConcurrencyError, createCaseStore, isDeliveryRowOf, parseStoredJson } from '../store/case-store';
import { createPersonData, PersonData } from '../store/person-data';
import type { Tables } from '../store/tables';
import { CaseKind, findCasesOf, idPattern, isClosed, mapJson, nameReplacer, peopleIn, rolesOf, TEAM_CARD_ROLE } from './case-people';

/**
 * Erasure (UK GDPR Article 17), "where the law allows":
 *
 * - removed: the person's directory entry (and the manager link of people they manage), their chat
 *   reference, their inbox lines, files waiting to be added to a report, their form claims, and what leavers'
 *   notices not yet sent hold of them;
 * - closed access requests and closed or withdrawn takedown notices are kept as the audit trail of what
 *   happened (who had access to the Group's accounts; which posts were taken down), but the person in
 *   them becomes "Erased person" with an opaque id, in the snapshot, every audit event and every other
 *   row, and a `PersonErased` event records it;
 * - AINM records (snapshot and audit events) are kept unchanged: incident records must be kept at least
 *   3 years after closure (RIDDOR; the Scottish 3-year time bar for claims), which Article 17(3)(b) and (e)
 *   allow; the retention job anonymises them when that period ends. Where their cards were delivered is not
 *   part of the record: those rows go;
 * - cases whose card they only received as a team member (Comms, Incident team), open or closed, stay as
 *   they are but lose the person's card copies and delivery marks (their id and chat id); they never block;
 * - while any case they are in is open, nothing is erased: it must be closed (or, for an access
 *   request, given another approver) first, or the erasure would break work in progress.
 *
 * Every run, erased or refused, writes a row to the `audit-erasure` partition. The opaque id is an HMAC
 * of the person's id under a one-time random key that is never stored: the same within one erasure (so
 * the audit trail shows one person throughout), impossible to recompute from the id afterwards.
 */

export const ERASED_NAME = 'Erased person';

export const RETAINED_AINM = 'retained: legal obligation (incident records are kept at least 3 years after closure: RIDDOR, Scottish time bar for claims; UK GDPR Art. 17(3)(b), (e)); anonymised by the retention job afterwards';

export interface CaseSummary {
  readonly reference: string;
  readonly kind: CaseKind;
  readonly state: string;
  readonly roles: readonly string[];
}

export interface ErasurePlan {
  readonly subjectId: string;
  /** Their name in the directory, for the administrator's confirmation. */
  readonly name?: string;
  /** Closed AR and TD cases: the person in them is anonymised. */
  readonly anonymise: readonly CaseSummary[];
  /** AINM records: kept as they are. */
  readonly retained: readonly (CaseSummary & { readonly reason: string })[];
  /** Open cases: while there are any, nothing is erased. */
  readonly open: readonly CaseSummary[];
  /**
   * Cases they have no part in but whose card the bot sent them as a team member (Communications Team,
   * Incident team), open or closed: the case is unchanged; their card copies and delivery marks (which hold
   * their id and chat id) go. These never block an erasure.
   */
  readonly notified: readonly CaseSummary[];
}

export interface ErasureCounts {
  readonly directoryEntry: number;
  readonly managerLinks: number;
  readonly delegations: number;
  readonly conversations: number;
  readonly inboxRows: number;
  readonly stagedEvidence: number;
  readonly formClaims: number;
  readonly otherPeoplesInboxRows: number;
  /** Earlier subject access and refused erasure audit rows about them, now under the erasure id. */
  readonly earlierAuditRows: number;
  /** Card copies, delivery marks and queued notifications of theirs in cases kept unchanged (retained AINM records, team cards). */
  readonly deliveryRows: number;
  /** Their rows in policy campaigns (card sent, acknowledgement) and the marks that their team's final reminder reached them. */
  readonly campaignRows: number;
  /** Other people's campaign rows that named them as line manager, now without it. */
  readonly campaignManagerLinks: number;
  /** Lines of leavers' notices not yet sent that named them (as the leaver, or the one an approval went to), and marks that one reached them. */
  readonly leaverNoticeRows: number;
}

export type ErasureResult =
  | { readonly outcome: 'refused'; readonly plan: ErasurePlan }
  | { readonly outcome: 'erased'; readonly plan: ErasurePlan; readonly erasureId: string; readonly removed: ErasureCounts };

/** What an erasure would do: no change. */
export async function planErasure(tables: Tables, subjectId: string, store: CaseStore = createCaseStore(tables.cases)): Promise<ErasurePlan> {
  const anonymise: CaseSummary[] = [];
  const retained: (CaseSummary & { reason: string })[] = [];
  const open: CaseSummary[] = [];
  const notified: CaseSummary[] = [];
  for (const item of await findCasesOf(tables, subjectId, store)) {
    const events = await store.events(item.reference);
    const roles = rolesOf(item.kind, item.stored.snapshot, events, subjectId);
    const state = String((item.stored.snapshot as { state?: unknown }).state ?? '');
    if (roles.length === 0) {
      // Only a team card (or a stale inbox line, which goes with their inbox anyway).
      if (await receivedCardOf(store, item.reference, subjectId)) notified.push({ reference: item.reference, kind: item.kind, state, roles: [TEAM_CARD_ROLE] });
      continue;
    }
    const summary = { reference: item.reference, kind: item.kind, state, roles };
    if (!isClosed(item.kind, state)) open.push(summary);
    else if (item.kind === 'AINM') retained.push({ ...summary, reason: RETAINED_AINM });
    else anonymise.push(summary);
  }
  const directory = await createPersonData(tables).directoryEntryOf(subjectId);
  return { subjectId, ...(directory ? { name: directory.name } : {}), anonymise, retained, open, notified };
}

async function receivedCardOf(store: CaseStore, reference: string, subjectId: string): Promise<boolean> {
  return (await store.rows(reference)).some((row) => isDeliveryRowOf(row, subjectId));
}

/** Erases `subjectId` where the law allows (see the module comment), as `by`, an administrator. */
export async function erasePerson(tables: Tables, subjectId: string, by: Person, now: Date): Promise<ErasureResult> {
  const store = createCaseStore(tables.cases);
  const personData = createPersonData(tables);
  const plan = await planErasure(tables, subjectId, store);
  const at = now.toISOString();
  if (plan.open.length > 0) {
    await recordErasure(tables.cases, auditRow(plan, { at, by: by.id, outcome: 'refused', subject: subjectId }));
    return { outcome: 'refused', plan };
  }

  const erasureId = `erased-${createHmac('sha256', randomBytes(32)).update(subjectId).digest('hex').slice(0, 24)}`;
  const names = new Set<string>(plan.name ? [plan.name] : []);
  // Every name the cases know them by (a name changed in the directory since), so each goes from free text too.
  for (const summary of plan.anonymise) {
    for (const row of await store.rows(summary.reference)) {
      for (const { person } of peopleIn([parseStoredJson(row.body)])) if (person.id === subjectId && person.name) names.add(person.name);
    }
  }
  const eraser = personEraser(subjectId, erasureId, names);
  let otherPeoplesInboxRows = 0;
  for (const summary of plan.anonymise) {
    otherPeoplesInboxRows += await anonymiseCase(personData, store, summary, subjectId, eraser, { type: 'PersonErased', at, by: { id: by.id, name: by.name }, erasedId: erasureId });
  }

  // Kept cases (retained records, team cards): the case stays as it is; what delivering its cards left of them goes,
  // and other people's case-list lines stop naming them.
  let deliveryRows = 0;
  for (const summary of [...plan.retained, ...plan.notified]) {
    deliveryRows += await store.forgetRecipient(summary.reference, subjectId);
    otherPeoplesInboxRows += await personData.rewriteInboxRowsNaming(summary.reference, eraser.text, { except: subjectId });
  }

  const removed: ErasureCounts = {
    inboxRows: await personData.deleteInboxOf(subjectId),
    ...await personData.deleteFormClaimsAndStagedFilesOf(subjectId),
    conversations: await personData.deletePersonalChatOf(subjectId) + await personData.rewriteLatestChat((reference) => latestChatWithout(reference, subjectId)),
    directoryEntry: await personData.deleteDirectoryEntry(subjectId),
    leaverNoticeRows: await personData.deleteLeaverNoticeRowsNaming(subjectId),
    // People they managed keep their entry, without a manager (the next seed or Graph sync gives them one).
    managerLinks: await personData.unlinkManager(subjectId),
    // Out of office: their own delegation, and any that sends a manager's requests to them (the manager then gets them again).
    delegations: await personData.deleteDelegationsOf(subjectId),
    // Policy campaigns: their acknowledgements go with them; a queued card for them then finds no row and is dropped.
    ...await campaignRowsErased(tables, subjectId),
    otherPeoplesInboxRows,
    // Earlier subject access requests and refused erasures about them stay in the audit trail (when, by whom), under the erasure id.
    earlierAuditRows: await renameSubjectInAuditRows(tables.cases, subjectId, erasureId),
    deliveryRows,
  };
  await recordErasure(tables.cases, auditRow(plan, { at, by: by.id, outcome: 'erased', subject: erasureId }, removed));
  return { outcome: 'erased', plan, erasureId, removed };
}

async function campaignRowsErased(tables: Tables, subjectId: string): Promise<Pick<ErasureCounts, 'campaignRows' | 'campaignManagerLinks'>> {
  const { rows, managerLinks } = await createRecipientStore(tables.campaignrecipients).erasePerson(subjectId);
  return { campaignRows: rows, campaignManagerLinks: managerLinks };
}

interface Eraser {
  value(value: unknown): unknown;
  text(text: string): string;
}

function personEraser(subjectId: string, erasureId: string, names: ReadonlySet<string>): Eraser {
  const erased: Person = { id: erasureId, name: ERASED_NAME };
  const byName = nameReplacer(names, ERASED_NAME);
  const text = (input: string) => byName(input.replace(idPattern(subjectId), erasureId));
  return {
    value: (value) => mapJson(value, { person: (person) => (person.id === subjectId ? erased : person), text }),
    text,
  };
}

/**
 * Rewrites one closed case: snapshot, audit events, outbox rows; their card copies and delivery marks
 * go. If-Match on the snapshot (and on every row); a lost race reloads and runs again. Returns how many
 * of other people's inbox lines for the case were rewritten.
 */
async function anonymiseCase(
  personData: PersonData, store: CaseStore, summary: CaseSummary, subjectId: string, eraser: Eraser,
  event: { type: 'PersonErased'; at: string; by: Person; erasedId: string },
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const stored = await store.load<unknown>(summary.reference);
    if (!stored) return 0;
    const snapshot = eraser.value(stored.snapshot);
    try {
      await store.rewrite(summary.reference, { etag: stored.etag, version: stored.version }, snapshot, event, (row) => rewriteRow(row, subjectId, eraser));
      break;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 3) throw error;
    }
  }
  // Other people's inbox lines for the case (and the team lists) may name the person in their text.
  return personData.rewriteInboxRowsNaming(summary.reference, eraser.text, { except: subjectId });
}

function rewriteRow(row: Readonly<Record<string, unknown>> & { rowKey: string }, subjectId: string, eraser: Eraser): Record<string, unknown> | null | undefined {
  // Their card copies and delivery marks go; a notification to them still in the outbox would go to nobody.
  if (isDeliveryRowOf(row, subjectId)) return null;
  const { partitionKey: _p, rowKey: _r, etag: _e, timestamp: _t, ...columns } = row;
  const next: Record<string, unknown> = {};
  let changed = false;
  for (const [key, value] of Object.entries(columns)) {
    let rewritten = value;
    if (typeof value === 'string') {
      const parsed = key === 'body' ? parseStoredJson(value) : undefined;
      rewritten = parsed === undefined ? eraser.text(value) : JSON.stringify(eraser.value(parsed));
    }
    if (rewritten !== value) changed = true;
    next[key] = rewritten;
  }
  return changed ? next : undefined;
}

/**
 * The tenant-wide latest chat reference without them, if it was theirs: it keeps the tenant and the kind of chat
 * (what opening a 1:1 chat with someone new needs), not their user or chat id. Undefined: not theirs, left alone.
 */
export function latestChatWithout(reference: unknown, subjectId: string): unknown {
  if (typeof reference !== 'object' || reference === null) return undefined;
  const body = reference as { user?: { id?: string; aadObjectId?: string }; conversation?: Record<string, unknown> };
  if (!(body.user?.aadObjectId === subjectId || body.user?.id === subjectId || idPattern(subjectId).test(JSON.stringify(body)))) return undefined;
  const { user: _user, conversation, ...rest } = body;
  return { ...rest, conversation: conversation ? { tenantId: conversation.tenantId, conversationType: conversation.conversationType, isGroup: false } : undefined };
}

const MAX_LISTED = 4000;

function auditRow(plan: ErasurePlan, fields: Pick<ErasureAuditRow, 'at' | 'by' | 'outcome' | 'subject'>, removed?: ErasureCounts): ErasureAuditRow {
  const list = (items: readonly { reference: string }[]) => {
    const text = items.map((item) => item.reference).join(',');
    return text.length <= MAX_LISTED ? text : `${text.slice(0, MAX_LISTED)}... (${items.length} in all)`;
  };
  return {
    ...fields,
    anonymised: fields.outcome === 'erased' ? list(plan.anonymise) : '',
    retained: list(plan.retained),
    open: list(plan.open),
    removed: JSON.stringify(removed ?? {}),
  };
}
