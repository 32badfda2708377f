import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readConfig } from '../../src/config';
import { TABLE_NAMES } from '../../src/store/tables';
import { DEFAULT_STAGE_DIR } from '../../scripts/stage-webapp';
import {
  appSettings, blockAt, onlyResource, parseBicep, property, quotedStrings, resourcesOfType,
} from './bicep-text';

/**
 * The production environment, checked without a Bicep compiler (none can be installed from the npm registry
 * or Debian): infra/azure.bicep read as text, against what the bot actually reads (src/config.ts) and
 * stores (src/store/tables.ts), and the Teams Toolkit files that deploy it.
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
  AZURE_TABLES_CONNECTION_STRING: 'production reads the tables with the managed identity (AZURE_TABLES_ACCOUNT_URL), never with an account key',
  MICROSOFT_APP_PASSWORD: 'the bot authenticates with its managed identity (UserAssignedMSI): there is no password',
  MicrosoftAppId: 'legacy spelling of MICROSOFT_APP_ID, which the template sets',
  BOT_OPENID_METADATA_URL: 'unset in the public Azure cloud, where botbuilder\'s defaults are right; only for a sovereign cloud or tests',
  BOT_TOKEN_ISSUER: 'unset in the public Azure cloud, where botbuilder\'s defaults are right; only for a sovereign cloud or tests',
  BENCH_METRICS: 'set only by `npm run bench`, to count table calls',
  BENCH_CONNECTOR_PACING: 'set only by `npm run bench`; config refuses it with an app id',
};
/** Read by src/config.ts, optional in production: the template sets them only when their parameter is given. */
const OPTIONAL_IN_PRODUCTION = ['TABLE_PREFIX', 'CLOSURE_DAYS', 'AINM_WEBHOOK_URL'];

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
};
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
      if (given !== undefined) return typeof given === 'string' ? given.replace(/\$\{\{\w+\}\}/g, SAMPLE.placeholder) : given as Value;
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
    assert.equal(config.logLevel, 'info');
    assert.equal(config.ainmRetentionYears, 3);
    assert.equal(config.tablePrefix, '');
    assert.equal(config.ainmWebhookUrl, undefined);
  });

  it('passes the optional settings through when their parameters are given', () => {
    const config = readConfig(productionEnvironment({
      tablePrefix: 'smdprod', closureDays: '2026-12-24,2026-12-31', ainmWebhookUrl: 'https://ainm.example.org/hook',
      allowedTenantIds: 'aaaa,bbbb', logLevel: 'warn', ainmRetentionYears: 6,
    }));
    assert.equal(config.tablePrefix, 'smdprod');
    assert.deepEqual(config.closureDays, ['2026-12-24', '2026-12-31']);
    assert.equal(config.ainmWebhookUrl, 'https://ainm.example.org/hook');
    assert.deepEqual(config.allowedTenantIds, ['aaaa', 'bbbb']);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.ainmRetentionYears, 6);
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

  it('lets the managed identity use the tables: Storage Table Data Contributor on the storage account', () => {
    const roleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
    const assignments = resourcesOfType(template, 'Microsoft.Authorization/roleAssignments');
    const forIdentity = assignments.filter((assignment) => property(assignment.body, 'principalId') === `${identity.symbol}.properties.principalId`);
    assert.equal(forIdentity.length, 1, 'one role assignment for the managed identity');
    const assignment = forIdentity[0]!;
    const roleDefinition = property(assignment.body, 'roleDefinitionId') ?? '';
    const roleVariable = roleDefinition.match(/'Microsoft\.Authorization\/roleDefinitions',\s*(\w+)\)/)?.[1];
    const resolved = roleVariable ? literal(template.vars.get(roleVariable)) : roleDefinition;
    assert.equal(resolved, roleId);
    assert.equal(property(assignment.body, 'scope'), storage.symbol, 'scoped to the storage account, not the resource group');
    assert.equal(literal(property(assignment.body, 'principalType')), 'ServicePrincipal');
    assert.match(property(assignment.body, 'name') ?? '', /^guid\(/, 'a deterministic name, so provisioning again is idempotent');
    // Every role assignment in the template is the table role: nothing broader (Owner, account keys, ...).
    for (const other of assignments) assert.match(property(other.body, 'roleDefinitionId') ?? '', new RegExp(roleVariable ?? roleId));
  });

  it('runs the web app on Linux Node 20 with Always On, HTTPS only, no FTP, TLS 1.2, the built entry point and /healthz', () => {
    assert.equal(literal(property(webApp.body, 'linuxFxVersion')), 'NODE|20-lts');
    assert.equal(property(webApp.body, 'alwaysOn'), 'true', 'the scheduler runs in the bot process: App Service must not unload it');
    assert.equal(property(webApp.body, 'httpsOnly'), 'true');
    assert.equal(literal(property(webApp.body, 'ftpsState')), 'Disabled');
    assert.equal(literal(property(webApp.body, 'minTlsVersion')), '1.2');
    assert.equal(property(webApp.body, 'clientAffinityEnabled'), 'false', 'stateless instances: no sticky sessions');
    const main = (JSON.parse(read('package.json')) as { main: string }).main;
    assert.equal(literal(property(webApp.body, 'appCommandLine')), `node ${main}`, 'start the package\'s main, the built src/index.ts');
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
    const diagnostics = onlyResource(template, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(property(diagnostics.body, 'scope'), webApp.symbol);
    assert.match(diagnostics.body, /'AppServiceConsoleLogs'/);
  });

  it('outputs what the Teams Toolkit, the manifest and deploy need', () => {
    const outputs = template.outputs;
    assert.equal(outputs.get('BOT_ID')?.value, `${identity.symbol}.properties.clientId`);
    assert.equal(outputs.get('BOT_DOMAIN')?.value, `${webApp.symbol}.properties.defaultHostName`);
    assert.equal(outputs.get('BOT_AZURE_APP_SERVICE_RESOURCE_ID')?.value, `${webApp.symbol}.id`);
    assert.equal(outputs.get('AZURE_TABLES_ACCOUNT_URL')?.value, settings.get('AZURE_TABLES_ACCOUNT_URL'));
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

function envFileKeys(file: string): Set<string> {
  return new Set([...read(file).matchAll(/^([A-Za-z_]\w*)=/gm)].map((match) => match[1]!));
}

describe('Teams Toolkit project files', () => {
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
