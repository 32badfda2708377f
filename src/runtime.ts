import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityEventNames, ActivityTypes } from 'botbuilder';
import type restify from 'restify';
import { createBotApp } from './bot/app';
import { myCasesRoutes } from './bot/my-cases';
import { CardRenderer, loadCardTemplates } from './cards/render';
import type { BotIdentity } from './config';
import { createTableDirectory, Directory } from './directory/directory';
import { createWorkingTime } from './domain/working-time';
import type { Logger } from './logger';
import { createConversationStore } from './notify/conversation-store';
import { createEffectRelay, EffectRelay } from './notify/effect-relay';
import { createNotifier } from './notify/notifier';
import type { ConversationRateLimiter } from './notify/rate-limit';
import { createScheduler, Scheduler } from './scheduler/scheduler';
import { createServer } from './server';
import { createCaseStore } from './store/case-store';
import { createReferenceCounter } from './store/counters';
import { createIdempotencyStore } from './store/idempotency';
import { createInbox } from './store/inbox';
import { Tables, tablesReachable } from './store/tables';
import { createTimerStore } from './store/timers';
import { accessRequestPresenter } from './workflows/access-request/presenter';
import { accessRequestRoutes } from './workflows/access-request/routes';
import { createAccessRequestService } from './workflows/access-request/service';
import { abuseReportPresenter } from './workflows/abuse-report/presenter';
import { abuseReportRoutes } from './workflows/abuse-report/routes';
import { createAbuseReportService } from './workflows/abuse-report/service';
import { createStagedEvidence } from './store/staged-evidence';
import { takedownPresenter } from './workflows/takedown/presenter';
import { takedownRoutes } from './workflows/takedown/routes';
import { createTakedownService } from './workflows/takedown/service';

/** The event activities botbuilder makes up for turns the bot starts itself. */
const PROACTIVE_EVENTS: readonly string[] = [ActivityEventNames.ContinueConversation, ActivityEventNames.CreateConversation];

export interface RuntimeOptions {
  readonly tables: Tables;
  readonly bot: BotIdentity;
  readonly allowedTenantIds: readonly string[];
  readonly closureDays: readonly string[];
  readonly ainmWebhookUrl?: string;
  readonly logger: Logger;
  /** The clock: `() => new Date()` in production, a fixed or fake clock in tests. */
  readonly now: () => Date;
  readonly renderer?: CardRenderer;
  /** Per-conversation send pacing; Teams' limits by default (tests that send in bursts may lift it). */
  readonly rateLimiter?: ConversationRateLimiter;
}

export interface Runtime {
  readonly server: restify.Server;
  readonly relay: EffectRelay;
  readonly directory: Directory;
  readonly adapter: TeamsAdapter;
  /** Fires reminders, escalations and expiry; `startBot` ticks it every minute. */
  readonly scheduler: Scheduler;
}

/** The composition root: storage -> directory -> notifier -> workflows -> bot -> HTTP. Plain wiring, no container. */
export function buildRuntime(options: RuntimeOptions): Runtime {
  const { tables, logger, now } = options;
  const renderer = options.renderer ?? loadCardTemplates();
  const workingTime = createWorkingTime({ closureDays: options.closureDays });
  const directory = createTableDirectory(tables.directory);
  const conversations = createConversationStore(tables.conversations);
  const cases = createCaseStore(tables.cases);
  const inbox = createInbox(tables.inbox);
  const timers = createTimerStore(tables.timers);
  // Without an app id botbuilder runs anonymously; it refuses a SingleTenant type with no id.
  const adapter = new TeamsAdapter(options.bot.appId ? {
    MicrosoftAppId: options.bot.appId, MicrosoftAppPassword: options.bot.appPassword,
    MicrosoftAppType: options.bot.appType, MicrosoftAppTenantId: options.bot.tenantId,
  } : { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' });
  const notifier = createNotifier({
    adapter, botAppId: options.bot.appId, conversations, logger, ...(options.rateLimiter ? { limiter: options.rateLimiter } : {}),
  });
  const relay = createEffectRelay({
    cases, inbox, timers, directory, notifier, logger, now,
    presenters: {
      AR: accessRequestPresenter(renderer, workingTime), AINM: abuseReportPresenter(renderer, workingTime), TD: takedownPresenter(renderer, workingTime),
    },
    ...(options.ainmWebhookUrl ? { webhook: { url: options.ainmWebhookUrl } } : {}),
  });
  const counter = createReferenceCounter(tables.counters);
  const idempotency = createIdempotencyStore(tables.idempotency);
  const accessRequests = createAccessRequestService({ cases, inbox, directory, relay, workingTime, counter, idempotency });
  const abuseReports = createAbuseReportService({
    cases, inbox, directory, relay, workingTime, counter, idempotency, staged: createStagedEvidence(tables.idempotency),
  });
  const takedowns = createTakedownService({ cases, inbox, directory, relay, workingTime, counter, idempotency });
  const workflowRoutes = [
    accessRequestRoutes({ service: accessRequests, renderer, directory, workingTime }),
    abuseReportRoutes({ service: abuseReports, renderer, directory, workingTime, logger }),
    takedownRoutes({ service: takedowns, renderer, directory, workingTime }),
  ];
  const app = createBotApp({
    renderer, directory, conversations, logger, now, allowedTenantIds: options.allowedTenantIds,
    routes: [...workflowRoutes, myCasesRoutes(inbox, renderer, workflowRoutes)],
  });
  adapter.onTurnError = async (context, error) => {
    // A proactive send (continueConversation / createConversation) runs through this adapter too: its error
    // must reach the notifier, which tells 403 (not installed, blocked) from 429, instead of being swallowed
    // here and answered with an apology in the chat of the person who could not be reached.
    if (context.activity.type === ActivityTypes.Event && PROACTIVE_EVENTS.includes(String(context.activity.name))) throw error;
    logger.error({ activityType: context.activity.type, failure: { message: String(error.message).slice(0, 200) } }, 'unhandled turn error');
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a minute.').catch(() => undefined);
  };
  const server = createServer({ adapter, app, logger, ready: () => tablesReachable(tables) });
  const scheduler = createScheduler({
    timers, logger, now, handlers: { ...accessRequests.timerHandlers(), ...abuseReports.timerHandlers(), ...takedowns.timerHandlers() },
  });
  return { server, relay, directory, adapter, scheduler };
}
