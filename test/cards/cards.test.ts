import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { caseListCard } from '../../src/cards/case-list';
import { messageCard } from '../../src/bot/turn';
import { notUnderstoodCard } from '../../src/bot/short-help';
import { DEFAULT_POLICY_URL } from '../../src/config';
import { welcomeCard } from '../../src/bot/welcome';
import { AdaptiveCardJson, CARD_TEMPLATES, defaultCardsDirectory, loadCardTemplates } from '../../src/cards/render';
import type { Actor } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { accessRequestFormView } from '../../src/workflows/access-request/form-view';
import { STATE_LABELS } from '../../src/workflows/access-request/labels';
import { AccessRequest, AccessRequestEvent, evolve } from '../../src/workflows/access-request/model';
import { accessRequestCardView } from '../../src/workflows/access-request/view';
import { abuseReportFormView } from '../../src/workflows/abuse-report/form-view';
import { AbuseReportDetails, AbuseReportEvent, AbuseReport, evolve as evolveAinm } from '../../src/workflows/abuse-report/model';
import { DEFAULT_ABUSE_REPORT_SETTINGS, DEFAULT_EAP_URL, DEFAULT_HOLMES_URL, safetyCardView } from '../../src/workflows/abuse-report/settings';
import { abuseReportCardView } from '../../src/workflows/abuse-report/view';
import { takedownFormView } from '../../src/workflows/takedown/form-view';
import { evolve as evolveTakedown, TakedownEvent, TakedownNotice } from '../../src/workflows/takedown/model';
import { takedownCardView } from '../../src/workflows/takedown/view';

// The official renderer's object model parses cards in Node from its dist bundle (no DOM needed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const renderer = loadCardTemplates();
const workingTime = createWorkingTime();
const NOW = new Date('2026-11-25T10:00:00Z');
const MAX_CARD_BYTES = 28 * 1024;
/** Hostile user text: markdown, a link, HTML, template syntax, RTL and emoji. */
const HOSTILE = '**bold** [click](https://evil.example) <b>x</b> ${requester.name} {{name}} \u05E9\u05DC\u05D5\u05DD 🙂';

const alex: Actor = { id: 'aad-alex', name: 'Alex Wilber', roles: [] };
const megan: Actor = { id: 'aad-megan', name: 'Megan Bowen', roles: [] };
const adele: Actor = { id: 'aad-adele', name: 'Adele Vance', roles: ['comms'] };
const lidia: Actor = { id: 'aad-lidia', name: 'Lidia Holloway', roles: ['incident'] };

function request(events: Omit<AccessRequestEvent, 'at'>[], businessCase = 'I answer tenants on Facebook for the housing team.'): AccessRequest {
  const opening: AccessRequestEvent = {
    type: 'AccessRequested', at: NOW.toISOString(), by: alex, reference: 'AR-2026-00001', approver: megan,
    details: { sites: ['facebook', 'other'], otherSite: 'Mastodon', kind: 'post', businessCase, startDate: '2026-11-25', endDate: '2027-05-25' },
  };
  return [opening, ...events.map((event) => ({ ...event, at: NOW.toISOString() }) as AccessRequestEvent)]
    .reduce<AccessRequest | undefined>(evolve, undefined)!;
}

const ABUSE_DETAILS: AbuseReportDetails = {
  category: 'harassment', source: 'member_of_public', platform: 'facebook', links: ['https://facebook.example/posts/1'],
  happenedOn: '2026-11-24', description: 'Repeated abusive replies to our housing repairs post.', immediateDanger: false, wantsSupport: false,
};

function abuseRecord(events: Omit<AbuseReportEvent, 'at'>[], details: Partial<AbuseReportDetails> = {}): AbuseReport {
  const opening: AbuseReportEvent = {
    type: 'ReportMade', at: NOW.toISOString(), by: alex, reference: 'AINM-2026-00001', manager: megan, details: { ...ABUSE_DETAILS, ...details },
  };
  return [opening, ...events.map((event) => ({ ...event, at: NOW.toISOString() }) as AbuseReportEvent)]
    .reduce<AbuseReport | undefined>(evolveAinm, undefined)!;
}

function takedownNotice(events: Omit<TakedownEvent, 'at'>[]): TakedownNotice {
  const opening: TakedownEvent = {
    type: 'TakedownIssued', at: NOW.toISOString(), by: adele, reference: 'TD-2026-00001', recipient: alex, manager: megan,
    deadline: '2026-11-26T10:00:00.000Z',
    details: { link: 'https://facebook.example/posts/2', platform: 'facebook', clauses: ['about_stakeholders', 'identifying_people'], explanation: 'The post names a tenant and shows their door.' },
  };
  return [opening, ...events.map((event) => ({ ...event, at: NOW.toISOString() }) as TakedownEvent)]
    .reduce<TakedownNotice | undefined>(evolveTakedown, undefined)!;
}

/** Every card the bot can show, rendered through the real view functions. */
function sampleCards(): [string, AdaptiveCardJson][] {
  const submitted = request([]);
  const awaitingComms = request([{ type: 'ApprovedByManager', by: megan, comment: 'Fine by me.' } as never]);
  const sentBack = request([{ type: 'MoreInformationRequested', by: megan, comment: 'Which pages?' } as never]);
  const urgentReport = abuseRecord([
    { type: 'EvidenceAdded', by: alex, files: [{ name: 'screenshot.png', contentType: 'image/png', link: 'https://sharepoint.example/files/1' }] } as never,
  ], { immediateDanger: true, wantsSupport: true });
  const investigating = abuseRecord([
    { type: 'Acknowledged', by: megan, note: 'Spoke to Alex.' } as never, { type: 'InvestigationStarted', by: lidia } as never,
  ]);
  const closedReport = abuseRecord([
    { type: 'InvestigationStarted', by: lidia } as never,
    { type: 'Closed', by: lidia, outcome: 'unacceptable_actions_policy', note: 'Warning letter sent.' } as never,
  ], { platform: 'other', platformOther: 'Mastodon' });
  return [
    ['welcome', welcomeCard(renderer, { id: 'aad-alex', name: 'Alex Wilber', roles: [] })],
    ['message', messageCard(renderer, { title: 'Not available', message: 'I can\'t find AR-2026-00009.' })],
    ['policy', renderer.render('policy', { policyUrl: DEFAULT_POLICY_URL })],
    ['welcome (not understood)', notUnderstoodCard(renderer, { id: 'aad-patti', name: 'Patti Fernandez', roles: ['comms', 'incident', 'admin'] })],
    ['form (new)', renderer.render('access-request-form', accessRequestFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan, adele] }))],
    ['form (errors)', renderer.render('access-request-form', accessRequestFormView({
      actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan], input: { businessCase: 'short' },
      errors: { sites: 'Choose at least one site.', businessCase: 'Too short.', ackPolicy: 'Confirm.' },
    }))],
    ['form (edit)', renderer.render('access-request-form', accessRequestFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan], editing: sentBack }))],
    ['case (approver)', renderer.render('access-request', accessRequestCardView(submitted, megan, NOW, workingTime, { headline: 'Alex asks for access.' }))],
    ['case (comms)', renderer.render('access-request', accessRequestCardView(awaitingComms, adele, NOW, workingTime, { notice: 'Already signed off.', fieldErrors: { comment: 'Please say why.' } }))],
    ['case (requester)', renderer.render('access-request', accessRequestCardView(sentBack, alex, NOW, workingTime))],
    ['abuse form (new)', renderer.render('abuse-report-form', abuseReportFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [{ ...alex, managerId: megan.id }, megan, lidia] }))],
    ['abuse form (errors)', renderer.render('abuse-report-form', abuseReportFormView({
      actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan], input: { platform: 'other', links: 'javascript:alert(1)', description: 'short' },
      errors: { category: 'Choose what happened.', platformOther: 'Name the site or app.', links: 'Each link must start with http:// or https://.', description: 'Say briefly what happened.', manager: 'Choose your line manager.' },
    }))],
    ['abuse report (reporter, urgent, support)', renderer.render('abuse-report', abuseReportCardView(urgentReport, alex, NOW, workingTime, { headline: 'Your report AINM-2026-00001 is recorded.' }))],
    ['abuse report (manager, reported)', renderer.render('abuse-report', abuseReportCardView(abuseRecord([]), megan, NOW, workingTime, { headline: 'Alex Wilber has reported harassment.' }))],
    ['abuse report (incident, investigating)', renderer.render('abuse-report', abuseReportCardView(investigating, lidia, NOW, workingTime, {
      notice: 'Say briefly what was done.', fieldErrors: { note: 'Say briefly what was done.', outcome: 'Choose an outcome.' }, values: { note: 'ok' },
    }))],
    ['abuse report (closed)', renderer.render('abuse-report', abuseReportCardView(closedReport, alex, NOW, workingTime))],
    ['abuse report safety (danger written)', renderer.render('abuse-report-safety', safetyCardView({ ...DEFAULT_ABUSE_REPORT_SETTINGS.support, phone: '+44 800 123 4567' }))],
    ['list', caseListCard(renderer, 'My access requests', [{
      userId: alex.id, role: 'requester', reference: 'AR-2026-00001', state: 'submitted', summary: 'View access to Facebook',
      nextStep: 'Megan Bowen to decide.', awaitingMe: false, updatedAt: NOW.toISOString(),
    }], (state) => STATE_LABELS[state as AccessRequest['state']], 'Nothing yet.')],
    ['takedown form (new)', renderer.render('takedown-form', takedownFormView({ actor: adele, formId: 'f', people: [alex, megan, adele] }))],
    ['takedown form (errors)', renderer.render('takedown-form', takedownFormView({
      actor: adele, formId: 'f', people: [alex, megan], input: { recipient: alex.id, link: 'javascript:alert(1)', platform: 'other', explanation: 'short' },
      errors: { link: 'Give the one link to the post (http or https).', platformOther: 'Name the site or app.', clauses: 'Choose what the post breaches.', explanation: 'Explain the breach.' },
    }))],
    ['takedown (recipient, issued)', renderer.render('takedown', takedownCardView(takedownNotice([]), alex, NOW, workingTime, {
      headline: 'The Communications Team asks you to remove a post that breaches the Social Media Policy, by Thu 26 Nov, 10:00.',
    }))],
    ['takedown (comms, removal confirmed)', renderer.render('takedown', takedownCardView(
      takedownNotice([{ type: 'RemovalConfirmed', by: alex, note: 'Deleted it.' } as never]), adele, NOW, workingTime,
      { notice: 'Say what is still visible.', fieldErrors: { note: 'Say what is still visible.' }, values: { note: 'still' } },
    ))],
    ['takedown (closed)', renderer.render('takedown', takedownCardView(takedownNotice([
      { type: 'RemovalConfirmed', by: alex } as never, { type: 'RemovalVerified', by: adele, note: 'Checked the page.' } as never,
    ]), alex, NOW, workingTime))],
    ['list (empty)', caseListCard(renderer, 'Awaiting your decision', [], (state) => ({ label: state, color: 'default' }), 'Nothing is waiting for you.')],
  ];
}

/** Parse events from the official library, except the one Teams extension we rely on on purpose. */
function parseWarnings(card: AdaptiveCardJson): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  new AC.AdaptiveCard().parse(card, context);
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  // Teams' people picker (Input.ChoiceSet "choices.data" with dataset graph.microsoft.com/users) is a Teams
  // extension Teams supports on cards from version 1.2; the official library files it under 1.6.
  return warnings.filter((message) => !/^Property "choices\.data" is supported in version 1\.6/.test(message));
}

function textRuns(card: unknown): string[] {
  return collect(card, (node) => node.type === 'TextRun' ? node.text : undefined);
}

function textBlocks(card: unknown): string[] {
  return collect(card, (node) => node.type === 'TextBlock' ? node.text : undefined);
}

function collect(node: unknown, pick: (element: Record<string, unknown>) => unknown): string[] {
  if (Array.isArray(node)) return node.flatMap((child) => collect(child, pick));
  if (typeof node !== 'object' || node === null) return [];
  const element = node as Record<string, unknown>;
  const picked = pick(element);
  return [...(typeof picked === 'string' ? [picked] : []), ...Object.values(element).flatMap((child) => collect(child, pick))];
}

describe('Adaptive Card templates', () => {
  it('has a sample for every template in cards/', () => {
    const files = readdirSync(defaultCardsDirectory()).filter((file) => file.endsWith('.json')).map((file) => path.basename(file, '.json')).sort();
    assert.deepEqual(files, [...CARD_TEMPLATES].sort());
  });

  for (const [name, card] of sampleCards()) {
    describe(name, () => {
      it('is an Adaptive Card of schema 1.5', () => {
        assert.equal(card.type, 'AdaptiveCard');
        assert.equal(card.version, '1.5');
      });
      it('has every ${...} bound', () => {
        assert.doesNotMatch(JSON.stringify(card), /\$\{/);
      });
      it('stays under 28 KB', () => {
        assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
      });
      it('parses with the official Adaptive Cards library without warnings', () => {
        assert.deepEqual(parseWarnings(card), []);
      });
    });
  }

  it('summarises Appendix 1 on the policy card and links to the full policy from the setting', () => {
    const card = renderer.render('policy', { policyUrl: 'https://holmes.example/policies/social-media' });
    const text = JSON.stringify(card);
    for (const rule of [/disparaging/, /confidential/, /friend requests/, /views expressed are my own/, /breaks and at lunch/, /report abuse/, /Optum/, /Communications Team/, /dismissal/, /searchable/]) {
      assert.match(text, rule);
    }
    assert.match(text, /"type":"Action.OpenUrl","title":"Read the full policy","url":"https:\/\/holmes.example\/policies\/social-media"/);
  });

  it('shows a business case with markdown and template syntax literally, never as markdown', () => {
    const card = renderer.render('access-request', accessRequestCardView(request([], HOSTILE), megan, NOW, workingTime));
    assert.ok(textRuns(card).includes(HOSTILE), 'the business case is shown as it was typed');
    assert.ok(!textBlocks(card).some((text) => text.includes('evil.example')), 'no markdown-rendering element holds user text');
  });

  it('shows names and comments with markdown literally, never as markdown', () => {
    const sneaky: Actor = { ...megan, name: '[Megan](https://evil.example)' };
    const sentBack = [{ type: 'MoreInformationRequested', by: sneaky, comment: HOSTILE } as never];
    const card = renderer.render('access-request', accessRequestCardView(request(sentBack), alex, NOW, workingTime));
    assert.ok(textRuns(card).some((text) => text.includes(HOSTILE)));
    assert.ok(!textBlocks(card).some((text) => text.includes('evil.example') || text.includes('${')));
  });

  it('shows an abuse report\'s description and links with markdown, template syntax and javascript: literally, never as markdown', () => {
    const description = `${HOSTILE} [call me](javascript:alert(1))`;
    const link = 'https://evil.example/[click](javascript:alert(1))/${reference}';
    const record = abuseRecord([], { description, links: [link], platform: 'other', platformOther: '**Mastodon** ${reference}' });
    for (const viewer of [alex, megan, lidia]) {
      const card = renderer.render('abuse-report', abuseReportCardView(record, viewer, NOW, workingTime));
      const runs = textRuns(card);
      assert.ok(runs.includes(description), 'the description is shown as it was typed');
      assert.ok(runs.includes(link), 'the link is shown as text');
      assert.ok(runs.includes('**Mastodon** ${reference}'), 'the other site is shown as it was typed');
      assert.ok(!textBlocks(card).some((text) => /evil\.example|javascript:|\$\{|\*\*|Mastodon/.test(text)), 'no markdown-rendering element holds user text');
    }
  });

  describe('support and the 999 line', () => {
    /** Every text of the card in reading order: text blocks and rich-text runs. */
    const texts = (card: unknown) => collect(card, (node) => (node.type === 'TextBlock' || node.type === 'TextRun' ? node.text : undefined));
    const openUrls = (card: unknown) => collect(card, (node) => (node.type === 'Action.OpenUrl' ? node.url : undefined));
    const urgentReceipt = () => renderer.render('abuse-report', abuseReportCardView(
      abuseRecord([], { immediateDanger: true }), alex, NOW, workingTime, { headline: 'Your report AINM-2026-00001 is recorded. Megan Bowen and the Incident team have been told.' },
    ));

    it('puts the 999 line on an urgent receipt once, at the top', () => {
      const lines = texts(urgentReceipt());
      assert.equal(lines.filter((line) => /999/.test(line)).length, 1, lines.join('\n'));
      assert.match(lines[0]!, /^If you are in immediate danger, call 999 now\./);
    });

    it('links every receipt to the Employee Assistance Programme and Holmes, urgent or not, asked for or not', () => {
      const plain = renderer.render('abuse-report', abuseReportCardView(abuseRecord([], { wantsSupport: false }), alex, NOW, workingTime));
      for (const card of [urgentReceipt(), plain]) {
        assert.deepEqual(openUrls(card), [DEFAULT_EAP_URL, DEFAULT_HOLMES_URL]);
        assert.ok(texts(card).some((line) => /Optum \(livewell\.optum\.com\), our Employee Assistance Programme/.test(line)));
      }
      assert.deepEqual(openUrls(renderer.render('abuse-report', abuseReportCardView(abuseRecord([]), megan, NOW, workingTime))), [], 'the manager gets no support block');
    });

    it('shows the support phone only when one is set', () => {
      const settings = { ...DEFAULT_ABUSE_REPORT_SETTINGS, support: { ...DEFAULT_ABUSE_REPORT_SETTINGS.support, phone: '0800 123 4567' } };
      const withPhone = renderer.render('abuse-report', abuseReportCardView(abuseRecord([]), alex, NOW, workingTime, {}, settings));
      assert.ok(texts(withPhone).includes('Phone: 0800 123 4567'));
      assert.ok(!texts(urgentReceipt()).some((line) => /Phone/.test(line)));
    });

    it('answers danger written in free text with 999 first, then support with the EAP link', () => {
      const card = renderer.render('abuse-report-safety', safetyCardView(DEFAULT_ABUSE_REPORT_SETTINGS.support));
      const lines = texts(card);
      assert.equal(lines[0], 'If you are in immediate danger, call 999 now.');
      assert.equal(lines.filter((line) => /999/.test(line)).length, 1);
      assert.deepEqual(openUrls(card), [DEFAULT_EAP_URL, DEFAULT_HOLMES_URL]);
    });
  });

  it('offers the Incident team the outcome choice and the close button while investigating, and no one else', () => {
    const investigating = abuseRecord([{ type: 'InvestigationStarted', by: lidia } as never]);
    const outcomeChoices = (card: unknown) => collect(card, (node) => (node.type === 'Input.ChoiceSet' && node.id === 'outcome' ? JSON.stringify(node.choices) : undefined));
    const verbs = (card: unknown) => collect(card, (node) => (node.type === 'Action.Execute' ? node.verb : undefined));
    const incidentCard = renderer.render('abuse-report', abuseReportCardView(investigating, lidia, NOW, workingTime));
    assert.deepEqual(outcomeChoices(incidentCard).map((choices) => JSON.parse(choices) as unknown), [[
      { title: 'Unacceptable Actions Policy applied', value: 'unacceptable_actions_policy' },
      { title: 'Dignity at Work policy applied (a colleague)', value: 'dignity_at_work' },
      { title: 'Referred to HR (a colleague)', value: 'hr_referral' },
      { title: 'Referred to the police', value: 'police_referral' },
      { title: 'No further action', value: 'no_further_action' },
      { title: 'Other', value: 'other' },
    ]]);
    assert.deepEqual(verbs(incidentCard), ['abuseReport.refresh', 'abuseReport.close', 'abuseReport.addNote']);
    const managerCard = renderer.render('abuse-report', abuseReportCardView(investigating, megan, NOW, workingTime));
    assert.deepEqual(outcomeChoices(managerCard), []);
    assert.deepEqual(verbs(managerCard), ['abuseReport.refresh', 'abuseReport.addNote']);
  });

  it('lets the takedown\'s recipient open the post from the notice', () => {
    const card = renderer.render('takedown', takedownCardView(takedownNotice([]), alex, NOW, workingTime, {}));
    const openUrls: unknown[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      if ((node as { type?: unknown }).type === 'Action.OpenUrl') openUrls.push((node as { url?: unknown }).url);
      Object.values(node).forEach(walk);
    };
    walk(card);
    assert.deepEqual(openUrls, ['https://facebook.example/posts/2']);
  });

  it('gives every required input an error message and lets every expanded choice wrap (long labels are not cut on a phone)', () => {
    const problems: string[] = [];
    const walk = (node: unknown, template: string): void => {
      if (Array.isArray(node)) return node.forEach((child) => walk(child, template));
      if (typeof node !== 'object' || node === null) return;
      const element = node as Record<string, unknown>;
      if (element.isRequired === true && typeof element.errorMessage !== 'string') problems.push(`${template}: ${String(element.id)} is required with no errorMessage`);
      if (element.type === 'Input.ChoiceSet' && element.style === 'expanded' && element.wrap !== true) problems.push(`${template}: ${String(element.id)} is expanded without wrap`);
      Object.values(element).forEach((child) => walk(child, template));
    };
    for (const template of CARD_TEMPLATES) walk(JSON.parse(readFileSync(path.join(defaultCardsDirectory(), `${template}.json`), 'utf8')), template);
    assert.deepEqual(problems, []);
  });

  it('keeps a huge typed-back form small: values are bounded before they are shown again', () => {
    const view = accessRequestFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [alex], input: { businessCase: 'x'.repeat(100_000), otherSite: 'y'.repeat(100_000) } });
    const card = renderer.render('access-request-form', view);
    assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
  });

  it('keeps every form under 28 KB with a directory of 400 people with the longest names and every field typed back at its worst', () => {
    const directory = Array.from({ length: 400 }, (_, index) => ({ id: `${String(index).padStart(8, '0')}-1111-4111-8111-111111111111`, name: `${'中'.repeat(99)}${index % 10}`, roles: [] }));
    // The characters that grow most: 3 bytes in UTF-8, 2 in JSON (a quote, a backslash), 6 in JSON (a control character).
    const worst = (length: number) => '中"\\\u0001'.repeat(Math.ceil(length / 4)).slice(0, length);
    const typedBack = <T extends string>(fields: readonly T[]) => Object.fromEntries(fields.map((field) => [field, worst(100_000)])) as Record<T, string>;
    const forms: [string, AdaptiveCardJson][] = [
      ['access request', renderer.render('access-request-form', accessRequestFormView({
        actor: alex, today: '2026-11-25', formId: 'f', people: directory, errors: { businessCase: 'x' },
        input: typedBack(['sites', 'otherSite', 'kind', 'businessCase', 'startDate', 'endDate', 'approver', 'ackPolicy', 'ackMonitoring']),
      }))],
      ['abuse report', renderer.render('abuse-report-form', abuseReportFormView({
        actor: alex, today: '2026-11-25', formId: 'f', people: directory, errors: { description: 'x' },
        input: typedBack(['category', 'source', 'platform', 'platformOther', 'links', 'happenedOn', 'description', 'immediateDanger', 'wantsSupport', 'manager', 'managerSearch']),
      }))],
      ['takedown', renderer.render('takedown-form', takedownFormView({
        actor: alex, formId: 'f', people: directory, errors: { link: 'x' },
        input: typedBack(['recipient', 'recipientSearch', 'link', 'platform', 'platformOther', 'clauses', 'explanation', 'deadline']),
      }))],
    ];
    for (const [name, card] of forms) {
      const bytes = Buffer.byteLength(JSON.stringify(card));
      assert.ok(bytes <= MAX_CARD_BYTES, `${name} form: ${bytes} bytes`);
    }
  });
});
