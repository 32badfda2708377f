import { AbuseReportSettings, DEFAULT_EAP_URL, DEFAULT_HOLMES_URL, DEFAULT_URGENT_ESCALATION_MINUTES } from './workflows/abuse-report/settings';
import { DirectorySyncSettings, ENTRA_ID } from './directory/entra-settings';
import type { TeamRole } from './domain/people';
import { DEFAULT_GRAPH_BASE_URL, GraphCredentialSettings, GraphSettings } from './graph/settings';

/**
 * The environment, read and validated once at start-up into one typed object.
 * A wrong value stops start-up with a message naming the variable.
 */
export interface BotIdentity {
  /** Empty means anonymous local mode: no JWT validation, loopback only. */
  readonly appId: string;
  readonly appPassword: string;
  readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  readonly tenantId: string;
}

/**
 * Where tokens from the channel are checked. Unset: the public Bot Framework cloud (botbuilder's defaults).
 * Set for a sovereign or private cloud, or for tests that sign tokens with a local key. Only used with an app id.
 */
export interface ChannelAuthentication {
  /** The OpenID configuration document whose `jwks_uri` lists the channel's signing keys. */
  readonly openIdMetadataUrl?: string;
  /** The exact `iss` the channel's tokens carry. */
  readonly tokenIssuer?: string;
}

export type TablesConnection =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'accountUrl'; readonly accountUrl: string; readonly managedIdentityClientId?: string }
  | { readonly kind: 'embedded'; readonly port: number; readonly dataDir: string; readonly queuePort: number };

export interface AppConfig {
  readonly host: string;
  readonly port: number;
  readonly bot: BotIdentity;
  /** Overrides of where inbound Bot Framework tokens are checked; empty means the public cloud. */
  readonly channelAuth?: ChannelAuthentication;
  readonly tables: TablesConnection;
  /** Prefix for every table name, so several deployments or test runs can share one account. */
  readonly tablePrefix: string;
  /** Empty means any tenant (local mode only). */
  readonly allowedTenantIds: readonly string[];
  /** The host the bot and its dashboard tab are served from (BOT_DOMAIN): the tab's SSO audience is `api://<domain>/<client id>`. */
  readonly botDomain?: string;
  /**
   * The dashboard tab's own Entra app registration (DASHBOARD_CLIENT_ID, Teams Toolkit's AAD_APP_CLIENT_ID): its SSO
   * tokens are for it. The bot's managed identity cannot expose an API; without it the bot's app id is tried.
   */
  readonly dashboardClientId?: string;
  readonly closureDays: readonly string[];
  /** Where the policy card's "Read the full policy" opens: the Social Media Policy on the intranet (POLICY_URL). */
  readonly policyUrl: string;
  /** Support on every AINM receipt and urgent reply, and the urgent escalation (EAP_URL, HOLMES_URL, SUPPORT_PHONE, URGENT_ESCALATION_MINUTES). */
  readonly abuseReport: AbuseReportSettings;
  /** The Group's AINM register endpoint: every new or changed record is POSTed there. */
  readonly ainmWebhookUrl?: string;
  /** Years after closure before an AINM record's free text and identities are purged (default 3: RIDDOR, Scottish time bar). */
  readonly ainmRetentionYears: number;
  /**
   * Months after an access request closed (rejected, withdrawn, revoked, expired) before it is deleted with its
   * audit events (default 24: UK GDPR storage limitation; two years covers an access review and a second renewal).
   */
  readonly accessRequestRetentionMonths: number;
  /** Months after a takedown notice closed (verified, withdrawn) before it is deleted with its audit events (default 24). */
  readonly takedownRetentionMonths: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Microsoft Graph (GRAPH_AUTH, ...): absent means not configured, and nothing that needs it runs. */
  readonly graph?: GraphSettings;
  /** The daily directory sync from Entra ID (DIRECTORY_SYNC=entra, needs `graph`); absent means off. */
  readonly directorySync?: DirectorySyncSettings;
  /** Policy campaigns: sends a second across every instance (CAMPAIGN_SENDS_PER_SECOND), and installing the app for people without it. */
  readonly campaign: CampaignConfig;
  /** BENCH_METRICS=1 (`npm run bench`): count table calls and answer GET /debug/metrics to loopback callers. */
  readonly benchMetrics?: boolean;
  /**
   * BENCH_CONNECTOR_PACING=off (`npm run bench` only: needs BENCH_METRICS and no app id): lifts Teams' per-conversation
   * send pacing, which simulated users clicking without pause would otherwise hit within seconds.
   */
  readonly connectorPacing?: 'teams' | 'off';
}

/** A placeholder until POLICY_URL names the policy's page on the intranet (Holmes). */
export const DEFAULT_POLICY_URL = 'https://www.wheatley-group.com/social-media-policy';

/** Raised for a bad environment value; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const APP_TYPES = ['SingleTenant', 'MultiTenant', 'UserAssignedMSI'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TABLE_PREFIX = /^[A-Za-z][A-Za-z0-9]{0,30}$|^$/;

/** Reads the configuration from `env` (normally `process.env`). Throws {@link ConfigError}. */
export function readConfig(env: Env): AppConfig {
  const bot = readBotIdentity(env);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!bot.appId && !isLoopback(host)) {
    throw new ConfigError('HOST', `without MICROSOFT_APP_ID the bot runs unauthenticated and must listen on loopback, not "${host}"`);
  }
  return {
    host,
    port: readPort(env, 'PORT', 3978),
    bot,
    channelAuth: readChannelAuthentication(env, bot),
    tables: readTablesConnection(env),
    tablePrefix: readMatching(env, 'TABLE_PREFIX', TABLE_PREFIX, 'letters and digits, starting with a letter, at most 31', ''),
    allowedTenantIds: readList(env, 'ALLOWED_TENANT_IDS'),
    ...readBotDomain(env),
    closureDays: readList(env, 'CLOSURE_DAYS').map((day) => {
      if (!ISO_DATE.test(day)) throw new ConfigError('CLOSURE_DAYS', `"${day}" is not a date like 2026-12-24`);
      return day;
    }),
    ...readWebhook(env),
    policyUrl: readTrustedUrl(env, 'POLICY_URL') ?? DEFAULT_POLICY_URL,
    abuseReport: readAbuseReportSettings(env),
    ainmRetentionYears: readInteger(env, 'AINM_RETENTION_YEARS', 3, 1, 50),
    accessRequestRetentionMonths: readInteger(env, 'ACCESS_REQUEST_RETENTION_MONTHS', 24, 1, 120),
    takedownRetentionMonths: readInteger(env, 'TAKEDOWN_RETENTION_MONTHS', 24, 1, 120),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    ...readGraphAndDirectory(env, bot),
    campaign: readCampaign(env),
    ...readBench(env, bot),
  };
}

/** A host name, as Teams Toolkit writes BOT_DOMAIN (no scheme, no path). */
function readBotDomain(env: Env): { botDomain?: string; dashboardClientId?: string } {
  const clientId = env.DASHBOARD_CLIENT_ID?.trim();
  if (clientId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) {
    throw new ConfigError('DASHBOARD_CLIENT_ID', 'must be the dashboard app registration\'s client id (a GUID)');
  }
  const client = clientId ? { dashboardClientId: clientId.toLowerCase() } : {};
  const domain = env.BOT_DOMAIN?.trim();
  if (!domain) return client;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(domain) || domain.length > 253) {
    throw new ConfigError('BOT_DOMAIN', `"${domain.slice(0, 60)}" is not a host name like desk.azurewebsites.net`);
  }
  return { botDomain: domain.toLowerCase(), ...client };
}

export interface CampaignConfig {
  readonly sendsPerSecond: number;
  /**
   * The app's id in the organisation's app catalog (CAMPAIGN_INSTALL_TEAMS_APP_ID): with Graph configured, the app is
   * installed for recipients without it (`POST /users/{id}/teamwork/installedApps`) and their card sent again.
   */
  readonly installTeamsAppId?: string;
}

/** Teams allows about 50 sends a second per bot per tenant: the default keeps a little under it, and more is refused. */
function readCampaign(env: Env): CampaignConfig {
  const installTeamsAppId = readMatching(env, 'CAMPAIGN_INSTALL_TEAMS_APP_ID', /^[0-9a-fA-F-]{36}$/, 'a GUID: the app\'s id in your app catalog', '');
  if (installTeamsAppId && !env.GRAPH_AUTH?.trim()) throw new ConfigError('CAMPAIGN_INSTALL_TEAMS_APP_ID', 'needs Microsoft Graph (GRAPH_AUTH) to install the app');
  return { sendsPerSecond: readInteger(env, 'CAMPAIGN_SENDS_PER_SECOND', 48, 1, 50), ...(installTeamsAppId ? { installTeamsAppId } : {}) };
}

const GRAPH_AUTH_KINDS = ['managedIdentity', 'clientSecret', 'clientCertificate'] as const;
const DIRECTORY_VARIABLES = [
  'DIRECTORY_DEPARTMENT', 'DIRECTORY_GROUP_ID', 'DIRECTORY_GROUP_COMMS', 'DIRECTORY_GROUP_INCIDENT', 'DIRECTORY_GROUP_ADMIN',
  'DIRECTORY_GROUP_SAFEGUARDING', 'DIRECTORY_GROUP_IT_SECURITY',
];

/** Graph and the directory sync: both off unless set; a directory setting without DIRECTORY_SYNC=entra is a mistake said at once. */
function readGraphAndDirectory(env: Env, bot: BotIdentity): Pick<AppConfig, 'graph' | 'directorySync'> {
  const graph = readGraph(env, bot);
  const sync = readEnum(env, 'DIRECTORY_SYNC', ['off', 'entra'] as const, 'off');
  if (sync === 'off') {
    const stray = DIRECTORY_VARIABLES.find((variable) => env[variable]?.trim());
    if (stray) throw new ConfigError(stray, 'has no effect without DIRECTORY_SYNC=entra');
    return graph ? { graph } : {};
  }
  if (!graph) throw new ConfigError('DIRECTORY_SYNC', 'entra needs Microsoft Graph: set GRAPH_AUTH (managedIdentity, clientSecret or clientCertificate)');
  const department = readMatching(env, 'DIRECTORY_DEPARTMENT', /^[^'\n]{1,100}$/, 'a department name of at most 100 characters, without quotes', '');
  const groupId = readGroupId(env, 'DIRECTORY_GROUP_ID');
  if (department && groupId) throw new ConfigError('DIRECTORY_GROUP_ID', 'set either it or DIRECTORY_DEPARTMENT, not both');
  // The Entra group whose members hold each team role (issue 15); a role without one keeps what the directory says.
  const roleGroups: Partial<Record<TeamRole, string>> = {
    comms: readGroupId(env, 'DIRECTORY_GROUP_COMMS'), incident: readGroupId(env, 'DIRECTORY_GROUP_INCIDENT'),
    admin: readGroupId(env, 'DIRECTORY_GROUP_ADMIN'), safeguarding: readGroupId(env, 'DIRECTORY_GROUP_SAFEGUARDING'),
    itSecurity: readGroupId(env, 'DIRECTORY_GROUP_IT_SECURITY'),
  };
  const filter = department ? { department } : groupId ? { groupId } : undefined;
  return {
    graph,
    directorySync: { ...(filter ? { filter } : {}), roleGroups: Object.fromEntries(Object.entries(roleGroups).filter(([, id]) => id)) },
  };
}

function readGroupId(env: Env, variable: string): string {
  return readMatching(env, variable, ENTRA_ID, 'an Entra group object id (a GUID)', '');
}

function readGraph(env: Env, bot: BotIdentity): GraphSettings | undefined {
  const auth = env.GRAPH_AUTH?.trim() ? readEnum(env, 'GRAPH_AUTH', GRAPH_AUTH_KINDS, 'managedIdentity') : undefined;
  if (!auth) {
    const stray = ['GRAPH_CLIENT_SECRET', 'GRAPH_CLIENT_CERTIFICATE_PATH', 'GRAPH_BASE_URL'].find((variable) => env[variable]?.trim());
    if (stray) throw new ConfigError(stray, 'has no effect without GRAPH_AUTH');
    return undefined;
  }
  return { baseUrl: readTrustedUrl(env, 'GRAPH_BASE_URL')?.replace(/\/$/, '') ?? DEFAULT_GRAPH_BASE_URL, credential: readGraphCredential(env, auth, bot) };
}

function readGraphCredential(env: Env, auth: (typeof GRAPH_AUTH_KINDS)[number], bot: BotIdentity): GraphCredentialSettings {
  if (auth === 'managedIdentity') {
    const clientId = env.AZURE_CLIENT_ID?.trim();
    return { kind: 'managedIdentity', ...(clientId ? { clientId } : {}) };
  }
  const tenantId = env.GRAPH_TENANT_ID?.trim() || bot.tenantId;
  const clientId = env.GRAPH_CLIENT_ID?.trim() || bot.appId;
  if (!tenantId) throw new ConfigError('GRAPH_TENANT_ID', `is required for GRAPH_AUTH=${auth} (or MICROSOFT_APP_TENANT_ID)`);
  if (!clientId) throw new ConfigError('GRAPH_CLIENT_ID', `is required for GRAPH_AUTH=${auth} (or MICROSOFT_APP_ID)`);
  if (auth === 'clientSecret') {
    const secret = env.GRAPH_CLIENT_SECRET ?? '';
    if (!secret.trim()) throw new ConfigError('GRAPH_CLIENT_SECRET', 'is required for GRAPH_AUTH=clientSecret');
    return { kind: 'clientSecret', tenantId, clientId, secret };
  }
  const certificatePath = env.GRAPH_CLIENT_CERTIFICATE_PATH?.trim() ?? '';
  if (!certificatePath) throw new ConfigError('GRAPH_CLIENT_CERTIFICATE_PATH', 'is required for GRAPH_AUTH=clientCertificate (a PEM file with the private key and certificate)');
  return { kind: 'clientCertificate', tenantId, clientId, certificatePath };
}

/** An urgent report escalates after at most a day: the policy's 1 working day is the ceiling for any report. */
function readAbuseReportSettings(env: Env): AbuseReportSettings {
  return {
    support: {
      eapUrl: readHttpsUrl(env, 'EAP_URL') ?? DEFAULT_EAP_URL,
      holmesUrl: readHttpsUrl(env, 'HOLMES_URL') ?? DEFAULT_HOLMES_URL,
      // Shown as text on the card: a number only, nothing a reader could mistake for a link or markdown.
      phone: readMatching(env, 'SUPPORT_PHONE', /^\+?[0-9][0-9 ]{5,24}$/, 'a phone number: digits and spaces, optionally starting with +', ''),
    },
    urgentEscalationMinutes: readInteger(env, 'URGENT_ESCALATION_MINUTES', DEFAULT_URGENT_ESCALATION_MINUTES, 5, 1440),
  };
}

/** The benchmark's switches (`npm run bench`); both off unless set. */
function readBench(env: Env, bot: BotIdentity): Pick<AppConfig, 'benchMetrics' | 'connectorPacing'> {
  const benchMetrics = readEnum(env, 'BENCH_METRICS', ['1', '0', 'true', 'false', 'on', 'off'] as const, '0');
  const on = ['1', 'true', 'on'].includes(benchMetrics);
  const connectorPacing = readEnum(env, 'BENCH_CONNECTOR_PACING', ['teams', 'off'] as const, 'teams');
  if (connectorPacing === 'off' && (!on || bot.appId)) {
    throw new ConfigError('BENCH_CONNECTOR_PACING', 'off is only for the benchmark: it needs BENCH_METRICS=1 and no MICROSOFT_APP_ID');
  }
  return { ...(on ? { benchMetrics: true } : {}), ...(connectorPacing === 'off' ? { connectorPacing } : {}) };
}

function readBotIdentity(env: Env): BotIdentity {
  const appId = (env.MICROSOFT_APP_ID ?? env.MicrosoftAppId ?? '').trim();
  const appType = readEnum(env, 'MICROSOFT_APP_TYPE', APP_TYPES, 'SingleTenant');
  const tenantId = (env.MICROSOFT_APP_TENANT_ID ?? '').trim();
  const appPassword = env.MICROSOFT_APP_PASSWORD ?? '';
  if (appId && appType === 'SingleTenant' && !tenantId) {
    throw new ConfigError('MICROSOFT_APP_TENANT_ID', 'is required for a SingleTenant bot');
  }
  return { appId, appPassword, appType, tenantId };
}

function readChannelAuthentication(env: Env, bot: BotIdentity): ChannelAuthentication {
  const openIdMetadataUrl = readTrustedUrl(env, 'BOT_OPENID_METADATA_URL');
  const tokenIssuer = readTrustedUrl(env, 'BOT_TOKEN_ISSUER');
  // Without an app id botbuilder checks no token at all: an override would only suggest it does.
  for (const [variable, value] of [['BOT_OPENID_METADATA_URL', openIdMetadataUrl], ['BOT_TOKEN_ISSUER', tokenIssuer]] as const) {
    if (value && !bot.appId) throw new ConfigError(variable, 'has no effect without MICROSOFT_APP_ID (the bot then checks no tokens)');
  }
  return { ...(openIdMetadataUrl ? { openIdMetadataUrl } : {}), ...(tokenIssuer ? { tokenIssuer } : {}) };
}

/**
 * An https URL, or plain http to a loopback address. Returned as written: an issuer is compared
 * character for character with the token's `iss`, so it must not gain a trailing slash.
 */
function readTrustedUrl(env: Env, variable: string): string | undefined {
  const raw = env[variable]?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname.replace(/^\[(.*)\]$/, '$1')))) {
    throw new ConfigError(variable, 'must be https (plain http only to a loopback address)');
  }
  return raw;
}

/** A link staff open from a card, on their own device: https only, never a loopback test address. */
function readHttpsUrl(env: Env, variable: string): string | undefined {
  const raw = env[variable]?.trim();
  if (!raw) return undefined;
  if (!URL.canParse(raw)) throw new ConfigError(variable, 'is not a URL');
  if (new URL(raw).protocol !== 'https:') throw new ConfigError(variable, 'must be an https link');
  return raw;
}

function readTablesConnection(env: Env): TablesConnection {
  const connectionString = env.AZURE_TABLES_CONNECTION_STRING?.trim();
  const accountUrl = env.AZURE_TABLES_ACCOUNT_URL?.trim();
  if (connectionString && accountUrl) {
    throw new ConfigError('AZURE_TABLES_ACCOUNT_URL', 'set either it or AZURE_TABLES_CONNECTION_STRING, not both');
  }
  if (connectionString) return { kind: 'connectionString', connectionString };
  if (accountUrl) {
    if (!/^https:\/\/[^/\s]+\/?$/.test(accountUrl)) {
      throw new ConfigError('AZURE_TABLES_ACCOUNT_URL', 'must look like https://<account>.table.core.windows.net');
    }
    const clientId = env.AZURE_CLIENT_ID?.trim();
    return { kind: 'accountUrl', accountUrl, ...(clientId ? { managedIdentityClientId: clientId } : {}) };
  }
  return {
    kind: 'embedded',
    port: readPort(env, 'AZURITE_TABLE_PORT', 10002),
    queuePort: readPort(env, 'AZURITE_QUEUE_PORT', 10001),
    dataDir: env.AZURITE_DATA_DIR?.trim() || '.data/azurite',
  };
}

function readWebhook(env: Env): { ainmWebhookUrl?: string } {
  const raw = env.AINM_WEBHOOK_URL?.trim();
  if (!raw) return {};
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('AINM_WEBHOOK_URL', 'is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('AINM_WEBHOOK_URL', 'must be https (plain http only to a loopback address)');
  }
  return { ainmWebhookUrl: url.toString() };
}

function readInteger(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(variable, `"${raw}" must be a whole number from ${min} to ${max}`);
  return value;
}

function readPort(env: Env, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(variable, `"${raw}" is not a port number (0-65535)`);
  }
  return port;
}

function readEnum<T extends string>(env: Env, variable: string, allowed: readonly T[], fallback: T): T {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const match = allowed.find((value) => value.toLowerCase() === raw.toLowerCase());
  if (!match) throw new ConfigError(variable, `"${raw}" is not one of ${allowed.join(', ')}`);
  return match;
}

function readMatching(env: Env, variable: string, pattern: RegExp, expected: string, fallback: string): string {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!pattern.test(raw)) throw new ConfigError(variable, `"${raw}" must be ${expected}`);
  return raw;
}

function readList(env: Env, variable: string): string[] {
  return (env[variable] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}
