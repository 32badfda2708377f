import assert from 'node:assert/strict';
import { BotHarness, buttonVerbs, cardText, PEOPLE } from '../support/bot-harness';
import { GRAPH_TOKEN, GraphStandIn } from '../support/graph-stand-in';
import { factTexts } from '../bot/conversation-helpers';
import { startCampaign } from './campaign-helpers';

/** The bot's app in the organisation's app catalog (CAMPAIGN_INSTALL_TEAMS_APP_ID). */
const CATALOG_APP_ID = '5c3a4a2e-7f1d-4c11-9a3e-2b5f0c6d7e8f';
const SAM = PEOPLE.stranger;
const REFERENCE = 'AC-2026-00001';

/**
 * Recipients without the app (issue 15): when Microsoft Graph permission is configured the bot installs the app for
 * them (`POST /users/{id}/teamwork/installedApps`) and sends the card again; without the permission (Graph answers
 * 403) they are recorded "not installed" and listed for the Communications Team. The real bot, Azurite's tables and
 * queue, the Bot Connector stand-in and a Graph stand-in, all over HTTP. Sam has never opened the app: Teams refuses
 * to open a chat with him (403 BotNotInConversationRoster) until it is installed for him.
 */
describe('policy campaigns: installing the app for recipients without it (Graph stand-in over HTTP)', function () {
  this.timeout(60_000);
  let graph: GraphStandIn;
  let bot: BotHarness;

  beforeEach(async () => {
    graph = await new GraphStandIn().start();
    bot = await new BotHarness({
      campaign: { visibilitySeconds: 1, sendingSeconds: 2, afterInstallSeconds: 1 },
      campaignInstall: { graph: { baseUrl: graph.url, credential: { kind: 'managedIdentity' } }, graphToken: async () => GRAPH_TOKEN, teamsAppId: CATALOG_APP_ID },
    }).start();
    await bot.say('adele', 'hello');
    bot.connector.faults.set(`created-${SAM.id}`, Array.from({ length: 10 }, () => ({ status: 403, code: 'BotNotInConversationRoster' })));
    // Once the app is installed for him, Teams lets the bot open a chat with him.
    graph.onInstall = (userId) => bot.connector.faults.delete(`created-${userId}`);
  });
  afterEach(async () => {
    await bot.stop();
    await graph.stop();
  });

  const installs = () => graph.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/teamwork/installedApps'));
  const cardsToSam = () => bot.connector.delivered.filter((call) => call.conversationId === `created-${SAM.id}` && call.body.attachments
    && buttonVerbs((call.body.attachments as { content: unknown }[])[0]!.content).includes('campaign.acknowledge'));
  async function sendEverything(): Promise<void> {
    await startCampaign(bot);
    await bot.runtime.campaigns!.drain();
    // The send after the install waits `afterInstallSeconds` in the queue (Teams sets the chat up meanwhile).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await bot.runtime.campaigns!.drain();
  }

  it('installs the app for someone without it, binding the catalog app, then sends them their one card', async () => {
    await sendEverything();
    assert.deepEqual(installs().map((request) => [request.path, request.status]), [[`/v1.0/users/${SAM.id}/teamwork/installedApps`, 201]]);
    assert.deepEqual(installs()[0]!.body, { 'teamsApp@odata.bind': `${graph.url}/appCatalogs/teamsApps/${CATALOG_APP_ID}` });
    assert.equal(cardsToSam().length, 1, 'his card, once');
    const row = await bot.campaignStorage!.recipients.get(REFERENCE, SAM.id);
    assert.equal(row?.state, 'sent');
    assert.equal(row?.installRequested, true);
    const { card } = await bot.click('adele', 'campaign.progress', { reference: REFERENCE });
    assert.doesNotMatch([cardText(card), ...factTexts(card)].join('\n'), /Not installed: [1-9]/);
  });

  it('counts an app already installed (409) as installed, and sends', async () => {
    graph.installedApps.set(SAM.id, new Set([CATALOG_APP_ID]));
    bot.connector.faults.set(`created-${SAM.id}`, [{ status: 403, code: 'BotNotInConversationRoster' }]);
    await sendEverything();
    assert.deepEqual(installs().map((request) => request.status), [409]);
    assert.equal(cardsToSam().length, 1);
    assert.equal((await bot.campaignStorage!.recipients.get(REFERENCE, SAM.id))?.state, 'sent');
  });

  it('without the Graph permission (403) records him as not installed, sends nothing, and lists him for Comms', async () => {
    graph.appInstall = 'forbidden';
    await sendEverything();
    assert.deepEqual(installs().map((request) => request.status), [403], 'asked once, not again');
    assert.equal(cardsToSam().length, 0);
    assert.equal((await bot.campaignStorage!.recipients.get(REFERENCE, SAM.id))?.state, 'notInstalled');
    const { card } = await bot.click('adele', 'campaign.progress', { reference: REFERENCE });
    const text = [cardText(card), ...factTexts(card)].join('\n');
    assert.match(text, /Not installed: 1/);
    assert.match(text, /Sam Stranger \(not installed/);
  });
});
