import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { BotIdentity, ChannelAuthentication } from '../../src/config';
import type { DirectoryPerson } from '../../src/directory/directory';
import { createLogger } from '../../src/logger';
import { createConversationRateLimiter } from '../../src/bot/rate-limit';
import type { DashboardOptions } from '../../src/dashboard/composition';
import { buildRuntime, Runtime, RuntimeOptions } from '../../src/runtime';
import type { Tables } from '../../src/store/tables';
import type { AbuseReportSettings } from '../../src/workflows/abuse-report/settings';
import type { WorkflowModule } from '../../src/cases/definition';
import { freshTables, testConnectionString } from './azurite';
import { CampaignStorage, openCampaignStorage } from '../../src/workflows/campaign/storage';
import type { FanOutSettings } from '../../src/workflows/campaign/fan-out';
import type { GraphSettings } from '../../src/graph/settings';
import type { GraphTokenProvider } from '../../src/graph/token';
import { ConnectorStandIn } from './connector';

export const TENANT = '11111111-2222-3333-4444-555555555555';
const BOT = { id: '28:desk-bot', name: 'Social Media Desk' };

/** The people of the test organisation. Ids are Entra ID object ids. */
export const PEOPLE = {
  alex: { id: 'aad-alex', name: 'Alex Wilber', managerId: 'aad-megan', roles: [] },
  megan: { id: 'aad-megan', name: 'Megan Bowen', managerId: 'aad-isaiah', roles: [] },
  adele: { id: 'aad-adele', name: 'Adele Vance', managerId: 'aad-isaiah', roles: ['comms'] },
  patti: { id: 'aad-patti', name: 'Patti Fernandez', managerId: 'aad-isaiah', roles: ['comms', 'admin'] },
  isaiah: { id: 'aad-isaiah', name: 'Isaiah Langer', roles: ['incident'] },
  stranger: { id: 'aad-stranger', name: 'Sam Stranger', roles: [] },
} satisfies Record<string, DirectoryPerson>;
export type PersonKey = keyof typeof PEOPLE;

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface BotHarnessOptions {
  readonly now?: () => Date;
  readonly bot?: Partial<BotIdentity>;
  /** Where inbound tokens are checked (a local OpenID document in tests); only used with an app id. */
  readonly channelAuth?: ChannelAuthentication;
  readonly allowedTenantIds?: readonly string[];
  readonly people?: readonly DirectoryPerson[];
  /** Where AINM records are POSTed (a local receiver in tests). */
  readonly ainmWebhookUrl?: string;
  /**
   * Tables to run the bot on (already created), instead of fresh ones on the shared test Azurite: e.g. on a
   * dedicated Azurite process that a test stops and restarts. `prefix` is reported as `tablePrefix`.
   */
  readonly tables?: { readonly tables: Tables; readonly prefix: string };
  /** How long one Bot Connector request may take (the runtime's default otherwise): tests of hanging sends. */
  readonly connectorTimeoutMs?: number;
  /** Support links and the urgent escalation, as the environment would set them (the defaults otherwise). */
  readonly abuseReport?: AbuseReportSettings;
  /** The workflows to run, instead of those `src/workflows/index.ts` lists (a test's own workflow beside them). */
  readonly workflows?: readonly WorkflowModule[];
  /** The dashboard tab's identity check: its domain and the keys its tokens are signed with (a local key set in tests). */
  readonly dashboard?: DashboardOptions;
  /** The directory sync from Entra ID: a Graph stand-in's address and token, the settings, the campaign enrolment. */
  readonly directorySync?: Pick<RuntimeOptions, 'graph' | 'graphToken' | 'directorySync' | 'newStarters'>;
  /** Policy campaigns' fan-out settings (the queue and recipients table are always there, beside fresh tables). */
  readonly campaign?: Partial<FanOutSettings>;
  /** Installing the app for campaign recipients without it: a Graph stand-in's address and token, and the catalog app id. */
  readonly campaignInstall?: { readonly graph: GraphSettings; readonly graphToken: GraphTokenProvider; readonly teamsAppId: string };
}

/**
 * The real bot (restify + CloudAdapter + teams-ai + Azure Tables on Azurite) on a loopback port, with a
 * local Bot Connector stand-in receiving what it sends. Tests talk to it over HTTP like Teams does.
 */
export class BotHarness {
  readonly connector = new ConnectorStandIn();
  readonly logLines: string[] = [];
  runtime!: Runtime;
  tables!: Tables;
  /** The prefix of this harness's tables, for tools run beside the bot (TABLE_PREFIX). */
  tablePrefix = '';
  /** The campaigns' queue and recipients table (test/campaign). */
  campaignStorage?: CampaignStorage;
  private baseUrl = '';
  private activityCounter = 0;
  private clockOffsetMs = 0;

  constructor(private readonly options: BotHarnessOptions = {}) {}

  async start(): Promise<this> {
    await this.connector.start();
    const fresh = this.options.tables ?? await freshTables();
    this.tables = fresh.tables;
    this.tablePrefix = fresh.prefix;
    const logs = this.logLines;
    const sink = new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } });
    // Campaigns fan out through the test Azurite's queue service, under this harness's own prefix.
    const campaigns = this.options.tables ? undefined : await openCampaignStorage({
      endpoint: { kind: 'connectionString', connectionString: testConnectionString() }, prefix: this.tablePrefix, logger: createLogger('silent'),
      settings: { idleMillis: 50, ...this.options.campaign },
      ...(this.options.campaignInstall ? { graph: this.options.campaignInstall.graph, graphToken: this.options.campaignInstall.graphToken, installTeamsAppId: this.options.campaignInstall.teamsAppId } : {}),
    });
    this.campaignStorage = campaigns;
    this.runtime = buildRuntime({
      ...(campaigns ? { campaigns } : {}),
      tables: this.tables,
      bot: { appId: '', appPassword: '', appType: 'SingleTenant', tenantId: '', ...this.options.bot },
      ...(this.options.channelAuth ? { channelAuth: this.options.channelAuth } : {}),
      allowedTenantIds: this.options.allowedTenantIds ?? [],
      closureDays: [],
      // The pacing itself is tested in test/unit/rate-limit.test.ts; here bursts must not wait real seconds.
      rateLimiter: createConversationRateLimiter({ limits: [] }),
      ...(this.options.ainmWebhookUrl ? { ainmWebhookUrl: this.options.ainmWebhookUrl } : {}),
      ...(this.options.connectorTimeoutMs ? { connectorTimeoutMs: this.options.connectorTimeoutMs } : {}),
      ...(this.options.abuseReport ? { abuseReport: this.options.abuseReport } : {}),
      ...(this.options.workflows ? { workflows: this.options.workflows } : {}),
      ...(this.options.dashboard ? { dashboard: this.options.dashboard } : {}),
      ...this.options.directorySync,
      logger: createLogger('debug', sink),
      now: () => new Date((this.options.now?.() ?? new Date()).getTime() + this.clockOffsetMs),
    });
    await this.runtime.directory.replaceAll(this.options.people ?? Object.values(PEOPLE));
    await new Promise<void>((resolve) => this.runtime.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.runtime.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.idle();
    await new Promise<void>((resolve) => this.runtime.server.close(() => resolve()));
    await this.connector.stop();
  }

  /** Moves the bot's clock on (retries wait, timers come due). */
  advanceClock(millis: number): void {
    this.clockOffsetMs += millis;
  }

  /** Waits until every notification and card update started by earlier turns is done. */
  async idle(): Promise<void> {
    await this.runtime.relay.idle();
  }

  personalConversation(person: PersonKey): string {
    return `personal-${PEOPLE[person].id}`;
  }

  async post(path: string, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST', headers: { 'Content-Type': contentType, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? safeJson(text) : undefined };
  }

  /** The bot's address (http://127.0.0.1:<port>), for requests with headers of their own. */
  get url(): string {
    return this.baseUrl;
  }

  async get(path: string): Promise<HttpAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`);
    const text = await response.text();
    return { status: response.status, body: text ? safeJson(text) : undefined };
  }

  /** The activity Teams would send from this person in their 1:1 chat with the bot. */
  activity(person: PersonKey, fields: Record<string, unknown>): Record<string, unknown> {
    const who = PEOPLE[person];
    return {
      id: `activity-${++this.activityCounter}-${randomUUID().slice(0, 8)}`,
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      conversation: { id: this.personalConversation(person), conversationType: 'personal', tenantId: TENANT },
      from: { id: `29:${who.id}`, aadObjectId: who.id, name: who.name },
      recipient: BOT,
      channelData: { tenant: { id: TENANT } },
      ...fields,
    };
  }

  async say(person: PersonKey, text: string): Promise<HttpAnswer> {
    return this.post('/api/messages', this.activity(person, { type: 'message', text }));
  }

  async install(person: PersonKey): Promise<HttpAnswer> {
    return this.post('/api/messages', this.activity(person, { type: 'installationUpdate', action: 'add' }));
  }

  /** Presses an Action.Execute button; returns the card Teams would show in place of the clicked one. */
  async click(person: PersonKey, verb: string, data: Record<string, unknown>, replyToId = 'card-msg'): Promise<{ status: number; card: CardJson }> {
    const answer = await this.post('/api/messages', this.activity(person, {
      type: 'invoke', name: 'adaptiveCard/action', replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }));
    const body = answer.body as { statusCode?: number; type?: string; value?: CardJson } | undefined;
    if (answer.status !== 200 || body?.type !== 'application/vnd.microsoft.card.adaptive' || !body.value) {
      throw new Error(`invoke ${verb} answered ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return { status: answer.status, card: body.value };
  }

  /**
   * Presses a button whose answer leaves the clicked card as it is (Teams shows a short message instead) and sends
   * a card as a new message: a form opened from a case card. Returns that message's text.
   */
  async clickKeepingCard(person: PersonKey, verb: string, data: Record<string, unknown>, replyToId = 'card-msg'): Promise<string> {
    const answer = await this.post('/api/messages', this.activity(person, {
      type: 'invoke', name: 'adaptiveCard/action', replyToId,
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    }));
    const body = answer.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
    if (answer.status !== 200 || body?.type !== 'application/vnd.microsoft.activity.message' || typeof body.value !== 'string') {
      throw new Error(`invoke ${verb} answered ${answer.status} ${JSON.stringify(answer.body)}, not a message keeping the card`);
    }
    return body.value;
  }

  /** The newest card the bot sent or updated in this person's chat. */
  lastCardFor(person: PersonKey): CardJson | undefined {
    return this.connector.cardsIn(this.personalConversation(person)).at(-1) as CardJson | undefined;
  }
}

export type CardJson = Record<string, unknown>;

/** All text a person would read on a card (TextBlock, TextRun, fact titles), joined. */
export function cardText(card: unknown): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if ((element.type === 'TextBlock' || element.type === 'TextRun') && typeof element.text === 'string') texts.push(element.text);
    Object.values(element).forEach(walk);
  };
  walk(card);
  return texts.join('\n');
}

/** The verbs of every Action.Execute button on a card (not the refresh action). */
export function buttonVerbs(card: unknown): string[] {
  const verbs: string[] = [];
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item));
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (key !== 'refresh' && element.type === 'Action.Execute' && typeof element.verb === 'string') verbs.push(element.verb);
    for (const [childKey, value] of Object.entries(element)) if (childKey !== 'refresh') walk(value, childKey);
  };
  walk(card);
  return verbs;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
