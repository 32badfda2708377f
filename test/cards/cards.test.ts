import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { caseListCard } from '../../src/bot/case-list';
import { noticeCard } from '../../src/bot/turn';
import { welcomeCard } from '../../src/bot/welcome';
import { AdaptiveCardJson, CARD_TEMPLATES, defaultCardsDirectory, loadCardTemplates } from '../../src/cards/render';
import type { Actor } from '../../src/domain/people';
import { createWorkingTime } from '../../src/domain/working-time';
import { accessRequestFormView } from '../../src/workflows/access-request/form-view';
import { STATE_LABELS } from '../../src/workflows/access-request/labels';
import { AccessRequest, AccessRequestEvent, evolve } from '../../src/workflows/access-request/model';
import { accessRequestCardView } from '../../src/workflows/access-request/view';

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

function request(events: Omit<AccessRequestEvent, 'at'>[], businessCase = 'I answer tenants on Facebook for the housing team.'): AccessRequest {
  const opening: AccessRequestEvent = {
    type: 'AccessRequested', at: NOW.toISOString(), by: alex, reference: 'AR-2026-00001', approver: megan,
    details: { sites: ['facebook', 'other'], otherSite: 'Mastodon', kind: 'post', businessCase, startDate: '2026-11-25', endDate: '2027-05-25' },
  };
  return [opening, ...events.map((event) => ({ ...event, at: NOW.toISOString() }) as AccessRequestEvent)]
    .reduce<AccessRequest | undefined>(evolve, undefined)!;
}

/** Every card the bot can show, rendered through the real view functions. */
function sampleCards(): [string, AdaptiveCardJson][] {
  const submitted = request([]);
  const awaitingComms = request([{ type: 'ApprovedByManager', by: megan, comment: 'Fine by me.' } as never]);
  const sentBack = request([{ type: 'MoreInformationRequested', by: megan, comment: 'Which pages?' } as never]);
  return [
    ['welcome', welcomeCard(renderer, 'Alex Wilber')],
    ['notice', noticeCard(renderer, { title: 'Not available', message: 'I can\'t find AR-2026-00009.' })],
    ['form (new)', renderer.render('access-request-form', accessRequestFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan, adele] }))],
    ['form (errors)', renderer.render('access-request-form', accessRequestFormView({
      actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan], input: { businessCase: 'short' },
      errors: { sites: 'Choose at least one site.', businessCase: 'Too short.', ackPolicy: 'Confirm.' },
    }))],
    ['form (edit)', renderer.render('access-request-form', accessRequestFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [alex, megan], editing: sentBack }))],
    ['case (approver)', renderer.render('access-request', accessRequestCardView(submitted, megan, NOW, workingTime, { headline: 'Alex asks for access.' }))],
    ['case (comms)', renderer.render('access-request', accessRequestCardView(awaitingComms, adele, NOW, workingTime, { notice: 'Already signed off.', commentError: 'Please say why.' }))],
    ['case (requester)', renderer.render('access-request', accessRequestCardView(sentBack, alex, NOW, workingTime))],
    ['list', caseListCard(renderer, 'My access requests', [{
      userId: alex.id, role: 'requester', reference: 'AR-2026-00001', state: 'submitted', summary: 'View access to Facebook',
      nextStep: 'Megan Bowen to decide.', awaitingMe: false, updatedAt: NOW.toISOString(),
    }], (state) => STATE_LABELS[state as AccessRequest['state']], 'Nothing yet.')],
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

  it('keeps a huge typed-back form small: values are bounded before they are shown again', () => {
    const view = accessRequestFormView({ actor: alex, today: '2026-11-25', formId: 'f', people: [alex], input: { businessCase: 'x'.repeat(100_000), otherSite: 'y'.repeat(100_000) } });
    const card = renderer.render('access-request-form', view);
    assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
  });
});
