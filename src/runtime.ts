import { randomUUID } from 'node:crypto';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityEventNames, ActivityTypes, CallerIdConstants, ConfigurationBotFrameworkAuthenticationOptions, ConversationReference, StatusCodes } from 'botbuilder';
// botbuilder's own dependency (pinned to its version): the error class CloudAdapter answers with 401, and the cloud defaults.
import { AuthenticationConstants, AuthenticationError, ConnectorClient } from 'botframework-connector';
import type restify from 'restify';
import { createBotApp } from './bot/app';
import { adminRoutes } from './bot/admin-routes';
import { myActionsRoutes } from './bot/my-actions';
import { myCasesRoutes } from './bot/my-cases';
import { understoodRoute } from './bot/understood';
import { understand } from './understanding/understand';
import { CardRenderer, loadCardTemplates } from './cards/render';
import { BotIdentity, ChannelAuthentication, DEFAULT_POLICY_URL } from './config';
import { createDailyRetention } from './data-protection/daily-retention';
import { DEFAULT_RETENTION, RetentionPeriods } from './data-protection/retention';
import { runRetention } from './data-protection/retention-run';
import { createCaseLinks } from './store/case-links';
import type { Directory } from './directory/directory';
import { createTableDirectory } from './store/directory-table';
import { createWorkingTime } from './domain/working-time';
import type { Logger } from './logger';
import { createConversationStore } from './store/conversations';
import { createEffectRelay, EffectRelay } from './cases/relay';
import { createNotifier } from './bot/notifier';
import type { ConversationRateLimiter } from './bot/rate-limit';
import { createScheduler, Scheduler } from './scheduler/scheduler';
import { createServer } from './server';
import { createCaseStore } from './store/case-store';
import { createReferenceCounter } from './store/counters';
import { createIdempotencyStore } from './store/idempotency';
import { createInbox } from './store/inbox';
import { Tables, tablesReachable } from './store/tables';
import { createLeaseStore } from './store/leases';
import type { TableMetrics } from './store/table-metrics';
import { createTimerStore } from './store/timers';
import { AbuseReportSettings, DEFAULT_ABUSE_REPORT_SETTINGS } from './workflows/abuse-report/settings';
import { createStagedEvidence } from './store/staged-evidence';
import { workflowModules } from './workflows';
import { CaseService, createCaseService } from './cases/case-service';
import { SYSTEM } from './domain/people';
import { prefixOf } from './domain/references';
import type { WorkflowModule, WorkflowTools } from './cases/definition';
import { workflowRoutes } from './bot/workflow-routes';

/** The event activities botbuilder makes up for turns the bot starts itself. */
const PROACTIVE_EVENTS: readonly string[] = [ActivityEventNames.ContinueConversation, ActivityEventNames.CreateConversation];

export interface RuntimeOptions {
  readonly tables: Tables;
  readonly bot: BotIdentity;
  /** Where inbound tokens are checked when they are (with an app id); the public Bot Framework cloud by default. */
  readonly channelAuth?: ChannelAuthentication;
  readonly allowedTenantIds: readonly string[];
  readonly closureDays: readonly string[];
  readonly ainmWebhookUrl?: string;
  readonly logger: Logger;
  /** The clock: `() => new Date()` in production, a fixed or fake clock in tests. */
  readonly now: () => Date;
  readonly renderer?: CardRenderer;
  /** Per-conversation send pacing; Teams' limits by default (tests that send in bursts may lift it). */
  readonly rateLimiter?: ConversationRateLimiter;
  /** How long one Bot Connector request may take before it is abandoned; {@link CONNECTOR_TIMEOUT_MS} by default. */
  readonly connectorTimeoutMs?: number;
  /** The benchmark's table-call counters (BENCH_METRICS=1): served on GET /debug/metrics. */
  readonly metrics?: TableMetrics;
  /** How long outbox recovery leaves new effects to the instance that stored them (RECOVERY_GRACE_MS by default). */
  readonly recoveryGraceMs?: number;
  /** Where the policy card links to (POLICY_URL); the placeholder {@link DEFAULT_POLICY_URL} otherwise. */
  readonly policyUrl?: string;
  /** Support links and phone, and the urgent escalation (EAP_URL, HOLMES_URL, SUPPORT_PHONE, URGENT_ESCALATION_MINUTES); the defaults otherwise. */
  readonly abuseReport?: AbuseReportSettings;
  /** The workflows to run; those `src/workflows/index.ts` lists by default (tests add their own beside them). */
  readonly workflows?: readonly WorkflowModule[];
  /** Retention periods of the daily purge (AINM_RETENTION_YEARS, ..._RETENTION_MONTHS); the documented defaults otherwise. */
  readonly retention?: RetentionPeriods;
}

/**
 * One Bot Connector request (a send, an update, opening a chat) is abandoned after this long. The connector
 * client has no timeout of its own: a request the connector never answers would hold up its case's outbox
 * (effects of one case run one after another) until the process restarts. An abandoned send is a failed
 * attempt like any other: it stays in the outbox and is retried with backoff.
 */
export const CONNECTOR_TIMEOUT_MS = 15_000;

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
  const abuseReportSettings = options.abuseReport ?? DEFAULT_ABUSE_REPORT_SETTINGS;
  const modules = options.workflows ?? workflowModules({ abuseReport: abuseReportSettings });
  const renderer = options.renderer ?? loadCardTemplates(undefined, Object.assign({}, ...modules.map((module) => module.cardTemplates ?? {})));
  const workingTime = createWorkingTime({ closureDays: options.closureDays });
  const directory = createTableDirectory(tables.directory);
  const conversations = createConversationStore<Partial<ConversationReference>>(tables.conversations);
  const cases = createCaseStore(tables.cases);
  const inbox = createInbox(tables.inbox);
  const timers = createTimerStore(tables.timers);
  const tools: WorkflowTools = { renderer, directory, workingTime, inbox, logger, staged: createStagedEvidence(tables.idempotency) };
  const definitions = modules.map((module) => module.create(tools));
  // Without an app id botbuilder runs anonymously; it refuses a SingleTenant type with no id.
  const connectorTimeoutMs = options.connectorTimeoutMs ?? CONNECTOR_TIMEOUT_MS;
  const adapter = options.bot.appId ? new TokenCheckingTeamsAdapter({
    MicrosoftAppId: options.bot.appId, MicrosoftAppPassword: options.bot.appPassword,
    MicrosoftAppType: options.bot.appType, MicrosoftAppTenantId: options.bot.tenantId,
    ...channelAuthSettings(options.channelAuth),
  }, connectorTimeoutMs) : new TimedTeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant' }, connectorTimeoutMs);
  const notifier = createNotifier({
    adapter, botAppId: options.bot.appId, conversations, logger, ...(options.rateLimiter ? { limiter: options.rateLimiter } : {}),
  });
  // A case's `act` effects reach another case through its workflow's service, known once the services exist.
  const serviceFor = new Map<string, CaseService<unknown, { readonly type: string }>>();
  const relay = createEffectRelay({
    cases, inbox, timers, directory, notifier, logger, now,
    actOn: async (reference, command, at) => serviceFor.get(prefixOf(reference) ?? '')?.act(reference, command, SYSTEM, at),
    ...(options.recoveryGraceMs !== undefined ? { recoveryGraceMs: options.recoveryGraceMs } : {}),
    presenters: Object.fromEntries(definitions.map((definition) => [definition.rules.prefix, definition.presenter])),
    ...(options.ainmWebhookUrl ? { webhook: { url: options.ainmWebhookUrl } } : {}),
  });
  const counter = createReferenceCounter(tables.counters);
  const idempotency = createIdempotencyStore(tables.idempotency);
  const services = definitions.map((definition) => createCaseService({ cases, counter, idempotency, relay, workingTime, logger }, definition));
  for (const service of services) serviceFor.set(service.definition.rules.prefix, service);
  const routesOfWorkflows = services.map((service) => workflowRoutes(service, renderer, logger));
  const myCases = myCasesRoutes(inbox, renderer, routesOfWorkflows);
  // The team queues, as each service answers them for a person (their roles, and who may not sign off what).
  const myActions = myActionsRoutes({
    inbox, renderer, workflows: routesOfWorkflows, teamQueues: [
      ...definitions.flatMap((definition) => (definition.teamQueue ? [definition.teamQueue] : [])),
    ],
  });
  const freeText = understoodRoute({
    renderer, directory, workingTime, logger, understand, policyUrl: options.policyUrl ?? DEFAULT_POLICY_URL,
    support: abuseReportSettings.support, myActions: myActions.actions['menu.myActions']!,
  });
  const app = createBotApp({
    renderer, directory, conversations, logger, now, allowedTenantIds: options.allowedTenantIds,
    routes: [...routesOfWorkflows, myActions, myCases, adminRoutes({ tables, renderer, logger })], freeText,
  });
  adapter.onTurnError = async (context, error) => {
    // A proactive send (continueConversation / createConversation) runs through this adapter too: its error
    // must reach the notifier, which tells 403 (not installed, blocked) from 429, instead of being swallowed
    // here and answered with an apology in the chat of the person who could not be reached.
    if (context.activity.type === ActivityTypes.Event && PROACTIVE_EVENTS.includes(String(context.activity.name))) throw error;
    logger.error({ activityType: context.activity.type, failure: { message: String(error.message).slice(0, 200) } }, 'unhandled turn error');
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a minute.').catch(() => undefined);
  };
  const server = createServer({ adapter, app, logger, ready: () => tablesReachable(tables), ...(options.metrics ? { metrics: options.metrics } : {}) });
  const owner = `instance-${randomUUID().slice(0, 8)}`;
  const periods = options.retention ?? DEFAULT_RETENTION;
  const links = createCaseLinks(tables);
  const scheduler = createScheduler({
    timers, logger, now, owner, handlers: Object.assign({}, relay.timerHandlers(), ...services.map((service) => service.timerHandlers())),
    // Beside the scheduler's day partitions in `timers`, never read by it.
    daily: createDailyRetention({ leases: createLeaseStore(tables.timers, 'retention'), owner, logger, run: (at) => runRetention({ cases, links, now: at, periods }) }),
  });
  return { server, relay, directory, adapter, scheduler };
}

/**
 * botbuilder's settings for a channel-token override. Once any "parameterized" setting is given, botbuilder
 * takes every one of them literally (a missing one is undefined, not the public-cloud default), so the rest
 * are spelled out with the public cloud's values: only where inbound tokens are checked changes.
 */
function channelAuthSettings(channelAuth: ChannelAuthentication | undefined): ConfigurationBotFrameworkAuthenticationOptions {
  if (!channelAuth?.openIdMetadataUrl && !channelAuth?.tokenIssuer) return {};
  return {
    ToBotFromChannelOpenIdMetadataUrl: channelAuth.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: channelAuth.tokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}

/** A TeamsAdapter whose Bot Connector requests each give up after `timeoutMs` (see {@link CONNECTOR_TIMEOUT_MS}). */
class TimedTeamsAdapter extends TeamsAdapter {
  constructor(settings: ConfigurationBotFrameworkAuthenticationOptions, timeoutMs: number) {
    super(settings);
    const authentication = this.botFrameworkAuthentication;
    const createConnectorFactory = authentication.createConnectorFactory.bind(authentication);
    authentication.createConnectorFactory = (identity) => {
      const factory = createConnectorFactory(identity);
      const create = factory.create.bind(factory);
      factory.create = async (serviceUrl, audience) => withRequestTimeout(await create(serviceUrl, audience), timeoutMs);
      return factory;
    };
  }
}

/**
 * Every operation of a connector client (its `conversations` calls all go through `sendOperationRequest`) gets
 * the compat `timeout` option: each HTTP attempt is aborted after that long. The client's own retries (429 with
 * Retry-After, 5xx, connection resets) still run; an aborted attempt is not retried by the client, so one
 * send never goes on in the background after it was given up.
 */
function withRequestTimeout(client: ConnectorClient, timeoutMs: number): ConnectorClient {
  const send = client.sendOperationRequest.bind(client);
  client.sendOperationRequest = (operationArguments, operationSpec, callback) => send(
    { ...operationArguments, options: { ...operationArguments.options, timeout: operationArguments.options?.timeout ?? timeoutMs } },
    operationSpec, callback,
  );
  return client;
}

/**
 * A TeamsAdapter that answers every token it cannot verify with 401. botbuilder turns its own checks
 * (issuer, audience, expiry, unknown key, endorsements, serviceUrl) into an AuthenticationError (401), but lets
 * jsonwebtoken's errors through as they are (a bad signature on a known key id, a token not yet valid, an
 * algorithm not allowed), and CloudAdapter answers those with 500. No handler runs either way.
 */
class TokenCheckingTeamsAdapter extends TimedTeamsAdapter {
  constructor(settings: ConfigurationBotFrameworkAuthenticationOptions, timeoutMs: number) {
    super(settings, timeoutMs);
    const authentication = this.botFrameworkAuthentication;
    const authenticateRequest = authentication.authenticateRequest.bind(authentication);
    authentication.authenticateRequest = async (activity, authHeader) => {
      try {
        return await authenticateRequest(activity, authHeader);
      } catch (error) {
        throw asAuthenticationError(error);
      }
    };
  }
}

const JWT_ERRORS = ['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError'];

function asAuthenticationError(error: unknown): unknown {
  if (error instanceof AuthenticationError || !(error instanceof Error) || !JWT_ERRORS.includes(error.name)) return error;
  return new AuthenticationError(`Unauthorized. ${error.message}`, StatusCodes.UNAUTHORIZED);
}
