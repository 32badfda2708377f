import assert from 'node:assert/strict';
import sinon from 'sinon';
import { BotHarness, buttonVerbs, cardText, PEOPLE, PersonKey } from '../support/bot-harness';
import { ask, factTexts, formSubmission } from '../bot/conversation-helpers';
import { CAMPAIGN_FORM, startCampaign } from './campaign-helpers';
import type { ConnectorCall } from '../support/connector';

/**
 * Policy acknowledgement campaigns over HTTP (issue 15), through the real bot, Azurite's tables and queue service,
 * and the Bot Connector stand-in: Adele (Communications Team) sends version 2026.2 to everyone; each person gets one
 * card; Alex acknowledges; Comms sees the progress; a 429 puts the message back; a person without the app is listed
 * and reached once they install it; "I have a question" becomes a staff concern.
 */
const VERSION = CAMPAIGN_FORM.policyVersion;
const EVERYONE: readonly PersonKey[] = ['alex', 'megan', 'adele', 'patti', 'isaiah', 'stranger'];
const FORM = CAMPAIGN_FORM;

/** The cards with the campaign's Acknowledge button the connector delivered to a person (sent as new messages). */
function campaignCardsTo(bot: BotHarness, person: PersonKey): ConnectorCall[] {
  return bot.connector.delivered.filter((call) => call.method === 'POST' && call.body.attachments && conversationOf(bot, call.conversationId) === person
    && buttonVerbs((call.body.attachments as { content: unknown }[])[0]!.content).includes('campaign.acknowledge'));
}

function conversationOf(bot: BotHarness, conversationId: string): PersonKey | undefined {
  return EVERYONE.find((person) => conversationId === bot.personalConversation(person) || conversationId === `created-${PEOPLE[person].id}`);
}

async function progress(bot: BotHarness, reference: string, person: PersonKey = 'adele'): Promise<string> {
  const { card } = await bot.click(person, 'campaign.progress', { reference });
  return [cardText(card), ...factTexts(card)].join('\n');
}

describe('policy acknowledgement campaigns', function () {
  this.timeout(60_000);
  let bot: BotHarness;

  beforeEach(async () => {
    bot = await new BotHarness({ campaign: { visibilitySeconds: 1, sendingSeconds: 2 } }).start();
    // Adele has chatted with the bot: the tenant's service URL is known, so chats can be opened with everyone else.
    await bot.say('adele', 'hello');
  });
  afterEach(async () => {
    sinon.restore();
    await bot.stop();
  });

  it('sends each person one card; acknowledging records the version and time; Comms sees it counted', async () => {
    const started = await startCampaign(bot);
    assert.match(cardText(started), /Started\. Cards are on their way/);
    assert.match(cardText(started), /AC-2026-00001/);
    await bot.runtime.campaigns!.drain();
    for (const person of EVERYONE) assert.equal(campaignCardsTo(bot, person).length, 1, `${person} gets exactly one card`);

    const { card } = await bot.click('alex', 'campaign.acknowledge', { reference: 'AC-2026-00001' });
    assert.match(cardText(card), /Thank you: your acknowledgement is recorded/);
    assert.match(cardText(card), new RegExp(`You acknowledged version ${VERSION.replace('.', '\\.')} on`));
    assert.deepEqual(buttonVerbs(card), ['campaign.question'], 'nothing left to acknowledge; a question may still be asked');
    const row = await bot.campaignStorage!.recipients.get('AC-2026-00001', PEOPLE.alex.id);
    assert.equal(row?.state, 'acknowledged');
    assert.equal(row?.acknowledgedVersion, VERSION);
    assert.ok(row?.acknowledgedAt);

    const again = await bot.click('alex', 'campaign.acknowledge', { reference: 'AC-2026-00001' });
    assert.match(cardText(again.card), /You already acknowledged this on/);

    const counted = await progress(bot, 'AC-2026-00001');
    assert.match(counted, /People: 6/);
    assert.match(counted, /Acknowledged: 1 \(17%\)/);
    assert.match(counted, /Sent: 5/);

    // Nothing more is sent when the queue is read again: every row says where its person is.
    const before = bot.connector.calls.length;
    await bot.runtime.campaigns!.drain();
    assert.equal(bot.connector.calls.length, before);
  });

  it('offers the form with 10 working days (a number, which Teams shows) and everyone', async () => {
    const form = await ask(bot, 'adele', 'start campaign');
    const inputs = new Map<string, unknown>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        const element = value as { id?: unknown; value?: unknown };
        if (typeof element.id === 'string' && 'value' in element) inputs.set(element.id, element.value);
        Object.values(value).forEach(walk);
      }
    };
    walk(form);
    assert.equal(inputs.get('dueWorkingDays'), 10);
    assert.equal(inputs.get('audience'), 'everyone');
  });

  it('refuses a campaign form with problems, next to each field, and sends nothing', async () => {
    const card = await startCampaign(bot, { link: 'http://example.com/policy', summary: 'short', policyVersion: '' });
    const text = cardText(card);
    assert.match(text, /Please check the highlighted fields: nothing has been sent/);
    assert.match(text, /Give the https link to the policy/);
    assert.match(text, /Say what changed in 20 to 1,000 characters/);
    assert.match(text, /Give the version as the policy names it/);
    assert.equal(await bot.runtime.campaigns!.drain(), 0, 'nothing queued');
    assert.equal(await bot.campaignStorage!.queue.approximateCount(), 0);
  });

  it('only the Communications Team or an administrator starts a campaign or sees its progress', async () => {
    const refused = await ask(bot, 'alex', 'start campaign');
    assert.match(cardText(refused), /Only the Communications Team or an administrator runs policy campaigns/);
    const forged = await bot.click('alex', 'campaign.start', { ...FORM, formId: 'f0000000-0000-4000-8000-000000000001' });
    assert.match(cardText(forged.card), /Only the Communications Team or an administrator/);
    await startCampaign(bot);
    assert.match(await progress(bot, 'AC-2026-00001', 'megan'), /Only the Communications Team or an administrator sees a campaign's progress/);
  });

  it('on 429 puts the message back for Retry-After, and no one gets two cards', async () => {
    bot.connector.throttle = { perSecond: 2, retryAfterSeconds: 1 };
    await startCampaign(bot);
    for (let round = 0; round < 12 && EVERYONE.some((person) => campaignCardsTo(bot, person).length === 0); round++) {
      await bot.runtime.campaigns!.drain();
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    await bot.runtime.campaigns!.drain();
    const throttled = bot.connector.calls.filter((call) => call.status === 429);
    assert.ok(throttled.length > 0, 'the stand-in throttled some sends');
    for (const person of EVERYONE) assert.equal(campaignCardsTo(bot, person).length, 1, `${person} gets exactly one card`);
    // No send within Retry-After of a 429: the message waited in the queue, not in a retry loop.
    for (const refusal of throttled) {
      const next = bot.connector.calls.find((call) => call.at > refusal.at && call.conversationId === refusal.conversationId);
      if (next) assert.ok(next.at - refusal.at >= 950, `retried ${next.at - refusal.at} ms after a 429 with Retry-After: 1`);
    }
  });

  it('a crash between the send and its record leaves the card sent once, marked interrupted, and the reminder reaches them', async () => {
    const recipients = bot.campaignStorage!.recipients;
    const update = recipients.update.bind(recipients);
    let crashed = false;
    // The instance dies the moment after the connector took Megan's card, before the row says "sent".
    sinon.stub(recipients, 'update').callsFake(async (row, patch) => {
      if (!crashed && row.personId === PEOPLE.megan.id && patch.state === 'sent') {
        crashed = true;
        throw new Error('instance killed');
      }
      return update(row, patch);
    });
    await startCampaign(bot);
    await bot.runtime.campaigns!.drain();
    assert.ok(crashed);
    // Still `sending`, unless her message already came back during that drain (its visibility here is 1 s).
    assert.ok(['sending', 'failed'].includes((await recipients.get('AC-2026-00001', PEOPLE.megan.id))?.state ?? ''));
    // Its message comes back after the visibility timeout (1 s); once the row's send window (2 s) has passed, it is
    // taken as interrupted: not sent again.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await bot.runtime.campaigns!.drain();
    const megan = await recipients.get('AC-2026-00001', PEOPLE.megan.id);
    assert.equal(megan?.state, 'failed');
    assert.equal(megan?.detail, 'interrupted');
    for (const person of EVERYONE) assert.equal(campaignCardsTo(bot, person).length, 1, `${person} has exactly one card`);
    assert.match(await progress(bot, 'AC-2026-00001'), /1 interrupted: their card goes with the reminder/);

    // The reminder round goes to those who have not acknowledged, the interrupted included.
    await bot.click('alex', 'campaign.acknowledge', { reference: 'AC-2026-00001' });
    await bot.runtime.campaigns!.timerHandlers().campaignReminder!({ reference: 'AC-2026-00001', timer: 'campaignReminder', dueAt: '' }, new Date());
    await bot.runtime.campaigns!.drain();
    assert.equal(campaignCardsTo(bot, 'megan').length, 2, 'her card, and the reminder');
    assert.equal(campaignCardsTo(bot, 'alex').length, 1, 'no reminder once acknowledged');
    assert.match(cardText(campaignCardsTo(bot, 'megan').at(-1)!.body), /Reminder: please acknowledge/);
  });

  it('records who has not installed the app, lists them for Comms, and sends once they install it', async () => {
    bot.connector.faults.set(`created-${PEOPLE.stranger.id}`, [{ status: 403, code: 'BotNotInConversationRoster' }]);
    await startCampaign(bot);
    await bot.runtime.campaigns!.drain();
    assert.equal((await bot.campaignStorage!.recipients.get('AC-2026-00001', PEOPLE.stranger.id))?.state, 'notInstalled');
    const counted = await progress(bot, 'AC-2026-00001');
    assert.match(counted, /Not installed: 1/);
    assert.match(counted, /Sam Stranger \(not installed \(no card\)\)/);

    await bot.install('stranger');
    await bot.runtime.campaigns!.drain();
    assert.equal(campaignCardsTo(bot, 'stranger').length, 1);
    assert.equal((await bot.campaignStorage!.recipients.get('AC-2026-00001', PEOPLE.stranger.id))?.state, 'sent');
  });

  it('"I have a question" goes to the Communications Team as a staff concern', async () => {
    await startCampaign(bot);
    await bot.runtime.campaigns!.drain();
    const form = await bot.click('alex', 'campaign.question', { reference: 'AC-2026-00001' });
    const submission = formSubmission(form.card, { question: 'Does monitoring cover my personal Instagram account?' });
    const answered = await bot.click('alex', submission.verb, submission.data);
    assert.match(cardText(answered.card), /Your question went to the Communications Team as SC-2026-00001/);
    await bot.idle();
    const concerns = await ask(bot, 'patti', 'concerns');
    assert.match(cardText(concerns), /SC-2026-00001/);
  });

  it('a line manager sees their team; a new version closes the campaign of the one before', async () => {
    await startCampaign(bot);
    await bot.runtime.campaigns!.drain();
    await bot.click('alex', 'campaign.acknowledge', { reference: 'AC-2026-00001' });
    const team = factTexts(await ask(bot, 'megan', 'team policy')).join('\n');
    assert.match(team, /Alex Wilber: acknowledged/);

    await startCampaign(bot, { policyVersion: '2027.1' });
    const old = await progress(bot, 'AC-2026-00001');
    assert.match(old, /Closed: replaced by AC-2026-00002/);
    const stale = await bot.click('megan', 'campaign.acknowledge', { reference: 'AC-2026-00001' });
    assert.match(cardText(stale.card), /A newer version replaced this one/);
  });
});
