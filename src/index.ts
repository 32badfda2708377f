import { AppConfig, ConfigError, readConfig } from './config';
import { createLogger, Logger } from './logger';
import { buildRuntime } from './runtime';
import { runEvery } from './scheduler/scheduler';
import { startAzurite } from './store/azurite-process';
import { createConversationRateLimiter } from './bot/rate-limit';
import { createTableMetrics } from './store/table-metrics';
import { openCampaignStorage } from './workflows/campaign/storage';
import { azuriteConnectionString, ensureTables, openTables, TablesEndpoint } from './store/tables';

/** How often due timers are fired. Reminders are in working days, so a minute is plenty. */
const SCHEDULER_INTERVAL_MS = 60_000;

export interface RunningBot {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Start-up: config -> store (an embedded Azurite unless a connection is configured) -> directory -> app -> server.
 */
export async function startBot(config: AppConfig, logger: Logger): Promise<RunningBot> {
  const azurite = config.tables.kind === 'embedded'
    ? await startAzurite({ port: config.tables.port, dataDir: config.tables.dataDir, queuePort: config.tables.queuePort })
    : undefined;
  const endpoint: TablesEndpoint = config.tables.kind === 'embedded'
    ? { kind: 'connectionString', connectionString: azuriteConnectionString(azurite!.port, '127.0.0.1', azurite!.queuePort) }
    : config.tables;
  const metrics = config.benchMetrics ? createTableMetrics() : undefined;
  const tables = openTables(endpoint, config.tablePrefix, metrics?.hook);
  await ensureTables(tables);
  const campaigns = await openCampaignStorage({
    endpoint, prefix: config.tablePrefix, settings: { sendsPerSecond: config.campaign.sendsPerSecond }, logger,
    ...(config.graph ? { graph: config.graph } : {}), ...(config.campaign.installTeamsAppId ? { installTeamsAppId: config.campaign.installTeamsAppId } : {}),
  });
  const runtime = buildRuntime({
    ...(campaigns ? { campaigns } : {}),
    tables, bot: config.bot, allowedTenantIds: config.allowedTenantIds, closureDays: config.closureDays, policyUrl: config.policyUrl,
    ...(metrics ? { metrics } : {}),
    ...(config.connectorPacing === 'off' ? { rateLimiter: createConversationRateLimiter({ limits: [] }) } : {}),
    ...(config.channelAuth ? { channelAuth: config.channelAuth } : {}),
    ...(config.ainmWebhookUrl ? { ainmWebhookUrl: config.ainmWebhookUrl } : {}),
    abuseReport: config.abuseReport,
    dashboard: { ...(config.botDomain ? { domain: config.botDomain } : {}), ...(config.dashboardClientId ? { clientId: config.dashboardClientId } : {}) },
    ...(config.graph ? { graph: config.graph } : {}),
    ...(config.directorySync ? { directorySync: config.directorySync } : {}),
    retention: { ainmYears: config.ainmRetentionYears, accessRequestMonths: config.accessRequestRetentionMonths, takedownMonths: config.takedownRetentionMonths },
    logger, now: () => new Date(),
  });
  await new Promise<void>((resolve) => runtime.server.listen(config.port, config.host, resolve));
  const url = `http://${config.host}:${runtime.server.address().port}/api/messages`;
  // The line names any token-check override (openIdMetadataUrl, tokenIssuer): tokens are then trusted from there.
  logger.info({ url, storage: config.tables.kind, authenticated: Boolean(config.bot.appId), directorySync: config.directorySync ? 'entra' : 'off', ...config.channelAuth },
    config.bot.appId ? 'bot listening' : 'bot listening without authentication (local mode: loopback only)');
  // Effects left in an outbox are retried by their retry timers (the scheduler below). Outboxes stored before
  // there were retry timers are given one, once, at start-up: the only scan of the cases for effects.
  void runtime.relay.armUntimedEffects().catch((error: unknown) => logger.warn({ failure: String(error).slice(0, 200) }, 'outbox retry timers not armed'));
  const stopScheduler = runEvery(runtime.scheduler, SCHEDULER_INTERVAL_MS, logger);
  // Every instance sends from the shared queue, each at its share of CAMPAIGN_SENDS_PER_SECOND.
  runtime.campaigns?.start();
  if (metrics) logger.warn({ connectorPacing: config.connectorPacing ?? 'teams' }, 'benchmark mode: table calls counted, GET /debug/metrics on loopback');
  return {
    url,
    async stop() {
      await stopScheduler();
      await runtime.campaigns?.stop();
      await new Promise<void>((resolve) => runtime.server.close(() => resolve()));
      await runtime.relay.idle();
      await azurite?.stop();
    },
  };
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const bot = await startBot(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('Start-up failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
