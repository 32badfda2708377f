import assert from 'node:assert/strict';
import { BotHarness, CardJson, PEOPLE } from '../support/bot-harness';
import { NOW, press, submitRequest } from './conversation-helpers';

/**
 * A case card names who sees its buttons in `refresh.userIds`, which Teams documents as user MRIs (the person's
 * Teams user id, `29:...`), not Entra object ids (issue 13, "Card details"). Each copy goes to one person's chat.
 */
describe('Case cards name their viewer by Teams user id (refresh.userIds)', function () {
  let bot: BotHarness;

  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW }).start();
    await bot.install('alex');
  });
  afterEach(async () => { await bot.stop(); });

  const refreshOf = (card: CardJson | undefined) => (card?.refresh ?? undefined) as { userIds?: string[]; action?: unknown } | undefined;
  const createdChat = (id: string) => bot.connector.cardsIn(`created-${id}`);

  it('gives the clicker their own MRI on the card that replaces the clicked one', async () => {
    const receipt = await submitRequest(bot, 'alex');
    assert.deepEqual(refreshOf(receipt)?.userIds, [`29:${PEOPLE.alex.id}`]);
  });

  it('looks up the MRI of someone who never wrote to the bot, and names them on every card sent to them after', async () => {
    await submitRequest(bot, 'alex');
    const [ask] = createdChat(PEOPLE.megan.id);
    assert.ok(ask, 'the approver got the request in a new chat');
    assert.deepEqual(refreshOf(ask)?.userIds, [`29:${PEOPLE.megan.id}`]);
    const lookups = bot.connector.calls.filter((call) => call.path.endsWith(`/members/${PEOPLE.megan.id}`));
    assert.equal(lookups.length, 1, 'one lookup, when the chat was opened');
  });

  it('updates the requester\'s card in place still naming their MRI, never their Entra object id', async () => {
    const receipt = await submitRequest(bot, 'alex');
    const reference = String((refreshOf(receipt)?.action as { data?: { reference?: string } }).data?.reference);
    await press(bot, 'megan', 'accessRequest.approve', { reference, comment: '' });
    const updates = bot.connector.calls.filter((call) => call.method === 'PUT' && call.conversationId === bot.personalConversation('alex'));
    assert.ok(updates.length > 0, 'the requester\'s card was updated');
    for (const update of updates) {
      const card = (update.body.attachments as { content: CardJson }[])[0]!.content;
      assert.deepEqual(refreshOf(card)?.userIds, [`29:${PEOPLE.alex.id}`]);
    }
  });

  it('names no one when Teams will not say who the person is, so the card still arrives (with a manual refresh)', async () => {
    bot.connector.faults.set(`members:${PEOPLE.megan.id}`, [{ status: 404 }]);
    await submitRequest(bot, 'alex');
    const [ask] = createdChat(PEOPLE.megan.id);
    assert.ok(ask, 'the request still reached the approver');
    assert.ok(refreshOf(ask)?.action, 'the card keeps its refresh action');
    assert.equal(refreshOf(ask)?.userIds, undefined, 'no Entra object id where Teams expects an MRI');
  });
});
