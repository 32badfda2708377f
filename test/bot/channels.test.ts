import assert from 'node:assert/strict';
import { BotHarness, cardText, PEOPLE } from '../support/bot-harness';

const CHANNEL = { id: '19:comms-general@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: '11111111-2222-3333-4444-555555555555' };

describe('commands in a team channel', () => {
  let bot: BotHarness;
  beforeEach(async () => { bot = await new BotHarness({ now: () => new Date('2026-11-25T10:00:00Z') }).start(); });
  afterEach(async () => bot.stop());

  async function sayInChannel(person: keyof typeof PEOPLE, text: string) {
    await bot.post('/api/messages', bot.activity(person, { type: 'message', text, conversation: CHANNEL }));
    return bot.connector.cardsIn(CHANNEL.id).at(-1);
  }

  it('keeps personal and confidential lists out of the channel, pointing to the 1:1 chat', async () => {
    for (const text of ['my cases', 'approvals', 'incidents', 'report abuse', 'request access', 'my reports']) {
      const reply = await sayInChannel('isaiah', text);
      assert.match(cardText(reply), /Ask me in our 1:1 chat/, text);
    }
  });

  it('keeps takedown notices out of channels and group chats too: they name who is asked to remove a post (issue 13)', async () => {
    for (const text of ['takedowns', 'issue takedown']) {
      const reply = await sayInChannel('adele', text);
      assert.match(cardText(reply), /Ask me in our 1:1 chat/, text);
      assert.doesNotMatch(cardText(reply), /Open takedown notices|Issue a takedown notice/, text);
    }
  });
});
