import { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, FileConsentCardResponse, TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { CardRenderer } from '../cards/render';
import type { Directory } from '../directory/directory';
import type { Logger } from '../logger';
import type { ConversationStore } from '../store/conversations';
import { actorIdOf, resolveActor } from './actor';
import { ActionHandler, ActionTurn, answerWithCard, answerWithMessage, Command, keepsClickedCard, messageCard, replyWithCard, Turn, WorkflowRoutes } from './turn';
import { parseReference, prefixOf } from '../domain/references';
import type { FreeTextRoute } from './understood';
import { isListName, LIST_VERBS, listNamed, withBackToList } from './lists';
import { welcomeCard } from './welcome';

export interface BotAppDeps {
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  readonly conversations: ConversationStore;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Empty: any tenant (local mode). */
  readonly allowedTenantIds: readonly string[];
  readonly routes: readonly WorkflowRoutes[];
  /** Answers a message no command matched (understood.ts); without it, the full help list. */
  readonly freeText?: FreeTextRoute;
  /** Someone installed the app in their 1:1 chat: new starters get the current policy campaign. */
  readonly onInstall?: (userId: string) => Promise<void>;
}

const APOLOGY = 'Sorry, something went wrong on our side and nothing was changed. Please try again in a minute.';

/**
 * The teams-ai Application: install events, typed commands and card actions, routed to the workflows.
 * Every turn is guarded: a fault becomes one log line with a correlation id and one short apology.
 */
export function createBotApp(deps: BotAppDeps): Application<TurnState> {
  const app = new Application<TurnState>({ removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  const viewers = new Map(deps.routes.flatMap((route) => (route.viewer ? [[route.viewer.prefix, route.viewer] as const] : [])));
  const showCase = async (turn: Turn | ActionTurn, raw: unknown, remember: boolean) => {
    const reference = parseReference(raw);
    const viewer = reference ? viewers.get(prefixOf(reference) ?? '') : undefined;
    if (reference && viewer) return viewer.show(turn, reference, remember);
    return messageCard(deps.renderer, { title: 'Not available', message: 'I can\'t find that case, or you don\'t have a part in it.', style: 'warning' });
  };
  const actions = new Map<string, ActionHandler>([
    ...deps.routes.flatMap((route) => Object.entries(route.actions)),
    // Opened from a list: the card offers the way back. Card data only names which list, never whose.
    ['case.show', async (turn) => {
      const card = await showCase(turn, turn.data.reference, true);
      return isListName(turn.data.list) ? withBackToList(card, turn.data.list) : card;
    }],
  ]);
  // "Back to the list": the named list, rebuilt for the clicker by the list's own menu verb.
  actions.set('list.show', async (turn) => {
    const list = actions.get(LIST_VERBS[listNamed(turn.data.list)] ?? '');
    return list ? list({ ...turn, data: {} }) : messageCard(deps.renderer, { title: 'Not available', message: 'Type "my actions" to see what is waiting for you.' });
  });
  const commands: Command[] = [
    ...deps.routes.flatMap((route) => route.commands),
    {
      pattern: /^(?:show |open |view )?([a-z]{2,5}-\d{4}-\d{5,})$/,
      handle: async (turn, match) => replyWithCard(turn.context, await showCase({ ...turn, verb: 'case.show' }, match[1], false)),
    },
  ];
  const fileHandlers = deps.routes.flatMap((route) => (route.onFiles ? [route.onFiles] : []));
  const consentHandlers = deps.routes.flatMap((route) => (route.onFileConsent ? [route.onFileConsent] : []));
  const log = deps.logger;

  app.turn('beforeTurn', async (context) => {
    const tenantId: unknown = context.activity.conversation?.tenantId ?? context.activity.channelData?.tenant?.id;
    // Fails closed: an activity that names no tenant is not from an allowed one.
    if (deps.allowedTenantIds.length > 0 && !(typeof tenantId === 'string' && deps.allowedTenantIds.includes(tenantId))) {
      const named = typeof tenantId === 'string' && tenantId ? { tenantId: tenantId.slice(0, 40) } : {};
      log.warn({ ...named, type: String(context.activity.type).slice(0, 40) }, 'activity from a tenant that is not allowed; refused');
      if (context.activity.type === ActivityTypes.Invoke) await answerWithCard(context, messageCard(deps.renderer, { title: 'Not available', message: 'This app is not available to your organisation.' }));
      return false;
    }
    return true;
  });

  app.activity(ActivityTypes.InstallationUpdate, async (context) => guarded(context, async () => {
    if (context.activity.action !== 'add' && context.activity.action !== 'add-upgrade') return;
    await rememberConversation(context);
    await replyWithCard(context, welcomeCard(deps.renderer, await resolveActor(context, deps.directory)));
    const userId = actorIdOf(context);
    // After the welcome, and never failing it: the campaign card follows through the queue.
    if (userId && isPersonalChat(context) && deps.onInstall) {
      await deps.onInstall(userId).catch((error: unknown) => log.warn({ failure: String(error instanceof Error ? error.message : error).slice(0, 200) }, 'new starter enrolment failed'));
    }
  }));

  // Teams sends both installationUpdate and conversationUpdate on install: only the first says hello.
  app.conversationUpdate('membersAdded', async (context) => guarded(context, async () => {
    const botId = context.activity.recipient?.id;
    if (context.activity.membersAdded?.some((member) => member.id === botId)) await rememberConversation(context);
  }));

  app.adaptiveCards.actionExecute<Record<string, unknown>>(/.*/, async (context) => {
    await guarded(context, async () => {
      const verb = String(context.activity.value?.action?.verb ?? '');
      const handler = actions.get(verb);
      const actor = await resolveActor(context, deps.directory);
      if (!handler || !actor) {
        log.info({ verb: verb.slice(0, 60) }, 'card action with no handler');
        await answerWithCard(context, messageCard(deps.renderer, { title: 'This button is no longer in use', message: 'Type "help" to see what I can do.' }));
        return;
      }
      const data = plainData(context.activity.value?.action?.data);
      const answer = await handler({ context, actor, now: deps.now(), verb, data });
      await (keepsClickedCard(answer) ? answerWithMessage(context, answer.toast) : answerWithCard(context, answer));
    });
    return '';
  });

  // An Action.Execute without a verb (the schema allows one) or without an action never reaches the verb
  // route above, and botbuilder would answer 501: answer it like an unknown button instead.
  // Any other invoke nothing here handles (a messaging extension query, a file consent answer with no
  // known action...) gets an empty 200 rather than botbuilder's 501: Teams retries failed invokes.
  app.activity(ActivityTypes.Invoke, async (context) => guarded(context, async () => {
    if (context.activity.name !== 'adaptiveCard/action') {
      log.info({ name: String(context.activity.name ?? '').slice(0, 60) }, 'invoke with no handler');
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200 } });
      return;
    }
    log.info({}, 'card action with no verb');
    await answerWithCard(context, messageCard(deps.renderer, { title: 'This button is no longer in use', message: 'Type "help" to see what I can do.' }));
  }));

  // "Allow" / "Decline" on a file consent card: teams-ai answers the invoke with 200 after the handler.
  const onFileConsent = async (context: TurnContext, _state: TurnState, response: FileConsentCardResponse) => guarded(context, async () => {
    const actor = await resolveActor(context, deps.directory);
    if (actor) {
      for (const handler of consentHandlers) if (await handler({ context, actor, now: deps.now(), verb: 'fileConsent' }, response ?? {})) return;
    }
    log.info({ action: String(response?.action ?? '').slice(0, 20) }, 'file consent with no handler');
  });
  app.fileConsentAccept(onFileConsent).fileConsentDecline(onFileConsent);

  app.activity(ActivityTypes.Message, async (context) => guarded(context, async () => {
    await rememberConversation(context);
    const actor = await resolveActor(context, deps.directory);
    const text = normalise(context.activity.text);
    if (!actor) return;
    if (hasFiles(context)) {
      for (const onFiles of fileHandlers) if (await onFiles({ context, actor, now: deps.now(), verb: 'message' })) return;
    }
    if (/^(help|hi|hello|hey|menu|start|\?)$/.test(text) || text === '') {
      await replyWithCard(context, welcomeCard(deps.renderer, actor));
      return;
    }
    for (const command of commands) {
      const match = command.pattern.exec(text);
      if (!match) continue;
      if (!command.sharedSpaces && !isPersonalChat(context)) {
        await replyWithCard(context, messageCard(deps.renderer, {
          title: 'Ask me in our 1:1 chat', message: 'That shows personal or confidential details, so I only answer it in your private chat with me.',
        }));
        return;
      }
      return command.handle({ context, actor, now: deps.now(), verb: 'message' }, match);
    }
    const turn = { context, actor, now: deps.now(), verb: 'message' };
    if (deps.freeText) return deps.freeText(turn, context.activity.text ?? '', isPersonalChat(context));
    await replyWithCard(context, welcomeCard(deps.renderer, actor, 'I didn\'t recognise that. Here is what I can do:'));
  }));

  async function rememberConversation(context: TurnContext): Promise<void> {
    const userId = actorIdOf(context);
    if (!isPersonalChat(context)) return;
    if (userId) await deps.conversations.savePersonal(userId, TurnContext.getConversationReference(context.activity));
  }

  async function guarded(context: TurnContext, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const correlationId = randomUUID().slice(0, 8);
      log.error({ correlationId, activityType: context.activity.type, failure: summarise(error) }, 'turn failed');
      const apology = `${APOLOGY} (Reference ${correlationId}.)`;
      if (context.activity.type === ActivityTypes.Invoke && context.activity.name === 'adaptiveCard/action') {
        await answerWithCard(context, messageCard(deps.renderer, { title: 'Something went wrong', message: apology, style: 'attention' }));
      } else {
        await context.sendActivity(apology).catch(() => undefined);
      }
    }
  }

  return app;
}

function isPersonalChat(context: TurnContext): boolean {
  const conversation = context.activity.conversation;
  return conversation?.conversationType === 'personal' || conversation?.isGroup === false;
}

/** Files attached in Teams arrive as download-info attachments (images as image/*), beside the message's own HTML. */
function hasFiles(context: TurnContext): boolean {
  return (context.activity.attachments ?? []).some((attachment) => attachment.contentType !== 'text/html' && attachment.contentType !== 'application/vnd.microsoft.card.adaptive');
}

/**
 * Lower case, trimmed, surrounding punctuation removed: "Request access!" and "request access" match.
 * Typographic apostrophes (phones type "I’m") become plain ones, so "I’m being harassed" matches too.
 */
function normalise(text: string | undefined): string {
  return (text ?? '').replace(/[\u2018\u2019\u02BC]/g, '\'').toLowerCase().replace(/\s+/g, ' ').replace(/^[\s"'.,!?:;]+|[\s"'.,!?:;]+$/g, '').slice(0, 200);
}

/** Card data as a plain object with only own, non-prototype keys: `__proto__` and friends are dropped. */
function plainData(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const data: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    if (key !== '__proto__' && key !== 'constructor' && key !== 'prototype' && key.length <= 40) data[key] = value;
  }
  return data;
}

function summarise(error: unknown): { kind: string; message: string; statusCode?: number } {
  const { name, message, statusCode } = error as { name?: string; message?: string; statusCode?: number };
  return { kind: name ?? 'Error', message: String(message ?? error).slice(0, 200), ...(statusCode ? { statusCode } : {}) };
}
