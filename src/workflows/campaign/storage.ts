import type { GraphSettings } from '../../graph/settings';
import { graphTokenProvider, GraphTokenProvider } from '../../graph/token';
import type { Logger } from '../../logger';
import { campaignQueueName, openWorkQueue, WorkQueue } from '../../store/campaign-queue';
import { openRecipientStore, RecipientStore } from '../../store/campaign-recipients';
import type { TablesEndpoint } from '../../store/tables';
import { createGraphAppInstaller } from './app-installer';
import type { AppInstaller, FanOutSettings } from './fan-out';

/** Where policy campaigns keep their work: the queue every instance shares, a row a recipient, and how fast to send. */
export interface CampaignStorage {
  readonly queue: WorkQueue;
  readonly recipients: RecipientStore;
  readonly settings?: Partial<FanOutSettings>;
  /** Installs the app for people without it (Microsoft Graph, when its permission is configured). */
  readonly installer?: AppInstaller;
}

export interface CampaignStorageOptions {
  readonly endpoint: TablesEndpoint;
  readonly prefix: string;
  readonly settings?: Partial<FanOutSettings>;
  /** With both, recipients without the app get it installed (CAMPAIGN_INSTALL_TEAMS_APP_ID). */
  readonly graph?: GraphSettings;
  readonly installTeamsAppId?: string;
  /** Tests: a Graph stand-in's token instead of an Entra credential. */
  readonly graphToken?: GraphTokenProvider;
  readonly logger: Logger;
}

/** An account's connection string reaches its queues; one naming only a TableEndpoint (an emulator's) does not. */
function namesQueueService(endpoint: TablesEndpoint): boolean {
  if (endpoint.kind !== 'connectionString') return true;
  const cs = endpoint.connectionString;
  return /(^|;)\s*QueueEndpoint=/i.test(cs) || !/(^|;)\s*TableEndpoint=/i.test(cs) || /(^|;)\s*EndpointSuffix=/i.test(cs);
}

/** Opens (and creates, if missing) the campaign queue and recipients table beside the other tables. */
export async function openCampaignStorage(options: CampaignStorageOptions): Promise<CampaignStorage | undefined> {
  if (!namesQueueService(options.endpoint)) {
    // A connection string for an emulator's table service only: the bot runs without campaigns (warned here; each campaign command then says so, actions.ts).
    options.logger.warn('policy campaigns are off: the storage connection string names no queue service (add QueueEndpoint=...)');
    return undefined;
  }
  const queue = openWorkQueue(options.endpoint, campaignQueueName(options.prefix));
  const recipients = openRecipientStore(options.endpoint, options.prefix);
  await Promise.all([queue.ensure(), recipients.ensure()]);
  const installer = options.graph && options.installTeamsAppId ? createGraphAppInstaller({
    baseUrl: options.graph.baseUrl, teamsAppId: options.installTeamsAppId, logger: options.logger,
    token: options.graphToken ?? graphTokenProvider(options.graph.credential),
  }) : undefined;
  return { queue, recipients, ...(options.settings ? { settings: options.settings } : {}), ...(installer ? { installer } : {}) };
}
