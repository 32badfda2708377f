import { randomUUID } from 'node:crypto';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityEventNames, ActivityTypes, CallerIdConstants, ConfigurationBotFrameworkAuthenticationOptions, ConversationReference, StatusCodes } from 'botbuilder';
// botbuilder's own dependency (pinned to its version): the error class CloudAdapter answers with 401, and the cloud defaults.
import { AuthenticationConstants, AuthenticationError, ConnectorClient } from 'botframework-connector';
import type restify from 'restify';
import { createBotApp } from './bot/app';
import { adminRoutes } from './bot/admin-routes';
import { outOfOfficeRoutes } from './bot/out-of-office';
import { myActionsRoutes } from './bot/my-actions';
import { myCasesRoutes } from './bot/my-cases';
import { understoodRoute } from './bot/understood';
import { understand } from './understanding/understand';
import { CardRenderer, loadCardTemplates } from './cards/render';
import { BotIdentity, ChannelAuthentication, DEFAULT_POLICY_URL } from './config';
import { createDailyRetention } from './data-protection/daily-retention';
import { createDailyDirectorySync } from './directory/daily-directory-sync';
import type { DirectorySyncSettings } from './directory/entra-settings';
import { NewStarterEnrolment, NO_ENROLMENT } from './directory/new-starters';
import { RunDirectorySync, syncOff, wireDirectorySync, wireLeaverNotice } from './directory/sync-wiring';
import type { GraphSettings } from './graph/settings';
import type { GraphTokenProvider } from './graph/token';
import { accessRequestRerouting } from './workflows/access-request/approver-rerouting';
import { DEFAULT_RETENTION, RetentionPeriods } from './data-protection/retention';
import { runRetention } from './data-protection/retention-run';
import { createCaseLinks } from './store/case-links';
import type { Directory } from './directory/directory';
import { createTableDirectory } from './store/directory-table';
import { createTableDelegations } from './store/delegations';
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
import { createLeaverNoticeStore } from './store/leaver-notices';
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
import { createDashboardApiDeps, DashboardOptions } from './dashboard/composition';
import { rebuildStatistics } from './dashboard/recorder';
import { createCampaignSender } from './bot/campaign-sender';
import { createRecipientStore } from './store/campaign-recipients';
import { CampaignFanOut, createCampaignFanOut } from './workflows/campaign/fan-out';
import type { CampaignStorage } from './workflows/campaign/storage';
import { CampaignPorts, createNewStarterEnrolment } from './workflows/campaign';
import type { Campaign } from './workflows/campaign/model';
import { policyQuestions } from './workflows/campaign/question';
import { campaignCards } from './workflows/campaign/view';
import type { Concern, ConcernCommand } from './workflows/concern/model';

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
  /** The dashboard tab's identity check: the tab's domain (BOT_DOMAIN) and, in tests, the token signing keys. */
  readonly dashboard?: DashboardOptions;
  /** Microsoft Graph (GRAPH_AUTH); without it nothing that needs Graph runs. */
  readonly graph?: GraphSettings;
  /** Instead of an Entra credential for Graph: tests give a local stand-in's token. */
  readonly graphToken?: GraphTokenProvider;
  /** The daily directory sync from Entra ID (DIRECTORY_SYNC=entra); off without it. */
  readonly directorySync?: DirectorySyncSettings;
  /** Gives joiners from the directory sync the current policy campaign; the campaigns' own (with `campaigns`) otherwise. */
  readonly newStarters?: NewStarterEnrolment;
  /** The campaign fan-out's queue and recipients table (src/store/campaign-*.ts); without them campaigns cannot start. */
  readonly campaigns?: CampaignStorage;
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
  /** The dashboard's statistics, rebuilt from the cases (`npm run statistics:rebuild`). */
  readonly statistics: { rebuild(now: Date): Promise<{ summaries: number; counters: number }> };
  /** Sends policy campaigns from the shared queue (`startBot` starts it); undefined without campaign storage. */
  readonly campaigns?: CampaignFanOut;
  /** Gives joiners and first installs the current campaign. */
  readonly newStarters?: NewStarterEnrolment;
  /** One directory sync from Entra ID now (`npm run directory:sync`; the scheduler runs it daily); says so when it is off. */
  readonly syncDirectory: RunDirectorySync;
}

/** The composition root: storage -> directory -> notifier -> workflows -> bot -> HTTP. Plain wiring, no container. */
export function buildRuntime(options: RuntimeOptions): Runtime {
  const { tables, logger, now } = options;
  const abuseReportSettings = options.abuseReport ?? DEFAULT_ABUSE_REPORT_SETTINGS;
  // The campaign workflow reaches the fan-out and the concern workflow, both built below: bound late, like `serviceFor`.
  let fanOut: CampaignFanOut | undefined;
  const serviceFor = new Map<string, CaseService<unknown, { readonly type: string }>>();
  const campaignPorts: CampaignPorts | undefined = options.campaigns && {
    recipients: options.campaigns.recipients,
    enqueueEnrolment: async (reference) => fanOut?.enqueueEnrolment(reference),
    raiseQuestion: policyQuestions(() => serviceFor.get('SC') as CaseService<Concern, ConcernCommand> | undefined),
  };
  const modules = options.workflows ?? workflowModules({ abuseReport: abuseReportSettings, ...(campaignPorts ? { campaign: campaignPorts } : {}) });
  const renderer = options.renderer ?? loadCardTemplates(undefined, Object.assign({}, ...modules.map((module) => module.cardTemplates ?? {})));
  const workingTime = createWorkingTime({ closureDays: options.closureDays });
  const directory = createTableDirectory(tables.directory);
  const conversations = createConversationStore<Partial<ConversationReference>>(tables.conversations);
  const cases = createCaseStore(tables.cases);
  const inbox = createInbox(tables.inbox);
  const timers = createTimerStore(tables.timers);
  const delegations = createTableDelegations(tables.directory);
  const tools: WorkflowTools = { renderer, directory, delegations, workingTime, inbox, logger, staged: createStagedEvidence(tables.idempotency) };
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
  const dashboard = createDashboardApiDeps({ tables, definitions, workingTime, directory, inbox, logger, now, bot: options.bot, allowedTenantIds: options.allowedTenantIds, ...options.dashboard });
  const relay = createEffectRelay({
    statistics: dashboard.recorder,
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
  const campaignService = serviceFor.get('AC') as CaseService<Campaign, { readonly type: string }> | undefined;
  const owner = `instance-${randomUUID().slice(0, 8)}`;
  if (options.campaigns && campaignService) {
    fanOut = createCampaignFanOut({
      queue: options.campaigns.queue, recipients: options.campaigns.recipients, directory, logger, now, owner, cards: campaignCards(renderer),
      // An adapter of its own that only sends, and never retries: the fan-out decides what a 429 or a failure means.
      sender: createCampaignSender({
        adapter: new TimedTeamsAdapter({
          MicrosoftAppId: options.bot.appId, MicrosoftAppPassword: options.bot.appPassword,
          MicrosoftAppType: options.bot.appId ? options.bot.appType : 'MultiTenant', MicrosoftAppTenantId: options.bot.tenantId,
        }, connectorTimeoutMs, false),
        botAppId: options.bot.appId, conversations, logger,
      }),
      campaigns: { load: (reference) => campaignService.load(reference) },
      ...(options.campaigns.installer ? { installer: options.campaigns.installer } : {}),
      ...(options.campaigns.settings ? { settings: options.campaigns.settings } : {}),
    });
  }
  const newStarters = options.newStarters ?? (fanOut && options.campaigns && campaignService ? createNewStarterEnrolment({
    directory, recipients: options.campaigns.recipients, fanOut: () => fanOut!, logger,
    campaigns: async () => {
      const all: Campaign[] = [];
      for await (const campaign of campaignService.snapshots()) all.push(campaign);
      return all.sort((a, b) => a.reference.localeCompare(b.reference, 'en', { numeric: true }));
    },
  }) : undefined);
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
    routes: [
      ...routesOfWorkflows, myActions, myCases, adminRoutes({ tables, renderer, logger }),
      outOfOfficeRoutes({ renderer, directory, delegations, workingTime, notifier, logger }),
    ], freeText,
    ...(newStarters ? { onInstall: (userId: string) => newStarters.enrol([userId]) } : {}),
  });
  adapter.onTurnError = async (context, error) => {
    // A proactive send (continueConversation / createConversation) runs through this adapter too: its error
    // must reach the notifier, which tells 403 (not installed, blocked) from 429, instead of being swallowed
    // here and answered with an apology in the chat of the person who could not be reached.
    if (context.activity.type === ActivityTypes.Event && PROACTIVE_EVENTS.includes(String(context.activity.name))) throw error;
    logger.error({ activityType: context.activity.type, failure: { message: String(error.message).slice(0, 200) } }, 'unhandled turn error');
    await context.sendActivity('Sorry, something went wrong on our side. Please try again in a minute.').catch(() => undefined);
  };
  const server = createServer({
    adapter, app, logger, ready: () => tablesReachable(tables), ...(options.metrics ? { metrics: options.metrics } : {}),
    dashboardApi: dashboard.api(services, definitions.flatMap((definition) => (definition.teamQueue ? [definition.teamQueue] : []))),
  });
  const periods = options.retention ?? DEFAULT_RETENTION;
  const links = createCaseLinks(tables);
  const accessRequests = serviceFor.get('AR');
  const leaverNotice = wireLeaverNotice({ directory, notices: createLeaverNoticeStore(tables.directory), timers, notifier, renderer, owner, now, logger, services: serviceFor });
  const syncDirectory = wireDirectorySync({
    ...(options.graph ? { graph: options.graph } : {}), ...(options.directorySync ? { settings: options.directorySync } : {}),
    ...(options.graphToken ? { token: options.graphToken } : {}),
    directory, inbox, services: serviceFor, leaverNotice, logger, enrolment: newStarters ?? NO_ENROLMENT,
    rerouting: accessRequests ? accessRequestRerouting(accessRequests as never, inbox) : { waitingOn: async () => [], passTo: async () => false },
  });
  const statistics = { rebuild: (at: Date) => rebuildStatistics(cases, dashboard.summariser, dashboard.store, definitions.map((definition) => definition.rules.prefix), at) };
  // Beside the scheduler's day partitions in `timers`, never read by it.
  const retention = createDailyRetention({ leases: createLeaseStore(tables.timers, 'retention'), owner, logger, run: (at) => runRetention({ cases, links, now: at, periods, campaignRecipients: createRecipientStore(tables.campaignrecipients) }) });
  const directorySync = createDailyDirectorySync({ leases: createLeaseStore(tables.timers, 'directory-sync'), owner, logger, ...(syncDirectory ? { sync: syncDirectory } : {}) });
  const scheduler = createScheduler({
    timers, logger, now, owner, handlers: Object.assign({}, relay.timerHandlers(), ...services.map((service) => service.timerHandlers()), fanOut?.timerHandlers() ?? {}, leaverNotice.timerHandlers()),
    daily: async (at) => [await retention(at), await directorySync(at)],
  });
  return {
    server, relay, directory, adapter, scheduler, statistics, syncDirectory: syncDirectory ?? syncOff,
    ...(fanOut ? { campaigns: fanOut } : {}), ...(newStarters ? { newStarters } : {}),
  };
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
  /** `retries` false: each request is one HTTP attempt (campaign sends: a 429 goes back to the queue, not into a wait here). */
  constructor(settings: ConfigurationBotFrameworkAuthenticationOptions, timeoutMs: number, retries = true) {
    super(settings);
    const authentication = this.botFrameworkAuthentication;
    const createConnectorFactory = authentication.createConnectorFactory.bind(authentication);
    authentication.createConnectorFactory = (identity) => {
      const factory = createConnectorFactory(identity);
      const create = factory.create.bind(factory);
      factory.create = async (serviceUrl, audience) => {
        const client = withRequestTimeout(await create(serviceUrl, audience), timeoutMs);
        return retries ? client : withoutRetries(client);
      };
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
 * The connector client's pipeline retries 429 (after Retry-After), 5xx and resets by itself (core-rest-pipeline's
 * `defaultRetryPolicy`): taken out, a request is one attempt and its answer comes back as it is.
 */
function withoutRetries(client: ConnectorClient): ConnectorClient {
  (client as unknown as { client?: { pipeline?: { removePolicy(policy: { name: string }): unknown } } }).client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
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
