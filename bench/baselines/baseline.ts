import { TableClient } from '@azure/data-tables';
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import restify from 'restify';

/** What a baseline does on every turn before it answers; nothing for the echo bot. */
export type TurnWork = (context: TurnContext) => Promise<void>;

/**
 * A bare teams-ai bot on the same stack as the real one (restify, the teams-ai TeamsAdapter — a botbuilder
 * CloudAdapter — and an Application with the same options, anonymous like the bot's local mode): a message is
 * answered with a small card through the connector, a card action (`adaptiveCard/action`) with a card in the
 * invoke response. `work` runs first on both. Listens on 127.0.0.1:$PORT; SIGINT stops it.
 */
export function startBaseline(name: string, work: TurnWork): void {
  const adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' });
  const app = new Application<TurnState>({ removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  const card = (text: string) => ({
    type: 'AdaptiveCard' as const, version: '1.5', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    body: [{ type: 'TextBlock', text: `${name}: ${text}`, wrap: true }],
    actions: [{ type: 'Action.Execute', title: 'Again', verb: 'echo', data: { again: true } }],
  });

  app.activity(ActivityTypes.Message, async (context) => {
    await work(context);
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card(String(context.activity.text ?? '').slice(0, 100)))));
  });
  app.adaptiveCards.actionExecute<Record<string, unknown>>(/.*/, async (context, _state, data) => {
    await work(context);
    return card(`you pressed ${String(context.activity.value?.action?.verb ?? '')} (${JSON.stringify(data).slice(0, 100)})`);
  });
  adapter.onTurnError = async (context, error) => {
    console.error(`${name}: turn failed: ${String(error.message).slice(0, 200)}`);
    await context.sendActivity('Sorry.').catch(() => undefined);
  };

  const server = restify.createServer({ name, handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 512 * 1024, rejectUnknown: true }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGINT', () => server.close(() => process.exit(0)));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

/** A table of the baselines' own, on the bot's Azurite (AZURE_TABLES_CONNECTION_STRING, TABLE_PREFIX). */
export function baselineTable(name: string): TableClient {
  const connectionString = process.env.AZURE_TABLES_CONNECTION_STRING ?? '';
  return TableClient.fromConnectionString(connectionString, `${process.env.TABLE_PREFIX ?? ''}${name}`, { allowInsecureConnection: connectionString.includes('http://') });
}

/** The person's id in the activity, for the partition of their row. */
export function personOf(context: TurnContext): string {
  return String(context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'nobody');
}

/** One read and one write: the person's row read and written back with the turn counted; returns the new count. */
export async function countTurn(table: TableClient, partitionKey: string): Promise<number> {
  let turns = 0;
  try {
    turns = (await table.getEntity<{ turns: number }>(partitionKey, 'state')).turns;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  await table.upsertEntity({ partitionKey, rowKey: 'state', turns: turns + 1, at: new Date().toISOString() }, 'Replace');
  return turns + 1;
}
