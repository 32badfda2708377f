import { Activity, TestAdapter } from 'botbuilder';
import { Writable } from 'node:stream';
import { adminRoutes, AdminRouteDeps } from '../../src/bot/admin-routes';
import { createBotApp } from '../../src/bot/app';
import { outOfOfficeRoutes, OutOfOfficeDeps } from '../../src/bot/out-of-office';
import { myActionsRoutes } from '../../src/bot/my-actions';
import { myCasesRoutes } from '../../src/bot/my-cases';
import type { WorkflowRoutes } from '../../src/bot/turn';
import type { AdaptiveCardJson, CardRenderer } from '../../src/cards/render';
import type { Directory } from '../../src/directory/directory';
import { createLogger } from '../../src/logger';
import type { ConversationStore } from '../../src/store/conversations';
import type { Inbox } from '../../src/store/inbox';
import { definedWorkflowRoutes } from './defined-workflow-routes';

export type Taken = 'command' | 'help' | 'unrecognised';

const BOT = { id: '28:desk-bot', name: 'Social Media Desk' };
const EMPTY_CARD: AdaptiveCardJson = { type: 'AdaptiveCard', version: '1.5', body: [] };

/**
 * How the real bot takes a typed message (in a 1:1 chat, or with an @mention in a team channel), asked of its real command patterns: the real Application
 * (its normalising, the "help" words, the case-reference command) and the real route factories of runtime.ts,
 * with every handler (and the case viewers) replaced by a recorder, so nothing reaches storage. No free-text
 * understanding is wired in: a message no pattern takes is `unrecognised`. A workflow added to runtime.ts but
 * not here shows up as a guide command the bot "does not know": add it below.
 */
export async function howTheBotTakes(text: string, where: 'personal' | 'team' = 'personal'): Promise<Taken> {
  let taken: Taken = 'unrecognised';
  const renderer: CardRenderer = {
    render: (name, viewModel) => {
      const greeting = String((viewModel as { greeting?: unknown }).greeting ?? '');
      if (name === 'welcome' && !greeting.includes('didn\'t recognise')) taken = 'help';
      return EMPTY_CARD;
    },
  };
  const recorded = (routes: WorkflowRoutes): WorkflowRoutes => ({
    ...routes,
    commands: routes.commands.map((command) => ({ ...command, handle: async () => { taken = 'command'; } })),
    viewer: routes.viewer && { ...routes.viewer, show: async () => { taken = 'command'; return EMPTY_CARD; } },
  });
  const app = createBotApp({
    renderer,
    directory: { find: async () => undefined } as unknown as Directory,
    conversations: { savePersonal: async () => undefined } as unknown as ConversationStore,
    logger: createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() })),
    now: () => new Date('2026-03-02T10:00:00Z'),
    allowedTenantIds: [],
    routes: everyRoute(renderer).map(recorded),
  });
  await new TestAdapter(async (context) => { await app.run(context); }).send(where === 'personal' ? personalMessage(text) : channelMessage(text));
  return taken;
}

/** The route factories runtime.ts composes; their services are never reached, every handler being replaced. */
function everyRoute(renderer: CardRenderer): WorkflowRoutes[] {
  const deps = { renderer, service: {}, directory: {}, workingTime: {}, logger: createLogger('silent'), tables: {} };
  const workflows = definedWorkflowRoutes(renderer);
  const myActions = myActionsRoutes({ inbox: {} as Inbox, renderer, workflows, teamQueues: [] });
  return [
    ...workflows, myActions, myCasesRoutes({} as Inbox, renderer, workflows), adminRoutes(deps as unknown as AdminRouteDeps),
    outOfOfficeRoutes(deps as unknown as OutOfOfficeDeps),
  ];
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
