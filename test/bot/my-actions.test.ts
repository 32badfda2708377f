import assert from 'node:assert/strict';
import sinon from 'sinon';
import { BotHarness, buttonVerbs, cardText, PersonKey } from '../support/bot-harness';
import { ask, factTexts, issueTakedown, listItems, NOW, press, submitReport, submitRequest } from './conversation-helpers';

/** The list lines of a list card, in order, each with the text shown for it. */
function lines(card: unknown): { reference: string; text: string; list: unknown }[] {
  const body = (card as { body?: unknown[] }).body ?? [];
  return body.flatMap((element) => {
    const item = element as { selectAction?: { data?: { reference?: unknown; list?: unknown } } };
    return item.selectAction ? [{ reference: String(item.selectAction.data?.reference), text: cardText(element), list: item.selectAction.data?.list }] : [];
  });
}

const referencesOf = (card: unknown) => lines(card).map((line) => line.reference);

describe('"my actions": everything waiting for a person, over HTTP', () => {
  let bot: BotHarness;
  let now = NOW;
  beforeEach(async () => {
    now = NOW;
    bot = await new BotHarness({ now: () => now }).start();
    for (const person of ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'] as const) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  /** Alex asks Megan for access at 10:00, then reports abuse to her (as his manager) an hour later. */
  async function managerHasTwoThings(): Promise<void> {
    await submitRequest(bot, 'alex');
    now = new Date(NOW.getTime() + 3_600_000);
    await submitReport(bot, 'alex');
  }

  it('shows a manager the access request to approve and the report to acknowledge, longest waiting first, each marked as theirs', async () => {
    await managerHasTwoThings();
    const card = await ask(bot, 'megan', 'my actions');
    assert.deepEqual(referencesOf(card), ['AR-2026-00001', 'AINM-2026-00001'], 'soonest due (here: waiting longest) first');
    for (const line of lines(card)) assert.match(line.text, /Your turn/);
    assert.deepEqual(referencesOf(await ask(bot, 'megan', 'approvals')), referencesOf(card), '"approvals" is the same list');
    assert.deepEqual(referencesOf(await ask(bot, 'megan', 'what\'s waiting')), referencesOf(card));
  });

  it('puts a later urgent report before an earlier one: its acknowledgement is due within the hour, not the working day', async () => {
    await submitReport(bot, 'alex');
    now = new Date(NOW.getTime() + 3_600_000);
    await submitReport(bot, 'alex', { immediateDanger: 'true' });
    const card = await ask(bot, 'megan', 'my actions');
    assert.deepEqual(referencesOf(card), ['AINM-2026-00002', 'AINM-2026-00001'], 'due at 12:00 today before due at 10:00 tomorrow');
  });

  it('puts a case whose deadline comes first before one that changed later', async () => {
    now = new Date('2026-11-27T10:00:00Z');
    await issueTakedown(bot, { deadline: 'hours4' }, 'patti');
    now = new Date('2026-11-27T15:00:00Z');
    await submitRequest(bot, 'megan', { approver: 'aad-isaiah', kind: 'post', startDate: '2026-11-27' });
    await press(bot, 'isaiah', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    const card = await ask(bot, 'adele', 'my actions');
    assert.deepEqual(referencesOf(card), ['TD-2026-00001', 'AR-2026-00001'], 'due at 14:00 before a sign-off waiting since 15:00');
  });

  it('shows Comms the sign-offs and open takedowns as the team\'s, and the Incident team the open records', async () => {
    await submitRequest(bot, 'alex', { kind: 'post' });
    await press(bot, 'megan', 'accessRequest.approve', { reference: 'AR-2026-00001', comment: '' });
    const comms = await ask(bot, 'adele', 'my actions');
    assert.deepEqual(referencesOf(comms), ['AR-2026-00001']);
    assert.match(cardText(comms), /Your turn: Communications Team/);
    await submitReport(bot, 'alex');
    const incident = await ask(bot, 'isaiah', 'my actions');
    assert.deepEqual(referencesOf(incident), ['AINM-2026-00001']);
    assert.match(cardText(incident), /Your turn: Incident team/);
  });

  it('shows the recipient the takedown notice to answer', async () => {
    await issueTakedown(bot);
    const card = await ask(bot, 'alex', 'my actions');
    assert.deepEqual(referencesOf(card), ['TD-2026-00001']);
    assert.match(cardText(card), /Your turn/);
  });

  it('shows nobody what waits for someone else', async () => {
    await managerHasTwoThings();
    await issueTakedown(bot);
    const seen = async (person: PersonKey) => referencesOf(await ask(bot, person, 'my actions'));
    assert.deepEqual(await seen('stranger'), []);
    assert.deepEqual(await seen('alex'), ['TD-2026-00001'], 'his own request and report wait for others, not for him');
    assert.deepEqual((await seen('megan')).filter((reference) => reference.startsWith('TD')), [], 'a takedown to Alex is not his manager\'s');
    assert.deepEqual((await seen('isaiah')).filter((reference) => !reference.startsWith('AINM')), [], 'the Incident team sees no access requests or takedowns');
    assert.match(cardText(await ask(bot, 'stranger', 'approvals')), /Nothing is waiting for you/);
  });

  it('opens a case from the list with "Back to the list", which shows the list again', async () => {
    await managerHasTwoThings();
    const list = await ask(bot, 'megan', 'my actions');
    const [first] = listItems(list);
    assert.ok(first);
    assert.equal(lines(list)[0]?.list, 'myActions');
    const opened = await press(bot, 'megan', first.verb, { reference: first.reference, list: 'myActions' });
    assert.match(cardText(opened), /AR-2026-00001/);
    assert.ok(buttonVerbs(opened).includes('list.show'), 'the case card has "Back to the list"');
    const back = await press(bot, 'megan', 'list.show', { list: 'myActions' });
    assert.deepEqual(referencesOf(back), referencesOf(list));
  });

  it('opens a case from another list ("my cases") and goes back to that list', async () => {
    await managerHasTwoThings();
    const list = await ask(bot, 'alex', 'my cases');
    const opened = await press(bot, 'alex', 'case.show', { reference: 'AR-2026-00001', list: 'myCases' });
    assert.ok(buttonVerbs(opened).includes('list.show'));
    const back = await press(bot, 'alex', 'list.show', { list: 'myCases' });
    assert.match(cardText(back), /My cases/);
    assert.deepEqual(referencesOf(back).sort(), referencesOf(list).sort());
  });

  it('offers no way back on a case opened by its reference, not from a list', async () => {
    await managerHasTwoThings();
    const opened = await press(bot, 'megan', 'case.show', { reference: 'AR-2026-00001' });
    assert.ok(!buttonVerbs(opened).includes('list.show'));
    const forged = await press(bot, 'megan', 'case.show', { reference: 'AR-2026-00001', list: 'everyonesCases' });
    assert.ok(!buttonVerbs(forged).includes('list.show'), 'an unknown list name adds nothing');
  });

  it('shows only the clicker\'s own list, whatever the card data says', async () => {
    await managerHasTwoThings();
    for (const data of [{ list: 'myActions', userId: 'aad-megan', actor: 'aad-megan' }, { list: 'nonsense' }, { list: '__proto__' }, { list: ['myActions'] }, {}]) {
      const back = await press(bot, 'stranger', 'list.show', data);
      assert.deepEqual(referencesOf(back), [], `stranger saw someone's cases with ${JSON.stringify(data)}`);
      assert.match(cardText(back), /Nothing is waiting for you/);
    }
    const incidents = await press(bot, 'stranger', 'list.show', { list: 'incidents' });
    assert.match(cardText(incidents), /Incident team only/, 'a team list still refuses someone outside the team');
  });
});

describe('welcome and help that fit the person, over HTTP', () => {
  let bot: BotHarness;
  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    for (const person of ['alex', 'adele', 'isaiah'] as const) await bot.install(person);
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  const commandsOn = (card: unknown) => factTexts(card).map((fact) => fact.split(': ')[0] ?? '');

  it('greets staff by name with no team-only commands, and four buttons', async () => {
    const card = await ask(bot, 'alex', 'help');
    assert.match(cardText(card), /Hello Alex Wilber\./);
    const text = commandsOn(card).join('\n');
    assert.match(text, /my actions/);
    for (const teamOnly of ['issue takedown', 'takedowns', 'incidents', 'export']) assert.doesNotMatch(text, new RegExp(`^${teamOnly}$`, 'm'));
    assert.deepEqual(buttonVerbs(card), ['menu.myActions', 'menu.reportAbuse', 'menu.requestAccess', 'menu.myCases']);
  });

  it('shows Comms the takedown commands and buttons', async () => {
    const card = await ask(bot, 'adele', 'help');
    assert.match(cardText(card), /Hello Adele Vance\./);
    const text = commandsOn(card).join('\n');
    assert.match(text, /^issue takedown$/m);
    assert.match(text, /^takedowns$/m);
    assert.doesNotMatch(text, /^incidents$/m);
    assert.deepEqual(buttonVerbs(card), ['menu.myActions', 'menu.issueTakedown', 'menu.takedowns', 'menu.reportAbuse']);
  });

  it('shows the Incident team the register commands', async () => {
    const card = await ask(bot, 'isaiah', 'help');
    const text = commandsOn(card).join('\n');
    assert.match(text, /^incidents$/m);
    assert.doesNotMatch(text, /^issue takedown$/m);
    assert.ok(buttonVerbs(card).includes('menu.incidents'));
  });

  it('greets by name on install, with what the person\'s roles allow', async () => {
    const installed = bot.connector.calls.filter((call) => call.conversationId === bot.personalConversation('alex') && call.body.attachments);
    const card = (installed.at(0)?.body.attachments as { content: unknown }[] | undefined)?.[0]?.content;
    assert.match(cardText(card), /Hello Alex Wilber\./);
    assert.doesNotMatch(commandsOn(card).join('\n'), /^issue takedown$/m);
  });
});
