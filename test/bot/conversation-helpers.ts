import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BotHarness, CardJson, cardText, PEOPLE, PersonKey } from '../support/bot-harness';

/** Shared helpers for the bot conversation tests: what a person would see in their chat with the bot. */

/** Wednesday 25 November 2026, 10:00 in London: a working day. */
export const NOW = new Date('2026-11-25T10:00:00Z');

export const BUSINESS_CASE = 'I answer tenants who message the housing team on Facebook and LinkedIn.';

/** The inputs of a correctly filled in request form, as Teams sends them back on "Send to approver". */
export function validForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formId: randomUUID(), reference: '', sites: 'facebook,linkedin', otherSite: '', kind: 'view',
    businessCase: BUSINESS_CASE,
    startDate: '2026-11-25', endDate: '2027-05-25', approver: PEOPLE.megan.id, ackPolicy: 'true', ackMonitoring: 'true',
    ...overrides,
  };
}

/** Submits a request form for `person` and waits until the notifications it caused are sent. */
export async function submitRequest(bot: BotHarness, person: PersonKey, overrides: Record<string, unknown> = {}): Promise<CardJson> {
  const { card } = await bot.click(person, 'accessRequest.submit', validForm(overrides));
  await bot.idle();
  return card;
}

/** Cards the bot sent as NEW messages into this person's 1:1 chat (not in-place updates), oldest first. */
export function newCardsFor(bot: BotHarness, person: PersonKey): CardJson[] {
  return newCardsIn(bot, bot.personalConversation(person));
}

export function newCardsIn(bot: BotHarness, conversationId: string): CardJson[] {
  return bot.connector.calls
    .filter((call) => call.conversationId === conversationId && call.method === 'POST' && call.body.attachments)
    .map((call) => (call.body.attachments as { content: CardJson }[])[0]!.content);
}

/** New cards in this person's chat whose text matches `pattern`. */
export function cardsMatching(bot: BotHarness, person: PersonKey, pattern: RegExp): CardJson[] {
  return newCardsFor(bot, person).filter((card) => pattern.test(cardText(card)));
}

/** The newest card sent as a reply to a typed command (or a notification) in this person's chat. */
export function lastNewCardFor(bot: BotHarness, person: PersonKey): CardJson {
  const card = newCardsFor(bot, person).at(-1);
  assert.ok(card, `${person} got no card`);
  return card;
}

/** Types a command and returns the card the bot answered with. */
export async function ask(bot: BotHarness, person: PersonKey, text: string): Promise<CardJson> {
  const before = newCardsFor(bot, person).length;
  const answer = await bot.say(person, text);
  assert.equal(answer.status, 200, `"${text}" answered ${answer.status}`);
  const cards = newCardsFor(bot, person);
  assert.equal(cards.length, before + 1, `"${text}" should be answered with one card`);
  return cards.at(-1)!;
}

/** Titles and values of every FactSet fact on a card (the welcome card lists commands this way). */
export function factTexts(card: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'FactSet' && Array.isArray(element.facts)) {
      for (const fact of element.facts as { title?: string; value?: string }[]) texts.push(`${fact.title ?? ''}: ${fact.value ?? ''}`);
    }
    Object.values(element).forEach(walk);
  };
  walk(card);
  return texts;
}

/**
 * The error shown next to an input: the red (Attention) text block that follows the input with this id in
 * the same list of elements, before any other input (a companion input such as `approverSearch` for
 * `approver` belongs to the same field); undefined when there is none.
 */
export function errorNextTo(card: unknown, inputId: string): string | undefined {
  type Element = { type?: unknown; id?: unknown; color?: unknown; text?: unknown };
  const isInput = (item: Element) => String(item.type).startsWith('Input.');
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (found !== undefined || typeof node !== 'object' || node === null) return;
    if (!Array.isArray(node)) return Object.values(node).forEach(walk);
    const items = node.map((item) => (typeof item === 'object' && item !== null ? item as Element : {}));
    const index = items.findIndex((item) => isInput(item) && item.id === inputId);
    if (index < 0) return node.forEach(walk);
    found = '';
    for (const item of items.slice(index + 1)) {
      if (isInput(item) && !String(item.id).startsWith(inputId)) break;
      if (item.type === 'TextBlock' && item.color === 'Attention' && typeof item.text === 'string') {
        found = item.text;
        break;
      }
    }
  };
  walk(card);
  return found || undefined;
}

/** The current value an input on a card is filled in with. */
export function inputValue(card: unknown, inputId: string): unknown {
  let value: unknown;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (String(element.type).startsWith('Input.') && element.id === inputId) value = element.value;
    Object.values(element).forEach(walk);
  };
  walk(card);
  return value;
}

/** Whether a card has an input with this id (e.g. the comment box next to the decision buttons). */
export function hasInput(card: unknown, inputId: string): boolean {
  return JSON.stringify(card).includes(`"id":"${inputId}"`);
}

/**
 * What Teams sends back when the form's main (positive) button is pressed: every input's current value,
 * with `changes` typed over them, merged with the button's data. Returns the verb too.
 */
export function formSubmission(card: unknown, changes: Record<string, unknown> = {}): { verb: string; data: Record<string, unknown> } {
  const inputs: Record<string, unknown> = {};
  let submit: { verb: string; data: Record<string, unknown> } | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (String(element.type).startsWith('Input.') && typeof element.id === 'string') inputs[element.id] = element.value ?? '';
    if (element.type === 'Action.Execute' && element.style === 'positive' && typeof element.verb === 'string') {
      submit = { verb: element.verb, data: (element.data ?? {}) as Record<string, unknown> };
    }
    Object.values(element).forEach(walk);
  };
  walk(card);
  assert.ok(submit, 'the form has a main button');
  return { verb: submit.verb, data: { ...inputs, ...changes, ...submit.data } };
}

/* ---- Abuse and harassment reports (AINM records) ---- */

/** What the reporter writes under "What happened": it must stay on the record card and nowhere else. */
export const ABUSE_DESCRIPTION = 'A man keeps commenting under my posts on the housing page that he knows where I park every morning.';
export const ABUSE_LINK = 'https://www.facebook.com/wheatleyhousing/posts/pfbid0abc123';

/** The inputs of a correctly filled in abuse report card, as Teams sends them back on "Send report". */
export function validReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formId: randomUUID(), category: 'harassment', source: 'member_of_public', platform: 'facebook', platformOther: '',
    links: ABUSE_LINK, happenedOn: '2026-11-24', description: ABUSE_DESCRIPTION, immediateDanger: 'false', wantsSupport: 'false',
    manager: PEOPLE.megan.id, managerSearch: '',
    ...overrides,
  };
}

/** Sends an abuse report for `person` and waits until the alerts it caused are sent; returns the receipt card. */
export async function submitReport(bot: BotHarness, person: PersonKey = 'alex', overrides: Record<string, unknown> = {}): Promise<CardJson> {
  const { card } = await bot.click(person, 'abuseReport.submit', validReport(overrides));
  await bot.idle();
  return card;
}

/** A file as Teams attaches it to a message in a 1:1 chat with a bot (a reference to OneDrive/SharePoint). */
export function teamsFile(name: string, fileType: string): Record<string, unknown> {
  const uniqueId = randomUUID();
  return {
    contentType: 'application/vnd.microsoft.teams.file.download.info',
    name,
    contentUrl: `https://contoso-my.sharepoint.com/personal/alex/Documents/Microsoft%20Teams%20Chat%20Files/${encodeURIComponent(name)}`,
    content: { downloadUrl: `https://contoso-my.sharepoint.com/download.aspx?tempauth=secret-${uniqueId}`, uniqueId, fileType },
  };
}

/** The person sends files in their chat with the bot (no text, as when only files are attached). */
export async function sendFiles(bot: BotHarness, person: PersonKey, files: Record<string, unknown>[]): Promise<void> {
  const answer = await bot.post('/api/messages', bot.activity(person, { type: 'message', text: '', attachments: files }));
  assert.equal(answer.status, 200, `sending files answered ${answer.status}`);
  await bot.idle();
}

/** The clickable lines of a list card (each line's select action): verb and reference. */
export function listItems(card: unknown): { verb: string; reference: string }[] {
  const items: { verb: string; reference: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    const action = element.selectAction as { verb?: unknown; data?: { reference?: unknown } } | undefined;
    if (action && typeof action.verb === 'string') items.push({ verb: action.verb, reference: String(action.data?.reference ?? '') });
    Object.values(element).forEach(walk);
  };
  walk(card);
  return items;
}

/* ---- Takedown notices ---- */

/** The inputs of a correctly filled in takedown card (Adele, Comms, to Alex), as Teams sends them back on "Send notice". */
export function validTakedown(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formId: randomUUID(), recipient: PEOPLE.alex.id, recipientSearch: '', link: 'https://www.facebook.com/alex.wilber/posts/pfbid02xyz',
    platform: 'facebook', platformOther: '', clauses: 'about_stakeholders,identifying_people',
    explanation: 'The post names a tenant of ours and shows their front door.', deadline: 'days1', ...overrides,
  };
}

/** `issuer` sends a takedown notice and waits until the notifications it caused are sent; returns the issuer's card. */
export async function issueTakedown(bot: BotHarness, overrides: Record<string, unknown> = {}, issuer: PersonKey = 'adele'): Promise<CardJson> {
  const { card } = await bot.click(issuer, 'takedown.issue', validTakedown(overrides));
  await bot.idle();
  return card;
}

/** Presses a button on a case card and waits until everything it caused is sent; returns the card shown in its place. */
export async function press(bot: BotHarness, person: PersonKey, verb: string, data: Record<string, unknown>): Promise<CardJson> {
  const { card } = await bot.click(person, verb, data);
  await bot.idle();
  return card;
}

/* ---- Anyone in the directory, from any tenant (authorisation and hostile-input tests) ---- */

// Appended to this module: imports are hoisted, so this works wherever it stands.
import { TENANT } from '../support/bot-harness';

let activityFromCounter = 0;

/**
 * The activity Teams would send from any person (not only the harness's PEOPLE) in their 1:1 chat with the
 * bot, from `tenantId` (the harness's tenant unless told). `conversationId` defaults to `personal-<id>`.
 */
export function activityFrom(
  bot: BotHarness, person: { id: string; name: string }, fields: Record<string, unknown>,
  options: { tenantId?: string; conversationId?: string } = {},
): Record<string, unknown> {
  const tenantId = options.tenantId ?? TENANT;
  return {
    id: `from-${++activityFromCounter}-${randomUUID().slice(0, 8)}`,
    channelId: 'msteams',
    serviceUrl: bot.connector.url,
    timestamp: new Date().toISOString(),
    conversation: { id: options.conversationId ?? `personal-${person.id}`, conversationType: 'personal', tenantId },
    from: { id: `29:${person.id}`, aadObjectId: person.id, name: person.name },
    recipient: { id: '28:desk-bot', name: 'Social Media Desk' },
    channelData: { tenant: { id: tenantId } },
    ...fields,
  };
}

/** Every case reference (AR-, AINM-, TD-) anywhere in a card or text, once each. */
export function referencesIn(value: unknown): string[] {
  return [...new Set(JSON.stringify(value ?? '').match(/\b[A-Z]{2,5}-\d{4}-\d{5,}\b/g) ?? [])];
}
