import { Activity, TestAdapter } from 'botbuilder';
import { Writable } from 'node:stream';
import { createBotApp } from '../../src/bot/app';
import { myActionsRoutes } from '../../src/bot/my-actions';
import { myCasesRoutes } from '../../src/bot/my-cases';
import type { WorkflowRoutes } from '../../src/bot/turn';
import type { CardRenderer } from '../../src/cards/render';
import type { Directory } from '../../src/directory/directory';
import { createLogger } from '../../src/logger';
import type { ConversationStore } from '../../src/notify/conversation-store';
import type { Inbox } from '../../src/store/inbox';
import { abuseReportRoutes, AbuseReportRouteDeps } from '../../src/workflows/abuse-report/routes';
import { accessRequestRoutes, AccessRequestRouteDeps } from '../../src/workflows/access-request/routes';
import { takedownRoutes, TakedownRouteDeps } from '../../src/workflows/takedown/routes';

const BOT = { id: '28:desk-bot', name: 'Social Media Desk' };

/**
 * What the real bot does with a typed message, without storage: the real Application and the real
 * command patterns of every workflow, with each command's handler replaced by a recorder. Answers
 * `command` (a workflow command matched), `help` (the welcome card) or `unrecognised`.
 */
export async function howTheBotTakes(text: string, where: 'personal' | 'team'): Promise<'command' | 'help' | 'unrecognised'> {
  let outcome: 'command' | 'help' | 'unrecognised' = 'unrecognised';
  const renderer: CardRenderer = {
    render: (name, viewModel) => {
      const greeting = String((viewModel as { greeting?: unknown }).greeting ?? '');
      if (name === 'welcome' && !greeting.includes('didn\'t recognise')) outcome = 'help';
      return { type: 'AdaptiveCard', version: '1.5', body: [] };
    },
  };
  const recorded = (routes: WorkflowRoutes): WorkflowRoutes => ({
    ...routes,
    commands: routes.commands.map((command) => ({ ...command, handle: async () => { outcome = 'command'; } })),
  });
  const app = createBotApp({
    renderer,
    directory: { find: async () => undefined } as unknown as Directory,
    conversations: { savePersonal: async () => undefined } as unknown as ConversationStore,
    logger: createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() })),
    now: () => new Date('2026-03-02T10:00:00Z'),
    allowedTenantIds: [],
    routes: workflowRoutes(renderer).map(recorded),
  });
  const adapter = new TestAdapter(async (context) => { await app.run(context); });
  await adapter.send(where === 'personal' ? personalMessage(text) : channelMessage(text));
  return outcome;
}

/** The real route factories; their services are never reached because every handler is replaced. */
function workflowRoutes(renderer: CardRenderer): WorkflowRoutes[] {
  const deps = { renderer, service: {}, directory: {}, workingTime: {}, logger: createLogger('silent') };
  const workflows = [
    accessRequestRoutes(deps as unknown as AccessRequestRouteDeps),
    abuseReportRoutes(deps as unknown as AbuseReportRouteDeps),
    takedownRoutes(deps as unknown as TakedownRouteDeps),
  ];
  return [...workflows, myActionsRoutes({ inbox: {} as Inbox, renderer, workflows, teamQueues: [] }), myCasesRoutes({} as Inbox, renderer, workflows)];
}

function personalMessage(text: string): Partial<Activity> {
  return {
    type: 'message', text, from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'aad-alex' }, recipient: BOT,
    conversation: { id: 'a:personal', conversationType: 'personal', isGroup: false, name: '' },
  };
}

/** In a channel Teams sends the @mention of the bot with the text. */
function channelMessage(text: string): Partial<Activity> {
  const mention = `<at>${BOT.name}</at>`;
  return {
    type: 'message', text: `${mention} ${text}`, from: { id: '29:adele', name: 'Adele Vance', aadObjectId: 'aad-adele' }, recipient: BOT,
    conversation: { id: '19:channel@thread.tacv2', conversationType: 'channel', isGroup: true, name: 'Communications' },
    entities: [{ type: 'mention', mentioned: BOT, text: mention }],
  };
}
