import assert from 'node:assert/strict';
import { odata } from '@azure/data-tables';
import { BotHarness, cardText, PEOPLE, TENANT } from '../support/bot-harness';
import { NOW, validForm } from '../bot/conversation-helpers';

/**
 * The tenant allow-list (DESIGN.md, "Security": activities from tenants not in ALLOWED_TENANT_IDS are
 * refused) fails closed: an activity that names no tenant at all (no `conversation.tenantId`, no
 * `channelData.tenant.id`) is refused like one from another tenant, with one structured log line.
 */

type Activity = Record<string, unknown>;

/** The activity with every trace of a tenant taken out (or replaced by `tenantId` where given). */
function withTenant(activity: Activity, tenantId?: unknown): Activity {
  const conversation = { ...(activity.conversation as Record<string, unknown>) };
  delete conversation.tenantId;
  const channelData = { ...(activity.channelData as Record<string, unknown>) };
  delete channelData.tenant;
  return tenantId === undefined ? { ...activity, conversation, channelData } : { ...activity, conversation: { ...conversation, tenantId }, channelData };
}

describe('security: the tenant allow-list refuses activities that name no tenant', () => {
  let bot: BotHarness;

  const submit = (tenantId?: unknown) => bot.post('/api/messages', withTenant(bot.activity('alex', {
    type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-msg',
    value: { action: { type: 'Action.Execute', verb: 'accessRequest.submit', data: validForm() }, trigger: 'manual' },
  }), tenantId));
  const say = (text: string, tenantId?: unknown) => bot.post('/api/messages', withTenant(bot.activity('alex', { type: 'message', text }), tenantId));
  const refusalLines = () => bot.logLines.filter((line) => line.includes('tenant that is not allowed'));

  async function caseCount(): Promise<number> {
    let count = 0;
    for await (const _row of bot.tables.cases.listEntities({ queryOptions: { filter: odata`RowKey eq 'case'`, select: ['PartitionKey'] } })) count++;
    return count;
  }

  beforeEach(async () => {
    bot = await new BotHarness({ now: () => NOW, allowedTenantIds: [TENANT] }).start();
  });
  afterEach(async () => bot.stop());

  it('answers a card action with no tenant "not available", opens no case, and logs one structured line', async () => {
    const answer = await submit();
    assert.equal(answer.status, 200);
    const body = answer.body as { value?: unknown };
    assert.match(cardText(body.value), /not available to your organisation/);
    await bot.idle();
    assert.equal(await caseCount(), 0, 'no case was opened');
    assert.equal(bot.connector.calls.length, 0, 'nobody was sent anything: the manager was not asked');
    const lines = refusalLines();
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 40);
    assert.equal(line.type, 'invoke');
    assert.equal(line.tenantId, undefined);
  });

  it('does not answer a message with no tenant, or with an empty tenant id', async () => {
    for (const tenantId of [undefined, '']) assert.equal((await say('request access', tenantId)).status, 200);
    await bot.idle();
    assert.equal(bot.connector.calls.length, 0, 'no form, no welcome card');
    assert.equal(refusalLines().length, 2);
    for (const line of refusalLines()) assert.ok(!line.includes(PEOPLE.alex.name), 'no name in the line');
  });

  it('serves the allowed tenant, named in either place (the refusals above are not vacuous)', async () => {
    const inConversationOnly = { ...bot.activity('alex', { type: 'message', text: 'request access' }), channelData: {} };
    assert.equal((await bot.post('/api/messages', inConversationOnly)).status, 200);
    const inChannelDataOnly = withTenant(bot.activity('alex', { type: 'message', text: 'request access' }));
    assert.equal((await bot.post('/api/messages', { ...inChannelDataOnly, channelData: { tenant: { id: TENANT } } })).status, 200);
    await bot.idle();
    assert.equal(bot.connector.cardsIn(bot.personalConversation('alex')).length, 2, 'both answered with the form');
    const { card } = await bot.click('alex', 'accessRequest.submit', validForm());
    assert.match(cardText(card), /AR-2026-00001/);
    assert.deepEqual(refusalLines(), []);
  });
});
