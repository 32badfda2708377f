import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { azuriteConnectionString, TABLE_NAMES } from '../../src/store/tables';
import { openCampaignStorage } from '../../src/workflows/campaign/storage';
import { freshTables } from '../support/azurite';
import { BotHarness, cardText } from '../support/bot-harness';
import { ask } from '../bot/conversation-helpers';
import { CAMPAIGN_FORM } from './campaign-helpers';

/**
 * A bot whose storage connection string names only an emulator's table service has no queue for campaigns: it starts
 * without them (warned at start), and every campaign command says so plainly, over HTTP, storing nothing.
 */
describe('policy campaigns when this bot has no queue service', function () {
  this.timeout(60_000);
  let bot: BotHarness;

  before(async () => {
    // Tables given to the harness: it opens no campaign storage, as src/index.ts does for a tables-only connection string.
    bot = await new BotHarness({ tables: await freshTables() }).start();
  });
  after(async () => bot.stop());

  async function everyRow(): Promise<string[]> {
    const rows: string[] = [];
    for (const table of TABLE_NAMES) {
      for await (const row of bot.tables[table].listEntities()) rows.push(`${table}/${String(row.partitionKey)}/${String(row.rowKey)}`);
    }
    return rows.filter((row) => !row.startsWith('conversations/'));
  }

  it('warns at start that campaigns are off, naming the setting', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    const storage = await openCampaignStorage({
      endpoint: { kind: 'connectionString', connectionString: azuriteConnectionString(Number(process.env.TEST_AZURITE_PORT)) }, prefix: 'toff', logger: createLogger('info', sink),
    });
    assert.equal(storage, undefined);
    assert.match(lines.join(''), /policy campaigns are off: the storage connection string names no queue service \(add QueueEndpoint=\.\.\.\)/);
  });

  it('tells Comms and administrators plainly that campaigns are not set up here and what enables them; nothing is stored', async () => {
    const before = await everyRow();
    for (const [person, text] of [['adele', 'start campaign'], ['adele', 'campaigns'], ['patti', 'start campaign']] as const) {
      const card = cardText(await ask(bot, person, text));
      assert.match(card, /Policy campaigns are not set up here/, `${person}: ${text}`);
      assert.match(card, /QueueEndpoint=\.\.\. to AZURE_TABLES_CONNECTION_STRING/);
      assert.match(card, /Nothing was stored\./);
    }
    // The form's submit, as if a form from before had been kept: refused the same way, no campaign made.
    const { card } = await bot.click('adele', 'campaign.start', { ...CAMPAIGN_FORM, formId: 'f0000000-0000-4000-8000-0000000000c1' });
    assert.match(cardText(card), /Policy campaigns are not set up here/);
    assert.match(cardText(await ask(bot, 'adele', 'campaign AC-2026-00001 csv')), /Policy campaigns are not set up on this bot/);
    await bot.idle();
    assert.deepEqual((await everyRow()).filter((row) => !before.includes(row) && !row.startsWith('inbox/') && !row.startsWith('idempotency/')), [], 'no campaign, counter or timer');
    assert.ok(!(await everyRow()).some((row) => row.includes('AC-')), 'no campaign reference anywhere');
  });

  it('tells staff only what concerns them: no campaign waiting, and who runs campaigns', async () => {
    assert.match(cardText(await ask(bot, 'alex', 'my policy')), /No policy campaign is waiting for you/);
    assert.match(cardText(await ask(bot, 'alex', 'start campaign')), /Only the Communications Team or an administrator runs policy campaigns/);
    assert.doesNotMatch(cardText(await ask(bot, 'megan', 'team policy')), /QueueEndpoint/);
  });
});
