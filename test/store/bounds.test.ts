import assert from 'node:assert/strict';
import type { TurnContext } from 'botbuilder';
import fc from 'fast-check';
import { textInput } from '../../src/bot/turn';
import { cardBytes, loadCardTemplates, MAX_CARD_BYTES } from '../../src/cards/render';
import { SNAPSHOT_MAX_CHARS } from '../../src/domain/bounds';
import type { CaseWorkflow } from '../../src/domain/decider';
import type { Effect } from '../../src/domain/effects';
import { cleanLine } from '../../src/domain/free-text';
import { Actor, SYSTEM } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { createCaseStore } from '../../src/store/case-store';
import { assertEntityWithinLimits, TABLE_LIMITS } from '../../src/store/entity-limits';
import { runTransition } from '../../src/cases/transition';
import { createStagedEvidence } from '../../src/store/staged-evidence';
import type { Tables } from '../../src/store/tables';
import { validateAbuseReportForm } from '../../src/workflows/abuse-report/form';
import { AbuseReportCommand, MAX_EVIDENCE } from '../../src/workflows/abuse-report/model';
import { abuseReportPresenter } from '../../src/workflows/abuse-report/presenter';
import { abuseReportCardView } from '../../src/workflows/abuse-report/view';
import { abuseReport } from '../../src/workflows/abuse-report';
import { filesIn } from '../../src/bot/chat-files';
import { validateAccessRequestForm } from '../../src/workflows/access-request/form';
import { AccessRequestCommand, APPROVER_REASON_MAX, waitStartedAt } from '../../src/workflows/access-request/model';
import { accessRequestPresenter } from '../../src/workflows/access-request/presenter';
import { accessRequestCardView } from '../../src/workflows/access-request/view';
import { accessRequest } from '../../src/workflows/access-request';
import { validateTakedownForm } from '../../src/workflows/takedown/form';
import type { TakedownCommand } from '../../src/workflows/takedown/model';
import { takedownPresenter } from '../../src/workflows/takedown/presenter';
import { takedownCardView } from '../../src/workflows/takedown/view';
import { takedown } from '../../src/workflows/takedown';
import { freshTables } from '../support/azurite';

const workingTime = createWorkingTime();
const renderer = loadCardTemplates();
const START = new Date('2026-11-25T10:00:00Z');
const TODAY = '2026-11-25';

/**
 * Characters that make stored or shown text biggest: quotes, backslashes, tabs and line breaks double in
 * JSON; emoji are two UTF-16 units (and a cut may leave half of one); CJK and curly quotes take three
 * UTF-8 bytes on a card; markdown and template syntax must stay literal.
 */
const WORST = ['"', '\\', '\n', '\t', '🙂', '中', '’', 'a', '$', '{', '*'];
/** A few of them, repeated to fill every text: short, so a failure prints readably. */
const pattern = fc.array(fc.constantFrom(...WORST), { minLength: 1, maxLength: 6 }).map((chars) => chars.join(''));
/** `length` characters of `unit` as a person could type them into an input that allows that many. */
const fill = (unit: string, length: number) => `What happened, in detail: ${unit.repeat(length)}`.slice(0, length);
/** Links are kept as the URL standard writes them (ASCII, nothing JSON escapes): their length is what counts. */
const longLink = (host: string) => `https://${host}.example/${'p'.repeat(500)}`.slice(0, 500);
const who = (id: string, name: string, roles: Actor['roles'] = []): Actor => ({ id: id.padEnd(100, 'x'), name: cleanLine(name).slice(0, 100), roles });

/** One case, driven step by step through the real decider and store, with every card checked after each step. */
interface Drive<S, C> {
  readonly workflow: CaseWorkflow<S, C, never>;
  readonly reference: string;
  readonly viewers: readonly Actor[];
  cards(snapshot: S, viewer: Actor, now: Date, echo: string): object[];
}

function checkSnapshot(reference: string, snapshot: unknown): void {
  const body = JSON.stringify(snapshot);
  assert.ok(body.length <= SNAPSHOT_MAX_CHARS, `${reference}: snapshot of ${body.length} characters`);
  const entity: Record<string, unknown> = { kind: reference.split('-')[0], state: 'closed', version: 1, body };
  assertEntityWithinLimits({ partitionKey: reference, rowKey: 'case', ...entity });
}

async function step<S, C>(tables: Tables, drive: Drive<S, C>, command: C, actor: Actor, now: Date, isNew = false): Promise<boolean> {
  const store = createCaseStore(tables.cases);
  const outcome = await runTransition(store, drive.workflow as unknown as CaseWorkflow<S, C, { type: string; at: string; by: { id: string } }>, drive.reference, command, { actor, now }, undefined, isNew);
  if (!outcome.ok) {
    assert.doesNotMatch(outcome.message, /try again in a minute|storage|table/i);
    // The last line of defence (domain/bounds.ts) never has to act on accepted input: the limits keep every case well inside it.
    assert.doesNotMatch(outcome.message, /more than this (record|notice|request) can hold/, `${drive.reference}: ${outcome.message}`);
    assert.ok(outcome.message.length > 10, 'a refusal says why');
    return false;
  }
  const stored = await store.load<S>(drive.reference);
  checkSnapshot(drive.reference, stored?.snapshot);
  for (const viewer of drive.viewers) {
    for (const card of drive.cards(outcome.snapshot, viewer, now, JSON.stringify(command))) {
      assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${drive.reference}: card of ${cardBytes(card)} bytes for ${viewer.name}`);
    }
  }
  return true;
}

/** The longest headline a notification would carry with this case's effects, and the route's refusal echo. */
function longestHeadline(effects: readonly Effect[]): string {
  return effects.map((effect) => (effect.kind === 'notify' ? effect.headline : '')).sort((a, b) => b.length - a.length)[0] ?? '';
}

const RUNS = { numRuns: 4, endOnFailure: true };

describe('every accepted input fits the table and the card', function () {
  this.timeout(60_000);
  let tables: Tables;
  let sequence = 0;
  before(async () => { ({ tables } = await freshTables()); });

  it('AINM records: any report, notes, files and steps', async () => {
    // Files and notes up to the limits first, so every run reaches the largest record; then any steps at all.
    const kinds = fc.array(fc.constantFrom('note', 'note', 'files', 'acknowledge', 'escalate', 'investigate', 'close'), { minLength: 10, maxLength: 30 })
      .map((tail) => [...Array<string>(4).fill('files'), ...Array<string>(25).fill('note'), ...tail]);
    await fc.assert(fc.asyncProperty(pattern, pattern, kinds, async (text, name, script) => {
      const reporter = who(`rep${++sequence}`, `R ${name}`);
      const manager = who(`man${sequence}`, `M ${name}`);
      const incident = who(`inc${sequence}`, `I ${name}`, ['incident']);
      const admin = who(`adm${sequence}`, `A ${name}`, ['admin']);
      const reference = `AINM-2026-${String(sequence).padStart(5, '0')}`;
      const presenter = abuseReportPresenter(renderer, workingTime);
      const workflow = abuseReport.create({ renderer, workingTime } as never).workflow;
      const drive: Drive<Parameters<typeof presenter.card>[0], AbuseReportCommand> = {
        workflow: workflow as never, reference, viewers: [reporter, manager, incident, admin],
        cards: (record, viewer, now, echo) => [
          presenter.card(record, viewer, now, `${fill(text, 400)} ${longestHeadline(workflow.effects([], undefined, record))}`),
          renderer.render('abuse-report', abuseReportCardView(record, viewer, now, workingTime, {
            notice: echo, values: { note: textInput({ note: fill(text, 1000) }, 'note', 1000) }, fieldErrors: { note: echo.slice(0, 300), outcome: 'Choose an outcome.' },
          })),
        ],
      };
      const form = validateAbuseReportForm({
        category: 'safeguarding', source: 'unknown', platform: 'other', platformOther: fill(text, 60), happenedOn: TODAY, description: fill(text, 4000),
        links: Array.from({ length: 5 }, (_, i) => longLink(`e${i}`)).join('\n'), manager: manager.id,
      }, TODAY);
      assert.ok(form.ok, JSON.stringify(form));
      let now = START;
      assert.ok(await step(tables, drive, { type: 'report', reference, manager: { id: manager.id, name: manager.name }, details: form.details }, reporter, now, true));
      const staged = createStagedEvidence(tables.idempotency);
      for (const [i, kind] of script.entries()) {
        now = new Date(now.getTime() + 60_000);
        const note = textInput({ note: `${i} ${fill(text, 1000)}` }, 'note', 1000);
        if (kind === 'files') {
          const attachments = Array.from({ length: 7 }, (_, n) => ({
            contentType: 'application/vnd.microsoft.teams.file.download.info', name: `${i}-${n} ${fill(text, 300)}`,
            contentUrl: `https://contoso.sharepoint.com/${i}-${n}/${fill(text, 1200).replace(/\s/g, '"')}\u0001`, content: { fileType: fill(text, 100) },
          }));
          await staged.stage(reporter.id, filesIn({ activity: { attachments } } as unknown as TurnContext).slice(0, MAX_EVIDENCE), now.toISOString());
          const files = await staged.take(reporter.id);
          if (await step(tables, drive, { type: 'addEvidence', files }, reporter, now)) await staged.clear(reporter.id);
          continue;
        }
        const [command, actor]: [AbuseReportCommand, Actor] = kind === 'note' ? [{ type: 'addNote', note }, [reporter, manager, incident][i % 3]!]
          : kind === 'acknowledge' ? [{ type: 'acknowledge', note }, manager]
            : kind === 'escalate' ? [{ type: 'escalate' }, SYSTEM]
              : kind === 'investigate' ? [{ type: 'startInvestigation', note }, incident]
                : [{ type: 'close', outcome: 'other', note }, incident];
        await step(tables, drive, command, actor, now);
      }
    }), RUNS);
  });

  it('takedown notices: any notice, help requests, disputes, reopenings and timers', async () => {
    // Help requests past the history kept first (the 33 KB card of issue 10), then any steps at all.
    const kinds = fc.array(fc.constantFrom('help', 'help', 'confirm', 'dispute', 'verify', 'reopen', 'uphold', 'withdraw', 'remind', 'overdue'), { minLength: 10, maxLength: 30 })
      .map((tail) => [...Array<string>(25).fill('help'), ...tail]);
    await fc.assert(fc.asyncProperty(pattern, pattern, kinds, async (text, name, script) => {
      const issuer = who(`iss${++sequence}`, `C ${name}`, ['comms']);
      const colleague = who(`col${sequence}`, `D ${name}`, ['comms']);
      const recipient = who(`rec${sequence}`, `R ${name}`);
      const manager = who(`man${sequence}`, `M ${name}`);
      const reference = `TD-2026-${String(sequence).padStart(5, '0')}`;
      const presenter = takedownPresenter(renderer, workingTime);
      const workflow = takedown.create({ renderer, workingTime } as never).workflow;
      const drive: Drive<Parameters<typeof presenter.card>[0], TakedownCommand> = {
        workflow: workflow as never, reference, viewers: [issuer, colleague, recipient, manager],
        cards: (notice, viewer, now, echo) => [
          presenter.card(notice, viewer, now, `${fill(text, 400)} ${longestHeadline(workflow.effects([], undefined, notice))}`),
          renderer.render('takedown', takedownCardView(notice, viewer, now, workingTime, { notice: echo, values: { note: textInput({ note: fill(text, 1000) }, 'note', 1000) }, fieldErrors: { note: echo.slice(0, 300) } })),
        ],
      };
      const form = validateTakedownForm({
        recipient: recipient.id, link: longLink('e'), platform: 'other', platformOther: fill(text, 60),
        clauses: 'disparaging_or_defamatory,offensive_or_discriminatory,confidential_information,about_stakeholders,logos_brands_trademarks,copyright,identifying_people,bullying_or_harassment,disrepute,other',
        explanation: fill(text, 2000), deadline: 'days1',
      }, START, workingTime);
      assert.ok(form.ok, JSON.stringify(form));
      let now = START;
      let deadline = form.deadline;
      assert.ok(await step(tables, drive, { type: 'issue', reference, recipient, manager, details: form.details, deadline }, issuer, now, true));
      for (const [i, kind] of script.entries()) {
        now = new Date(now.getTime() + 60_000);
        const note = textInput({ note: `${i} ${fill(text, 1000)}` }, 'note', 1000);
        if (kind === 'overdue') now = new Date(Math.max(now.getTime(), Date.parse(deadline) + 60_000));
        const later = new Date(now.getTime() + 2 * 86_400_000).toISOString();
        const [command, actor]: [TakedownCommand, Actor] = kind === 'help' ? [{ type: 'requestHelp', note }, recipient]
          : kind === 'confirm' ? [{ type: 'confirmRemoval', note }, recipient]
            : kind === 'dispute' ? [{ type: 'dispute', note }, recipient]
              : kind === 'verify' ? [{ type: 'verify', note }, colleague]
                : kind === 'reopen' ? [{ type: 'reopen', note, deadline: later }, issuer]
                  : kind === 'uphold' ? [{ type: 'uphold', note, deadline: later }, colleague]
                    : kind === 'withdraw' ? [{ type: 'withdraw', note }, issuer]
                      : kind === 'remind' ? [{ type: 'remind', basis: deadline }, SYSTEM]
                        : [{ type: 'markOverdue', basis: deadline }, SYSTEM];
        if (await step(tables, drive, command, actor, now) && (kind === 'reopen' || kind === 'uphold')) deadline = later;
      }
    }), RUNS);
  });

  it('access requests: any request, comments, resubmissions and changes of approver', async () => {
    // Rounds of questions and answers past the history kept first, then any steps at all.
    const kinds = fc.array(fc.constantFrom('info', 'resubmit', 'change', 'approve', 'signOff', 'reject', 'commsReject', 'revoke', 'remind', 'escalate', 'remindExpiry'), { minLength: 10, maxLength: 30 })
      .map((tail) => [...Array.from({ length: 16 }, () => ['info', 'resubmit']).flat(), ...tail]);
    await fc.assert(fc.asyncProperty(pattern, pattern, kinds, async (text, name, script) => {
      const requester = who(`req${++sequence}`, `R ${name}`);
      const approvers = [who(`apa${sequence}`, `A ${name}`), who(`apb${sequence}`, `B ${name}`)];
      const comms = who(`com${sequence}`, `C ${name}`, ['comms']);
      const reference = `AR-2026-${String(sequence).padStart(5, '0')}`;
      const presenter = accessRequestPresenter(renderer, workingTime);
      const workflow = accessRequest.create({ renderer, workingTime } as never).workflow;
      const drive: Drive<Parameters<typeof presenter.card>[0], AccessRequestCommand> = {
        workflow: workflow as never, reference, viewers: [requester, ...approvers, comms],
        cards: (request, viewer, now, echo) => [
          presenter.card(request, viewer, now, `${fill(text, 400)} ${longestHeadline(workflow.effects([], undefined, request))}`),
          renderer.render('access-request', accessRequestCardView(request, viewer, now, workingTime, {
            notice: echo, values: { comment: textInput({ comment: fill(text, 500) }, 'comment', 500) }, fieldErrors: { comment: echo.slice(0, 300) },
          })),
        ],
      };
      const form = validateAccessRequestForm({
        sites: 'facebook,x,linkedin,instagram,snapchat,viva_engage,youtube,vimeo,tiktok,other', otherSite: fill(text, 60),
        kind: 'post', businessCase: fill(text, 2000), startDate: TODAY, endDate: '2027-11-25',
        approver: approvers[0]!.id, ackPolicy: true, ackMonitoring: true,
      }, TODAY);
      assert.ok(form.ok, JSON.stringify(form));
      let now = START;
      let approver = approvers[0]!;
      // Someone outside the management chain, so the snapshot also holds the longest reason and the line manager (issue 13).
      const { id: lineManagerId, name: lineManagerName } = who(`lm${sequence}`, `L ${name}`);
      const outsideTheChain = { approverStanding: 'other', approverReason: fill(text, APPROVER_REASON_MAX), lineManager: { id: lineManagerId, name: lineManagerName } } as const;
      assert.ok(await step(tables, drive, { type: 'submit', reference, approver, details: form.details, ...outsideTheChain }, requester, now, true));
      for (const [i, kind] of script.entries()) {
        now = new Date(now.getTime() + 60_000);
        const comment = textInput({ comment: `${i} ${fill(text, 500)}` }, 'comment', 500);
        const other = approvers.find((candidate) => candidate !== approver)!;
        const current = (await createCaseStore(tables.cases).load<Parameters<typeof presenter.card>[0]>(reference))!.snapshot;
        const [command, actor]: [AccessRequestCommand, Actor] = kind === 'info' ? [{ type: 'requestInfo', comment }, approver]
          : kind === 'resubmit' ? [{ type: 'resubmit', approver, details: form.details, comment, ...outsideTheChain }, requester]
            : kind === 'change' ? [{ type: 'changeApprover', approver: other }, requester]
              : kind === 'approve' ? [{ type: 'approve', comment }, approver]
                : kind === 'signOff' ? [{ type: 'commsSignOff', comment }, comms]
                  : kind === 'reject' ? [{ type: 'reject', comment }, approver]
                    : kind === 'commsReject' ? [{ type: 'commsReject', comment }, comms]
                      : kind === 'revoke' ? [{ type: 'revoke', comment }, comms]
                        : kind === 'remind' ? [{ type: 'remindApprover', basis: waitStartedAt(current) }, SYSTEM]
                          : kind === 'escalate' ? [{ type: 'escalate', basis: waitStartedAt(current) }, SYSTEM]
                            : [{ type: 'remindExpiry' }, SYSTEM];
        if (await step(tables, drive, command, actor, now) && kind === 'change') approver = other;
      }
    }), RUNS);
  });

  it('keeps the snapshot limit below what a table property holds', () => {
    assert.ok(SNAPSHOT_MAX_CHARS < TABLE_LIMITS.maxStringChars);
  });
});

describe('the largest cases, by example', () => {
  let tables: Tables;
  before(async () => { ({ tables } = await freshTables()); });
  const rhona = who('rhona', 'Rhona "Reporter" Ross');
  const malcolm = who('malcolm', 'Malcolm Manager');
  const ian = who('ian', 'Ian Incident', ['incident']);
  const quotes = (n: number, tag: string) => `${tag} ${'"\\'.repeat(n)}`.slice(0, n);
  const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000);
  const ainm = abuseReport.create({ renderer, workingTime } as never).workflow;

  /** A report with every field at its largest: 4,000 characters that double in JSON, five 500-character links, evidence up to its limit. */
  async function largestReport(reference: string) {
    const store = createCaseStore(tables.cases);
    const form = validateAbuseReportForm({
      category: 'threat', source: 'unknown', platform: 'facebook', happenedOn: TODAY, description: quotes(4000, 'Abuse'),
      links: Array.from({ length: 5 }, (_, i) => longLink(`e${i}`)).join(' '), manager: malcolm.id,
    }, TODAY);
    assert.ok(form.ok);
    await runTransition(store, ainm, reference, { type: 'report', reference, manager: malcolm, details: form.details }, { actor: rhona, now: at(0) }, undefined, true);
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `screenshot-${i}.png`, contentType: 'image/png', link: `https://contoso.sharepoint.com/personal/rhona/Documents/Microsoft%20Teams%20Chat%20Files/screenshot-${i}.png` }));
    assert.ok((await runTransition(store, ainm, reference, { type: 'addEvidence', files }, { actor: rhona, now: at(1) })).ok);
    return store;
  }

  it('accepts the 19th and the 50th 1,000-character note on the largest AINM record, and its card says how many earlier steps it leaves out', async () => {
    const reference = 'AINM-2026-09001';
    const store = await largestReport(reference);
    for (let n = 1; n <= 50; n++) {
      const outcome = await runTransition(store, ainm, reference, { type: 'addNote', note: quotes(1000, `Note ${n}`) }, { actor: [ian, malcolm, rhona][n % 3]!, now: at(n + 1) });
      assert.ok(outcome.ok, `note ${n}: ${outcome.ok ? '' : outcome.message}`);
    }
    const stored = (await store.load<Parameters<ReturnType<typeof abuseReportPresenter>['card']>[0]>(reference))!;
    checkSnapshot(reference, stored.snapshot);
    assert.equal(stored.snapshot.history.at(-1)?.note?.startsWith('Note 50'), true);
    assert.equal(stored.snapshot.history.length + (stored.snapshot.earlierSteps ?? 0), 52);
    assert.equal((await store.events(reference)).length, 52, 'every step is an audit event row');
    const card = abuseReportPresenter(renderer, workingTime).card(stored.snapshot, ian, at(60), 'A note was added.');
    assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${cardBytes(card)} bytes`);
    assert.match(JSON.stringify(card), /\d+ earlier steps not shown/);
  });

  it('renders a takedown with 20 long help requests under 28 KB, saying how many earlier steps there are', () => {
    const adele = who('adele', 'Adele Vance', ['comms']);
    const issued = { type: 'TakedownIssued', at: START.toISOString(), by: adele, reference: 'TD-2026-09001', recipient: rhona, deadline: at(600).toISOString(),
      details: { link: longLink('e'), platform: 'x', clauses: ['copyright'], explanation: quotes(2000, 'Breach') } } as const;
    const workflow = takedown.create({ renderer, workingTime } as never).workflow;
    let notice = workflow.evolve(undefined, issued);
    for (let n = 1; n <= 20; n++) {
      const decision = workflow.decide(notice, { type: 'requestHelp', note: `Help ${n} ${'中'.repeat(1000)}`.slice(0, 1000) }, { actor: rhona, now: at(n) });
      assert.ok(decision.ok && decision.events.length > 0);
      notice = decision.events.reduce(workflow.evolve, notice);
    }
    for (const viewer of [rhona, adele]) {
      const card = takedownPresenter(renderer, workingTime).card(notice, viewer, at(30), 'Rhona asked for help.');
      assert.ok(cardBytes(card) <= MAX_CARD_BYTES, `${cardBytes(card)} bytes`);
      assert.match(JSON.stringify(card), /\d+ earlier steps not shown: every step is kept in the case's audit trail/);
      assert.match(JSON.stringify(card), /Help 20/, 'the latest step is shown');
    }
  });

  it('refuses files beyond the evidence limit with a reason, and stores nothing', async () => {
    const reference = 'AINM-2026-09002';
    const store = createCaseStore(tables.cases);
    const form = validateAbuseReportForm({ category: 'abuse', source: 'unknown', platform: 'x', description: 'Abusive replies to our post.', manager: malcolm.id }, TODAY);
    assert.ok(form.ok);
    await runTransition(store, ainm, reference, { type: 'report', reference, manager: malcolm, details: form.details }, { actor: rhona, now: at(0) }, undefined, true);
    const before = await store.load(reference);
    const files = Array.from({ length: 8 }, (_, i) => ({ name: `file-${i}`, contentType: 'image/png', link: `https://contoso.sharepoint.com/${i}/${'"'.repeat(990)}` }));
    const outcome = await runTransition(store, ainm, reference, { type: 'addEvidence', files }, { actor: rhona, now: at(1) });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.message, /A report keeps at most 8,000 characters of file names and links, and these 8 files would take it past that/);
    assert.deepEqual(await store.load(reference), before);
  });

  it('refuses a note a record stored before these limits cannot hold, with a reason, and stores nothing', async () => {
    const reference = 'AINM-2026-09003';
    const store = await largestReport(reference);
    const current = (await store.load<Parameters<ReturnType<typeof abuseReportPresenter>['card']>[0]>(reference))!;
    // Evidence as an older version let it grow: the snapshot still fits the table, but has no room for a long note.
    const room = Math.floor((29_800 - JSON.stringify({ ...current.snapshot, evidence: [] }).length) / 20) - 60;
    const legacy = { ...current.snapshot, evidence: Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, contentType: 'image/png', link: `https://e.example/${i}/${'a'.repeat(room)}` })) };
    await store.commit({ reference, expected: current, snapshot: legacy, state: legacy.state, events: [{ type: 'Migrated', at: at(2).toISOString(), by: SYSTEM }], effects: [] });
    const before = await store.load(reference);
    const outcome = await runTransition(store, ainm, reference, { type: 'addNote', note: quotes(1000, 'A note') }, { actor: ian, now: at(3) });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? '' : outcome.message, 'That is more than this record can hold. Shorten the note (or add fewer files) and send it again.');
    assert.deepEqual(await store.load(reference), before);
    assert.ok((await runTransition(store, ainm, reference, { type: 'addNote', note: 'Called Rhona.' }, { actor: ian, now: at(4) })).ok, 'a short note still fits');
  });

  it('stages the 20 files a report can hold, however long their links, and keeps the newest when they cannot all fit', async () => {
    const staged = createStagedEvidence(tables.idempotency);
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `file-${i}`, contentType: 'image/png', link: `https://contoso.sharepoint.com/${i}/${'"'.repeat(990)}` }));
    await staged.stage(rhona.id, files, START.toISOString());
    const kept = await staged.take(rhona.id);
    assert.ok(kept.length > 0 && kept.length < 20);
    assert.deepEqual(kept, files.slice(-kept.length));
  });
});
