import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, TokenCredential } from '@azure/identity';

/** Where the tables live: a connection string (Azurite, or an account key) or an account URL with managed identity. */
export type TablesEndpoint =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'accountUrl'; readonly accountUrl: string; readonly managedIdentityClientId?: string };

/**
 * The tables of DESIGN.md, "Storage". `campaignrecipients` is the policy campaigns' row a person
 * (src/store/campaign-recipients.ts): listed here so that erasure, subject access and the Bicep template reach it.
 */
export const TABLE_NAMES = ['cases', 'inbox', 'timers', 'conversations', 'directory', 'counters', 'idempotency', 'statistics', 'campaignrecipients'] as const;
export type TableName = (typeof TABLE_NAMES)[number];
export type Tables = Readonly<Record<TableName, TableClient>>;

const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * The well-known development-storage connection string for an Azurite table service on a loopback port, naming
 * its queue service too when it runs (campaign fan-out, src/store/campaign-queue.ts).
 */
export function azuriteConnectionString(port: number, host = '127.0.0.1', queuePort?: number): string {
  const queue = queuePort ? `QueueEndpoint=http://${host}:${queuePort}/${AZURITE_ACCOUNT};` : '';
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};${queue}`;
}

/**
 * Opens a client for every table; `prefix` keeps several deployments or test runs apart in one account.
 * `instrument` (the benchmark's call counter, BENCH_METRICS) is told of every call; without it the clients are untouched.
 */
export function openTables(endpoint: TablesEndpoint, prefix = '', instrument?: TableCallHook): Tables {
  const open = (name: TableName): TableClient => openTableClient(endpoint, `${prefix}${name}`);
  const client = (name: TableName) => (instrument ? instrumentTable(open(name), name, instrument) : open(name));
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, client(name)])) as Record<TableName, TableClient>;
}

/** A client for one table of the account (a table outside TABLE_NAMES: the campaigns' recipients). */
export function openTableClient(endpoint: TablesEndpoint, tableName: string): TableClient {
  if (endpoint.kind === 'connectionString') {
    return TableClient.fromConnectionString(endpoint.connectionString, tableName, {
      allowInsecureConnection: endpoint.connectionString.includes('http://'),
    });
  }
  return new TableClient(endpoint.accountUrl, tableName, credentialFor(endpoint));
}

/** The TableClient methods the store uses, each counted once a call by {@link instrumentTable}. */
export const COUNTED_TABLE_METHODS = [
  'getEntity', 'listEntities', 'createEntity', 'updateEntity', 'upsertEntity', 'deleteEntity', 'submitTransaction', 'createTable',
] as const;
/** `listPage` is one page of a `listEntities` query: each page is one round trip, the query itself none. */
export type TableMethod = (typeof COUNTED_TABLE_METHODS)[number] | 'listPage';
export type TableCallHook = (table: TableName, method: TableMethod) => void;

/**
 * Tells `hook` of every call to `client` before making it (the SDK's own retries of a call are not counted).
 * Pages of a query are counted through the SDK's per-page method, which `listEntities` calls on the instance.
 */
export function instrumentTable(client: TableClient, table: TableName, hook: TableCallHook): TableClient {
  const target = client as unknown as Record<string, unknown>;
  const wrap = (property: string, method: TableMethod) => {
    const original = target[property];
    if (typeof original !== 'function') return;
    target[property] = (...args: unknown[]) => {
      hook(table, method);
      return (original as (...callArgs: unknown[]) => unknown).apply(client, args);
    };
  };
  for (const method of COUNTED_TABLE_METHODS) wrap(method, method);
  wrap('_listEntities', 'listPage');
  return client;
}

/** Creates any missing table. Safe to run on every start and from several instances at once. */
export async function ensureTables(tables: Tables): Promise<void> {
  await Promise.all(Object.values(tables).map((table) => table.createTable()));
}

/** True when the table service answers (a 404 for the probe row is an answer): backs GET /readyz. */
export async function tablesReachable(tables: Tables): Promise<boolean> {
  try {
    await tables.cases.getEntity('readiness', 'probe', { abortSignal: AbortSignal.timeout(2000) });
    return true;
  } catch (error) {
    return statusOf(error) === 404;
  }
}

/** 1 if the row was there and is gone, 0 if it was gone already: deletions that may run again stay safe. */
export async function deleteIfThere(table: TableClient, partitionKey: string, rowKey: string): Promise<number> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
    return 1;
  } catch (error) {
    if (statusOf(error) === 404) return 0;
    throw error;
  }
}

/** HTTP status of a storage error, or undefined for anything else (a network failure). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function credentialFor(endpoint: Extract<TablesEndpoint, { kind: 'accountUrl' }>): TokenCredential {
  return endpoint.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: endpoint.managedIdentityClientId })
    : new DefaultAzureCredential();
}
