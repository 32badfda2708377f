import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readConfig } from '../../src/config';
import { TABLE_NAMES } from '../../src/store/tables';
import { DEFAULT_STAGE_DIR } from '../../scripts/stage-webapp';
import {
  appSettings, blockAt, objectsIn, onlyResource, parseBicep, property, quotedStrings, resourcesOfType,
} from './bicep-text';

/**
 * The production environment, checked without a Bicep compiler (none can be installed from the npm registry
 * or Debian): infra/azure.bicep read as text, against what the bot actually reads (src/config.ts) and
 * stores (src/store/tables.ts), and the Microsoft 365 Agents Toolkit files (teamsapp.yml, read by `atk`) that deploy it.
 */
const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const BICEP = 'infra/azure.bicep';
const PARAMETERS = 'infra/azure.parameters.json';
const template = parseBicep(read(BICEP));
const parameterValues = (JSON.parse(read(PARAMETERS)) as { parameters: Record<string, { value?: unknown; reference?: unknown }> }).parameters;

/** Read by src/config.ts but never set by the template, each for a reason. */
const NOT_IN_PRODUCTION: Readonly<Record<string, string>> = {
  AZURITE_TABLE_PORT: 'the embedded emulator, local only',
  AZURITE_DATA_DIR: 'the embedded emulator, local only',
  AZURITE_QUEUE_PORT: 'the embedded emulator, local only',
  CAMPAIGN_INSTALL_TEAMS_APP_ID: 'the app\'s id in the organisation\'s catalog exists only once the app is published, and installing needs Graph admin consent: set by hand afterwards (README, Configuration)',
  AZURE_TABLES_CONNECTION_STRING: 'production reads the tables with the managed identity (AZURE_TABLES_ACCOUNT_URL), never with an account key',
  MICROSOFT_APP_PASSWORD: 'the bot authenticates with its managed identity (UserAssignedMSI): there is no password',
  MicrosoftAppId: 'legacy spelling of MICROSOFT_APP_ID, which the template sets',
  BOT_OPENID_METADATA_URL: 'unset in the public Azure cloud, where botbuilder\'s defaults are right; only for a sovereign cloud or tests',
  BOT_TOKEN_ISSUER: 'unset in the public Azure cloud, where botbuilder\'s defaults are right; only for a sovereign cloud or tests',
  BENCH_METRICS: 'set only by `npm run bench`, to count table calls',
  BENCH_CONNECTOR_PACING: 'set only by `npm run bench`; config refuses it with an app id',
  GRAPH_TENANT_ID: 'Graph is reached with the managed identity (GRAPH_AUTH=managedIdentity): no app registration, no tenant to name',
  GRAPH_CLIENT_ID: 'Graph is reached with the managed identity, whose client id is AZURE_CLIENT_ID',
  GRAPH_CLIENT_SECRET: 'Graph is reached with the managed identity: there is no secret',
  GRAPH_CLIENT_CERTIFICATE_PATH: 'Graph is reached with the managed identity: there is no certificate',
  GRAPH_BASE_URL: 'unset in the public Azure cloud (https://graph.microsoft.com/v1.0); only for a national cloud or tests',
};
/** Read by src/config.ts, optional in production: the template sets them only when their parameter is given. */
const OPTIONAL_IN_PRODUCTION = ['TABLE_PREFIX', 'CLOSURE_DAYS', 'AINM_WEBHOOK_URL'];

/** Read by App Service, Application Insights or the deployment, not by the bot. */
const PLATFORM_SETTINGS = ['WEBSITES_PORT', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'ApplicationInsightsAgent_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'SCM_DO_BUILD_DURING_DEPLOYMENT'];

/** Every environment variable name src/config.ts reads: `env.X`, `env['X']`, `readSomething(env, 'X', ...)`. */
function variablesReadByConfig(): Set<string> {
  const source = read('src/config.ts');
  const names = new Set<string>();
  for (const match of source.matchAll(/\benv\.([A-Za-z_]\w*)/g)) names.add(match[1]!);
  for (const match of source.matchAll(/\benv\[\s*'([A-Za-z_]\w*)'\s*\]/g)) names.add(match[1]!);
  for (const match of source.matchAll(/\bread[A-Z]\w*\(\s*env\s*,\s*'([A-Za-z_]\w*)'/g)) names.add(match[1]!);
  return names;
}

const webApp = onlyResource(template, 'Microsoft.Web/sites');
const settings = appSettings(template, webApp);
const identity = onlyResource(template, 'Microsoft.ManagedIdentity/userAssignedIdentities');
const storage = onlyResource(template, 'Microsoft.Storage/storageAccounts');

/** The text without `//` and `#` comment lines, which may name old versions on purpose. */
function stripNodeComments(text: string): string {
  return text.split('\n').filter((line) => !/^\s*(\/\/|#)/.test(line)).join('\n');
}

/** The diagnostic setting whose scope is `scope` (a resource's symbol). */
function diagnosticsOf(scope: string) {
  const found = resourcesOfType(template, 'Microsoft.Insights/diagnosticSettings').filter((setting) => property(setting.body, 'scope') === scope);
  assert.equal(found.length, 1, `one diagnostic setting on ${scope}`);
  return found[0]!;
}

/** The categories a diagnostic setting enables under `logs` or `metrics`. */
function enabledCategories(body: string, kind: 'logs' | 'metrics'): string[] {
  const start = body.search(new RegExp(`\\b${kind}:\\s*\\[`));
  if (start < 0) return [];
  return objectsIn(blockAt(body, body.indexOf('[', start)))
    .filter((entry) => property(entry, 'enabled') === 'true')
    .map((entry) => literal(property(entry, 'category')) ?? '');
}

/** A property's value with its quotes removed, or the raw expression. */
function literal(value: string | undefined): string | undefined {
  return value?.match(/^'([^']*)'$/)?.[1] ?? value;
}

// ---------------------------------------------------------------------------------------------------
// A tiny evaluator for the app settings' expressions, with sample values for what Azure decides.

const SAMPLE = {
  clientId: '11111111-1111-4111-8111-111111111111',
  principalId: '33333333-3333-4333-8333-333333333333',
  tenantId: '22222222-2222-4222-8222-222222222222',
  placeholder: 'x1y2z3',
  /** What aadApp/create writes into AAD_APP_CLIENT_ID before arm/deploy: the dashboard's app registration. */
  dashboardClientId: '44444444-4444-4444-8444-444444444444',
};
/** Placeholders whose value must look like the real one (src/config.ts checks it), by name. */
const PLACEHOLDER_SAMPLES: Readonly<Record<string, string>> = { AAD_APP_CLIENT_ID: SAMPLE.dashboardClientId };
type Value = string | number | boolean;

function evaluate(expression: string, overrides: Readonly<Record<string, Value>>): Value {
  const expr = expression.trim();
  const ternary = splitTopLevel(expr, ['?', ':']);
  if (ternary) return truthy(evaluate(ternary[0], overrides)) ? evaluate(ternary[1], overrides) : evaluate(ternary[2], overrides);
  if (/^'(?:[^'\\]|\\.)*'$/s.test(expr)) {
    return expr.slice(1, -1).replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => String(evaluate(inner, overrides)));
  }
  if (/^-?\d+$/.test(expr)) return Number(expr);
  if (expr === 'true' || expr === 'false') return expr === 'true';
  const known: Record<string, Value> = {
    'environment().suffixes.storage': 'core.windows.net',
    'subscription().tenantId': SAMPLE.tenantId,
    'tenant().tenantId': SAMPLE.tenantId,
    'resourceGroup().id': '/subscriptions/0000/resourceGroups/rg-sample',
    'resourceGroup().location': 'uksouth',
  };
  if (expr in known) return known[expr]!;
  const call = expr.match(/^(\w+)\(([\s\S]*)\)$/);
  if (call && blockAt(expr, expr.indexOf('(')).length === expr.length - expr.indexOf('(')) {
    const args = splitArguments(call[2]!).map((arg) => evaluate(arg, overrides));
    switch (call[1]) {
      case 'empty': return args[0] === '';
      case 'string': return String(args[0]);
      case 'uniqueString': return 'abcdefghijklm';
      case 'toLower': return String(args[0]).toLowerCase();
      default: throw new Error(`the test cannot evaluate ${call[1]}(): ${expr}`);
    }
  }
  const member = expr.match(/^(\w+)\.(properties\.)?(\w+)$/);
  if (member) {
    const resource = template.resources.find((candidate) => candidate.symbol === member[1]);
    if (!resource) throw new Error(`unknown resource ${member[1]} in ${expr}`);
    const name = member[3]!;
    if (name === 'clientId' || name === 'principalId' || name === 'tenantId') return SAMPLE[name];
    if (name === 'ConnectionString') return 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth.in.applicationinsights.azure.com/';
    if (name === 'defaultHostName') return `${String(evaluate('resourceBaseName', overrides))}.azurewebsites.net`;
    if (name === 'id') return `/subscriptions/0000/resourceGroups/rg-sample/providers/${resource.type}/${member[1]}`;
    throw new Error(`the test has no sample for ${expr}`);
  }
  if (/^\w+$/.test(expr)) {
    if (expr in overrides) return overrides[expr]!;
    const param = template.params.get(expr);
    if (param) {
      const given = parameterValues[expr]?.value;
      if (given !== undefined) return typeof given === 'string' ? given.replace(/\$\{\{(\w+)\}\}/g, (_whole, name: string) => PLACEHOLDER_SAMPLES[name] ?? SAMPLE.placeholder) : given as Value;
      if (param.defaultValue === undefined) throw new Error(`parameter ${expr} has no value`);
      return evaluate(param.defaultValue, overrides);
    }
    const variable = template.vars.get(expr);
    if (variable !== undefined) return evaluate(variable, overrides);
  }
  throw new Error(`the test cannot evaluate: ${expr}`);
}

function truthy(value: Value): boolean {
  return value !== false && value !== '' && value !== 0;
}

/** Splits `a ? b : c` at the top level (outside brackets and strings), or undefined. */
function splitTopLevel(expr: string, separators: [string, string]): [string, string, string] | undefined {
  const positions: number[] = [];
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (ch === "'") {
      for (i++; i < expr.length && expr[i] !== "'"; i++) if (expr[i] === '\\') i++;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (depth === 0 && ch === separators[positions.length]) positions.push(i);
  }
  if (positions.length !== 2) return undefined;
  return [expr.slice(0, positions[0]), expr.slice(positions[0]! + 1, positions[1]), expr.slice(positions[1]! + 1)];
}

function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'") {
      for (i++; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.trim()) args.push(text.slice(start));
  return args;
}

/** The Web App's environment as src/config.ts would see it, with sample values for what Azure decides. */
function productionEnvironment(overrides: Readonly<Record<string, Value>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of settings) env[name] = String(evaluate(value, overrides));
  return env;
}

// ---------------------------------------------------------------------------------------------------

describe('infra/azure.bicep: the production environment', () => {
  it('sets every environment variable src/config.ts reads, except the ones production must not set', () => {
    const read = variablesReadByConfig();
    // The regexes still find the variables: a refactor of config.ts that hid them would make this test vacuous.
    for (const known of ['MICROSOFT_APP_ID', 'MICROSOFT_APP_TYPE', 'AZURE_TABLES_ACCOUNT_URL', 'AZURE_CLIENT_ID', 'HOST', 'PORT', 'LOG_LEVEL']) {
      assert.ok(read.has(known), `expected src/config.ts to read ${known}; found ${[...read].join(', ')}`);
    }
    const missing = [...read].filter((name) => !(name in NOT_IN_PRODUCTION) && !settings.has(name));
    assert.deepEqual(missing, [], `src/config.ts reads ${missing.join(', ')} but the Web App's app settings in ${BICEP} do not set it (set it, or add it to NOT_IN_PRODUCTION with the reason)`);
  });

  it('sets nothing src/config.ts does not read, except the App Service platform\'s own settings (a misspelt name would be ignored silently)', () => {
    const read = variablesReadByConfig();
    const unread = [...settings.keys()].filter((name) => !read.has(name) && !PLATFORM_SETTINGS.includes(name));
    assert.deepEqual(unread, [], `${BICEP} sets ${unread.join(', ')}, which src/config.ts does not read`);
  });

  it('keeps the not-in-production list honest: each is still read by src/config.ts and none is set', () => {
    const read = variablesReadByConfig();
    for (const name of Object.keys(NOT_IN_PRODUCTION)) {
      assert.ok(read.has(name), `${name} is listed in NOT_IN_PRODUCTION but src/config.ts no longer reads it`);
      assert.ok(!settings.has(name), `${name} must not be set in production: ${NOT_IN_PRODUCTION[name]}`);
    }
    for (const name of OPTIONAL_IN_PRODUCTION) assert.ok(read.has(name), `${name} is not read by src/config.ts any more`);
  });

  it('gives the bot a configuration src/config.ts accepts: managed identity for the bot and the tables, on 0.0.0.0', () => {
    const env = productionEnvironment();
    const config = readConfig(env);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(String(config.port), env.WEBSITES_PORT, 'PORT and WEBSITES_PORT must agree');
    assert.deepEqual(config.bot, { appId: SAMPLE.clientId, appPassword: '', appType: 'UserAssignedMSI', tenantId: SAMPLE.tenantId });
    assert.deepEqual(config.tables, {
      kind: 'accountUrl', accountUrl: 'https://stabcdefghijklm.table.core.windows.net', managedIdentityClientId: SAMPLE.clientId,
    });
    assert.deepEqual(config.allowedTenantIds, [SAMPLE.tenantId], 'by default only the subscription\'s tenant is allowed');
    assert.equal(config.dashboardClientId, SAMPLE.dashboardClientId, 'the dashboard\'s SSO audience is its own app registration');
    assert.equal(config.botDomain, `smdesk${SAMPLE.placeholder}.azurewebsites.net`);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.ainmRetentionYears, 3);
    assert.equal(config.tablePrefix, '');
    assert.equal(config.ainmWebhookUrl, undefined);
    assert.equal(env.ACCESS_REQUEST_RETENTION_MONTHS, '24');
    assert.equal(env.TAKEDOWN_RETENTION_MONTHS, '24');
  });

  it('passes the optional settings through when their parameters are given', () => {
    const config = readConfig(productionEnvironment({
      tablePrefix: 'smdprod', closureDays: '2026-12-24,2026-12-31', ainmWebhookUrl: 'https://ainm.example.org/hook',
      allowedTenantIds: 'aaaa,bbbb', logLevel: 'warn', ainmRetentionYears: 6,
      accessRequestRetentionMonths: 36, takedownRetentionMonths: 12,
    }));
    assert.equal(config.tablePrefix, 'smdprod');
    assert.deepEqual(config.closureDays, ['2026-12-24', '2026-12-31']);
    assert.equal(config.ainmWebhookUrl, 'https://ainm.example.org/hook');
    assert.deepEqual(config.allowedTenantIds, ['aaaa', 'bbbb']);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.ainmRetentionYears, 6);
    assert.equal(config.accessRequestRetentionMonths, 36);
    assert.equal(config.takedownRetentionMonths, 12);
    for (const [param, setting] of [['accessRequestRetentionMonths', 'ACCESS_REQUEST_RETENTION_MONTHS'], ['takedownRetentionMonths', 'TAKEDOWN_RETENTION_MONTHS']] as const) {
      assert.equal(settings.get(setting), `string(${param})`);
      const declared = template.params.get(param);
      assert.deepEqual([declared?.defaultValue, declared?.minValue, declared?.maxValue], ['24', 1, 120], `${param}: default 24, 1 to 120 months, as src/config.ts`);
    }
    for (const name of OPTIONAL_IN_PRODUCTION) {
      const array = [...template.vars.values()].find((value) => value.includes(`'${name}'`));
      assert.ok(array && /^empty\(\w+\)\s*\?\s*\[\]\s*:/.test(array), `${name} should be set only when its parameter is not empty`);
    }
  });

  it('puts no storage key, connection string or password anywhere', () => {
    for (const forbidden of [/listKeys\s*\(/i, /\blistAccountSas\s*\(/i, /AccountKey=/i, /SharedAccessSignature/i, /MICROSOFT_APP_PASSWORD/, /AZURE_TABLES_CONNECTION_STRING/]) {
      assert.doesNotMatch(template.text, forbidden, `${BICEP} must not use ${forbidden}`);
    }
    assert.doesNotMatch(template.text, /\bclientSecret\b|\bpassword\b/i);
    assert.ok(!/@secure\(\)/.test(template.text), 'no secret parameter is needed');
  });

  it('creates every table in TABLE_NAMES, with the table prefix', () => {
    const tables = onlyResource(template, 'Microsoft.Storage/storageAccounts/tableServices/tables');
    const loop = tables.body.match(/^\[\s*for\s+(\w+)\s+in\s+(\w+)\s*:/);
    assert.ok(loop, 'the tables resource should loop over a list of names');
    const names = quotedStrings(template.vars.get(loop[2]!) ?? '');
    assert.deepEqual([...names].sort(), [...TABLE_NAMES].sort(), `${loop[2]} must list exactly src/store/tables.ts TABLE_NAMES`);
    assert.equal(property(tables.body, 'name'), `'\${tablePrefix}\${${loop[1]}}'`, 'each table is named <tablePrefix><name>, as openTables() does');
    assert.equal(settings.get('TABLE_PREFIX'), 'tablePrefix', 'the bot gets the same prefix');
    const parent = property(tables.body, 'parent');
    const tableService = onlyResource(template, 'Microsoft.Storage/storageAccounts/tableServices');
    assert.equal(parent, tableService.symbol);
    assert.equal(property(tableService.body, 'parent'), storage.symbol);
    assert.equal(template.params.get('tablePrefix')?.maxLength, 31, 'src/config.ts allows at most 31 characters');
  });

  it('locks the storage account down: StorageV2, TLS 1.2, HTTPS only, no shared keys, no public blob access', () => {
    assert.equal(literal(property(storage.body, 'kind')), 'StorageV2');
    assert.equal(literal(property(storage.body, 'minimumTlsVersion')), 'TLS1_2');
    assert.equal(property(storage.body, 'allowSharedKeyAccess'), 'false');
    assert.equal(property(storage.body, 'allowBlobPublicAccess'), 'false');
    assert.equal(property(storage.body, 'supportsHttpsTrafficOnly'), 'true');
  });

  it('lets the managed identity use the tables and the campaign queue: Storage Table and Queue Data Contributor on the storage account', () => {
    const roleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
    const queueRoleId = '974c5e8b-45b9-4653-ba55-5f855dd0fb88';
    const assignments = resourcesOfType(template, 'Microsoft.Authorization/roleAssignments');
    const roleOf = (assignment: (typeof assignments)[number]) => {
      const roleDefinition = property(assignment.body, 'roleDefinitionId') ?? '';
      const variable = roleDefinition.match(/'Microsoft\.Authorization\/roleDefinitions',\s*(\w+)\)/)?.[1];
      return variable ? literal(template.vars.get(variable)) : roleDefinition;
    };
    const forIdentity = assignments.filter((assignment) => property(assignment.body, 'principalId') === `${identity.symbol}.properties.principalId`);
    assert.deepEqual(forIdentity.map(roleOf).sort(), [roleId, queueRoleId].sort(), 'the table role and the queue role for the managed identity');
    for (const assignment of forIdentity) assert.equal(property(assignment.body, 'scope'), storage.symbol, 'scoped to the storage account');
    const assignment = forIdentity.find((candidate) => roleOf(candidate) === roleId)!;
    assert.equal(property(assignment.body, 'scope'), storage.symbol, 'scoped to the storage account, not the resource group');
    assert.equal(literal(property(assignment.body, 'principalType')), 'ServicePrincipal');
    assert.match(property(assignment.body, 'name') ?? '', /^guid\(/, 'a deterministic name, so provisioning again is idempotent');
    // Every role assignment in the template is the table or the queue role: nothing broader (Owner, account keys, ...).
    for (const other of assignments) assert.ok([roleId, queueRoleId].includes(roleOf(other) ?? ''), `${property(other.body, 'roleDefinitionId')}`);
  });

  it('runs the web app on Linux Node 22 LTS with Always On, HTTPS only, no FTP, TLS 1.2, the built entry point and /healthz', () => {
    assert.equal(literal(property(webApp.body, 'linuxFxVersion')), 'NODE|22-lts', 'Node 20 reaches end of life in April 2026');
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    assert.match(engines, /(^|\|\|)\s*>=\s*22\b/, 'package.json "engines" admits the runtime the template deploys');
    for (const file of [BICEP, 'teamsapp.yml', 'scripts/stage-webapp.ts']) {
      assert.doesNotMatch(stripNodeComments(read(file)), /NODE\|20|WEBSITE_NODE_DEFAULT_VERSION['"]?\s*[,:]\s*['"]~?20|node-version:\s*['"]?20/i, `${file} pins Node 20`);
    }
    assert.equal(property(webApp.body, 'alwaysOn'), 'true', 'the scheduler runs in the bot process: App Service must not unload it');
    assert.equal(property(webApp.body, 'httpsOnly'), 'true');
    assert.equal(literal(property(webApp.body, 'ftpsState')), 'Disabled');
    assert.equal(literal(property(webApp.body, 'minTlsVersion')), '1.2');
    assert.equal(property(webApp.body, 'clientAffinityEnabled'), 'false', 'stateless instances: no sticky sessions');
    const main = (JSON.parse(read('package.json')) as { main: string }).main;
    // The heap cap of the bot's own start command (bench/NOTES.md, "Memory"), so App Service runs the bot as measured.
    const startBot = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start:bot'] ?? '';
    const heapCap = /--max-old-space-size=\d+/.exec(startBot)?.[0];
    assert.ok(heapCap, 'package.json "start:bot" caps V8\'s old generation');
    assert.equal(literal(property(webApp.body, 'appCommandLine')), `node ${heapCap} ${main}`, 'start the package\'s main, the built src/index.ts, with the heap cap of "start:bot"');
    assert.equal(main, 'dist/src/index.js');
    assert.ok(existsSync(path.join(root, 'src', 'index.ts')));
    const health = literal(property(webApp.body, 'healthCheckPath'));
    assert.equal(health, '/healthz');
    assert.match(read('src/server.ts'), new RegExp(`server\\.get\\('${health}'`), 'the health check path is served by src/server.ts');
    assert.equal(literal(property(webApp.body, 'type')), 'UserAssigned');
    assert.match(webApp.body, new RegExp(`'\\$\\{${identity.symbol}\\.id\\}'\\s*:\\s*\\{\\s*\\}`), 'the web app runs as the user-assigned identity');
    const plan = onlyResource(template, 'Microsoft.Web/serverfarms');
    assert.equal(property(plan.body, 'reserved'), 'true', 'a Linux plan');
    assert.equal(property(plan.body, 'capacity'), 'instanceCount');
    assert.equal(property(webApp.body, 'serverFarmId'), `${plan.symbol}.id`);
    const planSku = template.params.get('webAppSku');
    assert.ok(planSku?.allowed?.every((sku) => !/^(F1|D1|FREE|SHARED)$/i.test(sku)), 'Free and Shared plans have no Always On');
  });

  it('registers the bot with the user-assigned identity (not MultiTenant) and the Teams channel', () => {
    const bot = onlyResource(template, 'Microsoft.BotService/botServices');
    assert.equal(literal(property(bot.body, 'kind')), 'azurebot');
    const appType = literal(property(bot.body, 'msaAppType'));
    assert.notEqual(appType, 'MultiTenant', 'new multi-tenant bot registrations are deprecated');
    assert.equal(appType, 'UserAssignedMSI');
    assert.equal(literal(settings.get('MICROSOFT_APP_TYPE')), appType, 'the bot and the registration agree on the app type');
    assert.equal(property(bot.body, 'msaAppId'), `${identity.symbol}.properties.clientId`);
    assert.equal(settings.get('MICROSOFT_APP_ID'), `${identity.symbol}.properties.clientId`);
    assert.equal(settings.get('AZURE_CLIENT_ID'), `${identity.symbol}.properties.clientId`);
    assert.equal(property(bot.body, 'msaAppMSIResourceId'), `${identity.symbol}.id`);
    assert.equal(property(bot.body, 'msaAppTenantId'), `${identity.symbol}.properties.tenantId`);
    assert.equal(property(bot.body, 'endpoint'), `'https://\${${webApp.symbol}.properties.defaultHostName}/api/messages'`);
    assert.match(read('src/server.ts'), /server\.post\('\/api\/messages'/);
    const skuParam = bot.body.match(/sku:\s*\{\s*name:\s*(\w+)/)?.[1];
    assert.deepEqual(template.params.get(skuParam ?? '')?.allowed, ['F0', 'S1'], 'the bot tier is a parameter: F0 or S1');
    const channel = onlyResource(template, 'Microsoft.BotService/botServices/channels');
    assert.equal(property(channel.body, 'parent'), bot.symbol);
    assert.equal(literal(property(channel.body, 'channelName')), 'MsTeamsChannel');
  });

  it('sends telemetry to workspace-based Application Insights and the console logs to the workspace', () => {
    const insights = onlyResource(template, 'Microsoft.Insights/components');
    const workspace = onlyResource(template, 'Microsoft.OperationalInsights/workspaces');
    assert.equal(property(insights.body, 'WorkspaceResourceId'), `${workspace.symbol}.id`);
    assert.equal(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING'), `${insights.symbol}.properties.ConnectionString`);
    const diagnostics = diagnosticsOf(webApp.symbol);
    assert.equal(property(diagnostics.body, 'workspaceId'), `${workspace.symbol}.id`);
    // The "no heartbeat" and "scheduler stalled" alerts read the console logs; the HTTP logs show the 5xx.
    assert.deepEqual(enabledCategories(diagnostics.body, 'logs').filter((category) => /Console|HTTP/.test(category)), ['AppServiceConsoleLogs', 'AppServiceHTTPLogs']);
  });

  it('outputs what the Agents Toolkit, the manifest and deploy need', () => {
    const outputs = template.outputs;
    assert.equal(outputs.get('BOT_ID')?.value, `${identity.symbol}.properties.clientId`);
    assert.equal(outputs.get('BOT_DOMAIN')?.value, `${webApp.symbol}.properties.defaultHostName`);
    assert.equal(outputs.get('BOT_AZURE_APP_SERVICE_RESOURCE_ID')?.value, `${webApp.symbol}.id`);
    assert.equal(outputs.get('AZURE_TABLES_ACCOUNT_URL')?.value, settings.get('AZURE_TABLES_ACCOUNT_URL'));
  });
});

describe('infra/azure.bicep: alerts, the lock and the audit logs', () => {
  const workspace = onlyResource(template, 'Microsoft.OperationalInsights/workspaces');
  const insights = onlyResource(template, 'Microsoft.Insights/components');
  const actionGroup = onlyResource(template, 'Microsoft.Insights/actionGroups');
  const webTest = onlyResource(template, 'Microsoft.Insights/webtests');
  const metricAlerts = resourcesOfType(template, 'Microsoft.Insights/metricAlerts');
  const logAlerts = resourcesOfType(template, 'Microsoft.Insights/scheduledQueryRules');
  /** A log alert's query with the template's variables and sample ids filled in. */
  const queryOf = (rule: { body: string }) => String(evaluate(property(rule.body, 'query') ?? "''", {}));

  it('tests GET https://<web app>/healthz from several locations with a standard availability test linked to Application Insights', () => {
    assert.equal(literal(property(webTest.body, 'kind')), 'standard');
    assert.equal(literal(property(webTest.body, 'Kind')), 'standard');
    const url = String(evaluate(property(webTest.body, 'RequestUrl') ?? "''", {}));
    assert.equal(url, `https://${String(evaluate(`${webApp.symbol}.properties.defaultHostName`, {}))}/healthz`);
    assert.equal(new URL(url).pathname, literal(property(webApp.body, 'healthCheckPath')), 'the same path as the App Service health check');
    assert.equal(literal(property(webTest.body, 'HttpVerb')), 'GET');
    assert.equal(property(webTest.body, 'ExpectedHttpStatusCode'), '200');
    assert.match(webTest.body, new RegExp(`'hidden-link:\\$\\{${insights.symbol}\\.id\\}':\\s*'Resource'`), 'linked to the Application Insights resource');
    assert.ok((webTest.body.match(/\bId:\s*'[\w-]+'/g) ?? []).length >= 3, 'several test locations, so one location\'s outage is not an alert');
  });

  it('alerts on the availability test, 5xx responses, a stalled scheduler and silence, each through the action group', () => {
    const availability = metricAlerts.find((alert) => /WebtestLocationAvailabilityCriteria/.test(alert.body));
    assert.ok(availability, 'an alert on the availability test');
    assert.equal(property(availability.body, 'webTestId'), `${webTest.symbol}.id`);
    assert.equal(property(availability.body, 'componentId'), `${insights.symbol}.id`);
    const http5xx = metricAlerts.find((alert) => literal(property(alert.body, 'metricName')) === 'Http5xx');
    assert.ok(http5xx, 'an alert on Http5xx');
    assert.match(http5xx.body, new RegExp(`scopes:\\s*\\[\\s*${webApp.symbol}\\.id\\s*\\]`), 'on the web app');
    assert.equal(literal(property(http5xx.body, 'metricNamespace')), 'Microsoft.Web/sites');

    const stalled = logAlerts.find((rule) => /scheduler\.tick/.test(queryOf(rule)));
    assert.ok(stalled, 'a log alert on the scheduler\'s heartbeat line');
    const silent = logAlerts.find((rule) => rule !== stalled && /^AppServiceConsoleLogs\b/.test(queryOf(rule)));
    assert.ok(silent, 'a log alert on the bot\'s console lines');
    assert.doesNotMatch(queryOf(silent), /ResultDescription/, '"no heartbeat" counts every console line of the bot');
    for (const rule of [stalled, silent]) {
      assert.match(queryOf(rule), /^AppServiceConsoleLogs \| where _ResourceId =~ "\/subscriptions\/[^"]+\/Microsoft\.Web\/sites\/\w+"/, 'the bot\'s own console lines');
      assert.match(rule.body, new RegExp(`scopes:\\s*\\[\\s*${workspace.symbol}\\.id\\s*\\]`), 'queried in the workspace the diagnostic setting fills');
      assert.equal(literal(property(rule.body, 'windowSize')), 'PT15M');
      assert.equal(literal(property(rule.body, 'operator')), 'LessThan');
      assert.equal(property(rule.body, 'threshold'), '1');
      // An empty window must still produce a row (count 0), or "fewer than 1" has nothing to compare.
      const measure = literal(property(rule.body, 'metricMeasureColumn'));
      assert.match(queryOf(rule), new RegExp(`\\| summarize ${measure} = count\\(\\)$`));
    }

    const notified = [...metricAlerts, ...logAlerts];
    assert.equal(notified.length, 4);
    for (const alert of notified) {
      assert.match(alert.body, new RegExp(`(actionGroupId:\\s*|actionGroups:\\s*\\[\\s*)${actionGroup.symbol}\\.id\\b`), `${alert.symbol} notifies ${actionGroup.symbol}`);
      assert.equal(property(alert.body, 'enabled'), 'true');
    }
  });

  it('emails the alerts to alertEmail, and to nobody when it is empty', () => {
    assert.equal(template.params.get('alertEmail')?.defaultValue, "''");
    const receivers = actionGroup.body.match(/emailReceivers:\s*([^\n]+)/)?.[1] ?? '';
    assert.match(receivers, /^empty\(alertEmail\)\s*\?\s*\[\]\s*:\s*\[/, 'no receiver without an address');
    assert.equal(property(actionGroup.body, 'emailAddress'), 'alertEmail');
    assert.ok((literal(property(actionGroup.body, 'groupShortName')) ?? '').length <= 12, 'Azure allows 12 characters');
  });

  it('puts a CanNotDelete lock on the storage account, which holds the AINM register', () => {
    const locks = resourcesOfType(template, 'Microsoft.Authorization/locks');
    const onStorage = locks.filter((lock) => property(lock.body, 'scope') === storage.symbol);
    assert.equal(onStorage.length, 1, 'one lock scoped to the storage account');
    assert.equal(literal(property(onStorage[0]!.body, 'level')), 'CanNotDelete', 'CanNotDelete: ReadOnly would stop role assignments and table creation');
  });

  it('sends the table service\'s reads, writes and deletes and its transactions to the workspace', () => {
    const tableService = onlyResource(template, 'Microsoft.Storage/storageAccounts/tableServices');
    assert.equal(property(tableService.body, 'parent'), storage.symbol);
    const diagnostics = diagnosticsOf(tableService.symbol);
    assert.equal(property(diagnostics.body, 'workspaceId'), `${workspace.symbol}.id`);
    assert.deepEqual(enabledCategories(diagnostics.body, 'logs').sort(), ['StorageDelete', 'StorageRead', 'StorageWrite']);
    assert.deepEqual(enabledCategories(diagnostics.body, 'metrics'), ['Transaction']);
  });
});

describe('infra/azure.parameters.json', () => {
  it('names only parameters the template declares, and gives every required one a value', () => {
    const unknown = Object.keys(parameterValues).filter((name) => !template.params.has(name));
    assert.deepEqual(unknown, [], `${PARAMETERS} names parameters ${BICEP} does not declare`);
    const required = [...template.params.values()].filter((param) => param.defaultValue === undefined).map((param) => param.name);
    assert.ok(required.includes('resourceBaseName'));
    for (const name of required) {
      const value = parameterValues[name]?.value;
      assert.ok(typeof value === 'string' ? value.trim() !== '' : value !== undefined, `required parameter ${name} has no value in ${PARAMETERS}`);
    }
  });

  it('gives a value to every parameter the READMEs name, so "change them and provision again" has a line to change', () => {
    for (const file of ['README.md', 'infra/README.md']) {
      const named = [...read(file).matchAll(/`(\w+)`/g)].map((match) => match[1]!).filter((name) => template.params.has(name));
      const missing = [...new Set(named)].filter((name) => !(name in parameterValues));
      assert.deepEqual(missing, [], `${file} names ${missing.join(', ')}, which ${PARAMETERS} does not set`);
    }
    for (const name of ['alertEmail', 'accessRequestRetentionMonths', 'takedownRetentionMonths']) assert.ok(name in parameterValues, name);
  });

  it('uses only placeholders the toolkit fills: an empty variable leaves ${{NAME}} in place and provisioning stops', () => {
    // The toolkit's arm/deploy replaces a placeholder only when its variable is not empty (APP_NAME_SUFFIX
    // excepted) and then refuses a parameters file that still has one; it generates RESOURCE_SUFFIX when empty.
    const filledWhenEmpty = new Set(['APP_NAME_SUFFIX', 'RESOURCE_SUFFIX']);
    const values = new Map([...read('env/.env.dev').matchAll(/^([A-Za-z_]\w*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!.replace(/^"(.*)"$/, '$1')]));
    // ...or written into the environment file by a provision step that runs before arm/deploy (aadApp/create's client id).
    const writtenBefore = writtenBeforeArmDeploy();
    const unfilled = [...placeholders(read(PARAMETERS))].filter((name) => !filledWhenEmpty.has(name) && !values.get(name) && !writtenBefore.has(name));
    assert.deepEqual(unfilled, [], `${PARAMETERS}: \${{${unfilled.join('}}, ${{')}}} would be empty in env/.env.dev; give the value in the parameters file`);
  });

  it('gives values of the right type that the template allows', () => {
    for (const [name, entry] of Object.entries(parameterValues)) {
      const param = template.params.get(name)!;
      const value = entry.value;
      if (typeof value === 'string' && /\$\{\{\w+\}\}/.test(value)) {
        assert.equal(param.type, 'string', `${name}: placeholders only in string parameters`);
        continue;
      }
      assert.equal(typeof value, param.type === 'int' ? 'number' : param.type === 'bool' ? 'boolean' : param.type, `${name} should be a ${param.type}`);
      if (param.allowed) assert.ok(param.allowed.includes(String(value)), `${name}: ${String(value)} is not one of ${param.allowed.join(', ')}`);
      if (typeof value === 'number') {
        if (param.minValue !== undefined) assert.ok(value >= param.minValue, `${name} below its minimum`);
        if (param.maxValue !== undefined) assert.ok(value <= param.maxValue, `${name} above its maximum`);
      }
      if (typeof value === 'string' && param.maxLength !== undefined) assert.ok(value.length <= param.maxLength, `${name} too long`);
    }
    const prefix = parameterValues.tablePrefix?.value;
    if (typeof prefix === 'string') assert.equal(readConfig({ TABLE_PREFIX: prefix }).tablePrefix, prefix, 'src/config.ts accepts the table prefix');
  });

  it('leaves room in resourceBaseName for the generated suffix', () => {
    const base = String(parameterValues.resourceBaseName?.value);
    const fixed = base.replace(/\$\{\{\w+\}\}/g, '');
    assert.match(fixed, /^[a-z0-9-]*$/, 'lower-case letters, digits and hyphens only (web app and storage names)');
    assert.ok(fixed.length + 6 <= (template.params.get('resourceBaseName')?.maxLength ?? 0), 'a 6-character RESOURCE_SUFFIX must fit');
  });
});

// ---------------------------------------------------------------------------------------------------

interface YmlStep { readonly stage: string; readonly uses: string; readonly text: string }

/** The `- uses:` steps of each top-level stage of a Teams Toolkit yml file (enough YAML for these files). */
function ymlSteps(file: string): YmlStep[] {
  const steps: YmlStep[] = [];
  let stage = '';
  let current: { stage: string; uses: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) steps.push({ stage: current.stage, uses: current.uses, text: current.lines.join('\n') });
    current = undefined;
  };
  for (const line of read(file).split('\n')) {
    if (/^\s*#/.test(line) || line.trim() === '') continue;
    const top = line.match(/^([A-Za-z]\w*):/);
    if (top) {
      flush();
      stage = top[1]!;
      continue;
    }
    const uses = line.match(/^\s*-\s+uses:\s*(\S+)/);
    if (uses) {
      flush();
      current = { stage, uses: uses[1]!, lines: [line] };
    } else current?.lines.push(line);
  }
  flush();
  return steps;
}

function ymlValue(step: YmlStep, key: string): string | undefined {
  return step.text.match(new RegExp(`^\\s*(?:-\\s+)?${key}:\\s*(.+?)\\s*(?:#.*)?$`, 'm'))?.[1];
}

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!));
}

/** Variables the provision steps before arm/deploy write into the environment file (`writeToEnvironmentFile`). */
function writtenBeforeArmDeploy(): Set<string> {
  const names = new Set<string>();
  for (const step of ymlSteps('teamsapp.yml').filter((candidate) => candidate.stage === 'provision')) {
    if (step.uses === 'arm/deploy') break;
    const block = step.text.match(/writeToEnvironmentFile:\s*\n((?:\s{6,}\w+:\s*\w+\s*\n?)+)/)?.[1] ?? '';
    for (const match of block.matchAll(/:\s*(\w+)/g)) names.add(match[1]!);
  }
  return names;
}

function envFileKeys(file: string): Set<string> {
  return new Set([...read(file).matchAll(/^([A-Za-z_]\w*)=/gm)].map((match) => match[1]!));
}

describe('Agents Toolkit project files (teamsapp.yml)', () => {
  const steps = ymlSteps('teamsapp.yml');
  const stage = (name: string) => steps.filter((step) => step.stage === name).map((step) => step.uses);

  it('teamsapp.yml provisions, deploys and publishes with the expected actions, in order', () => {
    assert.match(read('teamsapp.yml'), /^version:\s*v1\.\d+\s*$/m);
    assert.match(read('teamsapp.yml'), /^environmentFolderPath:\s*\.\/env\s*$/m);
    const inOrder = (actual: string[], expected: string[]) => {
      let at = 0;
      for (const action of actual) if (action === expected[at]) at++;
      assert.equal(at, expected.length, `expected ${expected.join(' -> ')} in ${actual.join(', ')}`);
    };
    inOrder(stage('provision'), ['teamsApp/create', 'arm/deploy', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/update']);
    inOrder(stage('deploy'), ['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    inOrder(stage('publish'), ['teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/publishAppPackage']);
    const arm = steps.find((step) => step.uses === 'arm/deploy')!;
    assert.equal(ymlValue(arm, 'subscriptionId'), '${{AZURE_SUBSCRIPTION_ID}}');
    assert.equal(ymlValue(arm, 'resourceGroupName'), '${{AZURE_RESOURCE_GROUP_NAME}}');
    assert.ok(ymlValue(arm, 'deploymentName'), 'arm/deploy needs a deploymentName');
  });

  it('teamsapp.yml and teamsapp.local.yml reference files that exist', () => {
    for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
      for (const step of ymlSteps(file)) {
        for (const key of ['manifestPath', 'path', 'parameters', 'ignoreFile']) {
          const value = ymlValue(step, key);
          if (value) assert.ok(existsSync(path.join(root, value)), `${file}: ${step.uses} ${key} ${value} does not exist`);
        }
        const script = ymlValue(step, 'run')?.match(/^node\s+dist\/(scripts\/[\w-]+)\.js\b/)?.[1];
        if (script) assert.ok(existsSync(path.join(root, `${script}.ts`)), `${file}: ${script}.ts does not exist`);
      }
    }
    const arm = steps.find((step) => step.uses === 'arm/deploy')!;
    assert.equal(path.normalize(ymlValue(arm, 'path')!), path.normalize(BICEP));
    assert.equal(path.normalize(ymlValue(arm, 'parameters')!), path.normalize(PARAMETERS));
  });

  it('builds the app package once per environment and uses that package everywhere', () => {
    const zipPath = './appPackage/build/appPackage.${{TEAMSFX_ENV}}.zip';
    for (const step of steps.filter((candidate) => candidate.uses === 'teamsApp/zipAppPackage')) {
      assert.equal(ymlValue(step, 'outputZipPath'), zipPath);
      assert.equal(ymlValue(step, 'manifestPath'), './appPackage/manifest.json');
    }
    for (const step of steps.filter((candidate) => /^teamsApp\/(update|validateAppPackage|publishAppPackage)$/.test(candidate.uses))) {
      assert.equal(ymlValue(step, 'appPackagePath'), zipPath, `${step.stage} ${step.uses}`);
    }
  });

  it('deploys the staged build (production dependencies only) to the web app provisioned by the template', () => {
    const deploy = steps.filter((step) => step.stage === 'deploy');
    const stageStep = deploy.find((step) => step.uses === 'script');
    assert.ok(stageStep, 'a script step stages the web app');
    const stagedDir = ymlValue(stageStep, 'run')!.match(/stage-webapp\.js\s+(\S+)/)?.[1];
    assert.equal(stagedDir, DEFAULT_STAGE_DIR);
    const prodInstall = deploy.find((step) => step.uses === 'cli/runNpmCommand' && /--omit=dev/.test(ymlValue(step, 'args') ?? ''));
    assert.ok(prodInstall, 'production dependencies are installed in the staged folder');
    assert.equal(path.normalize(ymlValue(prodInstall, 'workingDirectory')!), path.normalize(DEFAULT_STAGE_DIR));
    const zip = deploy.find((step) => step.uses === 'azureAppService/zipDeploy')!;
    assert.equal(path.normalize(ymlValue(zip, 'artifactFolder')!), path.normalize(DEFAULT_STAGE_DIR));
    assert.equal(ymlValue(zip, 'resourceId'), '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}');
    assert.ok(template.outputs.has('BOT_AZURE_APP_SERVICE_RESOURCE_ID'));
    const order = deploy.map((step) => step);
    assert.ok(order.indexOf(stageStep) < order.indexOf(prodInstall) && order.indexOf(prodInstall) < order.indexOf(zip));
    assert.equal(settings.get('WEBSITE_RUN_FROM_PACKAGE'), "'1'");
  });

  it('defines every ${{VAR}} the yml, the manifest and the parameters use (env/.env.dev or written during provision)', () => {
    const written = new Set<string>(template.outputs.keys());
    for (const step of steps) {
      const block = step.text.match(/writeToEnvironmentFile:\s*\n((?:\s{6,}\w+:\s*\w+\s*\n?)+)/)?.[1] ?? '';
      for (const match of block.matchAll(/:\s*(\w+)/g)) written.add(match[1]!);
    }
    const defined = new Set([...envFileKeys('env/.env.dev'), ...written]);
    for (const file of ['teamsapp.yml', 'appPackage/manifest.json', PARAMETERS]) {
      const undefinedNames = [...placeholders(read(file))].filter((name) => !defined.has(name));
      assert.deepEqual(undefinedNames, [], `${file} uses \${{${undefinedNames.join('}}, ${{')}}} which env/.env.dev does not define and provisioning does not write`);
    }
    const localDefined = envFileKeys('env/.env.local');
    const localUndefined = [...placeholders(read('teamsapp.local.yml'))].filter((name) => !localDefined.has(name));
    assert.deepEqual(localUndefined, [], 'teamsapp.local.yml uses variables env/.env.local does not define');
  });

  it('keeps secrets out of the committed environment files', () => {
    for (const file of ['env/.env.dev', 'env/.env.local']) {
      for (const line of read(file).split('\n')) {
        const match = line.match(/^([A-Za-z_]\w*)=(.*)$/);
        if (!match) continue;
        assert.ok(!/^SECRET_|PASSWORD|CONNECTION_STRING|KEY$/i.test(match[1]!) || match[2]!.trim() === '', `${file}: ${match[1]} looks like a secret`);
      }
      assert.match(read(file), new RegExp(`^TEAMSFX_ENV=${path.basename(file).replace('.env.', '')}$`, 'm'), `${file} names its environment`);
    }
    const ignored = read('.gitignore').split('\n').map((line) => line.trim());
    assert.ok(ignored.includes('env/.env.*.user'), 'the toolkit keeps secrets in env/.env.<env>.user: git-ignore them');
    assert.ok(ignored.includes('.localConfigs*') || ignored.includes('.localConfigs'), '.localConfigs is generated: git-ignore it');
    for (const generated of ['.deploy/', '.deployment/']) assert.ok(ignored.includes(generated), `${generated} is generated by deploy: git-ignore it`);
  });

  it('teamsapp.local.yml points to the npm start loop and writes the bot\'s local settings', () => {
    const local = read('teamsapp.local.yml');
    assert.match(local, /npm start/);
    const localSteps = ymlSteps('teamsapp.local.yml');
    assert.ok(localSteps.some((step) => step.uses === 'cli/runNpmCommand'));
    const envStep = localSteps.find((step) => step.uses === 'file/createOrUpdateEnvironmentFile');
    assert.ok(envStep);
    const readByConfig = variablesReadByConfig();
    const names = [...envStep.text.matchAll(/^\s{8}([A-Z_]+):/gm)].map((match) => match[1]!);
    assert.ok(names.length > 0);
    for (const name of names) assert.ok(readByConfig.has(name), `.localConfigs sets ${name}, which src/config.ts does not read`);
    assert.ok(!names.includes('MICROSOFT_APP_ID'), 'the local bot is anonymous (loopback only)');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('infra/azure.bicep syntax (tree-sitter-bicep)', () => {
  it('parses without syntax errors', async () => {
    // A real Bicep grammar (dev dependencies tree-sitter-bicep + web-tree-sitter, WebAssembly, no download).
    // Not a compiler: it checks syntax, not types or API versions.
    const requireFrom = createRequire(__filename);
    const treeSitter = requireFrom('web-tree-sitter') as { Parser: { init(): Promise<void>; new(): { setLanguage(language: unknown): void; parse(text: string): { rootNode: { hasError: boolean; toString(): string } } } }; Language: { load(file: string): Promise<unknown> } };
    const wasm = requireFrom.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm');
    await treeSitter.Parser.init();
    const parser = new treeSitter.Parser();
    parser.setLanguage(await treeSitter.Language.load(wasm));
    const tree = parser.parse(read(BICEP));
    assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString().slice(0, 2000));
  });

  it('finds a syntax error when there is one (the grammar is really loaded)', async () => {
    const requireFrom = createRequire(__filename);
    const treeSitter = requireFrom('web-tree-sitter') as { Parser: { init(): Promise<void>; new(): { setLanguage(language: unknown): void; parse(text: string): { rootNode: { hasError: boolean } } } }; Language: { load(file: string): Promise<unknown> } };
    await treeSitter.Parser.init();
    const parser = new treeSitter.Parser();
    parser.setLanguage(await treeSitter.Language.load(requireFrom.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm')));
    assert.equal(parser.parse(`${read(BICEP)}\nvar = 1\n`).rootNode.hasError, true);
  });
});
