import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_POLICY_URL, readConfig } from '../../src/config';

function refusal(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration', () => {
  it('defaults to local anonymous mode on loopback with the embedded emulator', () => {
    const config = readConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3978);
    assert.equal(config.bot.appId, '');
    assert.deepEqual(config.tables, { kind: 'embedded', port: 10002, queuePort: 10001, dataDir: '.data/azurite' });
  });

  it('paces campaigns a little under Teams\' 50 sends a second, and refuses more or an app install without Graph', () => {
    assert.deepEqual(readConfig({}).campaign, { sendsPerSecond: 48 });
    assert.equal(readConfig({ CAMPAIGN_SENDS_PER_SECOND: '20' }).campaign.sendsPerSecond, 20);
    assert.throws(() => readConfig({ CAMPAIGN_SENDS_PER_SECOND: '60' }), /CAMPAIGN_SENDS_PER_SECOND/);
    assert.throws(() => readConfig({ CAMPAIGN_INSTALL_TEAMS_APP_ID: '11111111-2222-3333-4444-555555555555' }), /CAMPAIGN_INSTALL_TEAMS_APP_ID: needs Microsoft Graph/);
  });

  it('uses a configured connection string and starts no emulator', () => {
    const config = readConfig({ AZURE_TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' });
    assert.deepEqual(config.tables, { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' });
  });

  it('uses an account URL with a user-assigned managed identity', () => {
    const config = readConfig({ AZURE_TABLES_ACCOUNT_URL: 'https://desk.table.core.windows.net', AZURE_CLIENT_ID: 'mi-client' });
    assert.deepEqual(config.tables, { kind: 'accountUrl', accountUrl: 'https://desk.table.core.windows.net', managedIdentityClientId: 'mi-client' });
  });

  it('names the variable when a value is wrong', () => {
    assert.equal(refusal({ PORT: 'eighty' }).variable, 'PORT');
    assert.match(refusal({ PORT: '70000' }).message, /^PORT: "70000" is not a port number/);
    assert.equal(refusal({ LOG_LEVEL: 'chatty' }).variable, 'LOG_LEVEL');
    assert.equal(refusal({ CLOSURE_DAYS: '2026-12-24,24/12/2026' }).variable, 'CLOSURE_DAYS');
    assert.equal(refusal({ AZURE_TABLES_ACCOUNT_URL: 'http://insecure.example' }).variable, 'AZURE_TABLES_ACCOUNT_URL');
    assert.equal(refusal({ TABLE_PREFIX: 'has-dash' }).variable, 'TABLE_PREFIX');
  });

  it('refuses both a connection string and an account URL', () => {
    assert.equal(refusal({ AZURE_TABLES_CONNECTION_STRING: 'x', AZURE_TABLES_ACCOUNT_URL: 'https://a.table.core.windows.net' }).variable, 'AZURE_TABLES_ACCOUNT_URL');
  });

  it('refuses to listen beyond loopback without authentication', () => {
    assert.equal(refusal({ HOST: '0.0.0.0' }).variable, 'HOST');
    assert.equal(readConfig({ HOST: '0.0.0.0', MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TENANT_ID: 'tenant' }).host, '0.0.0.0');
  });

  it('needs the tenant of a single-tenant bot', () => {
    assert.equal(refusal({ MICROSOFT_APP_ID: 'app' }).variable, 'MICROSOFT_APP_TENANT_ID');
  });

  it('gives support the Optum EAP and a Holmes placeholder by default, and no phone', () => {
    assert.deepEqual(readConfig({}).abuseReport, {
      support: { eapUrl: 'https://livewell.optum.com', holmesUrl: 'https://holmes.wheatley-group.com', phone: '' }, urgentEscalationMinutes: 60,
    });
  });

  it('reads EAP_URL, HOLMES_URL and SUPPORT_PHONE, links https only', () => {
    const { support } = readConfig({ EAP_URL: 'https://eap.example/', HOLMES_URL: 'https://holmes.example/support', SUPPORT_PHONE: '+44 800 123 4567' }).abuseReport;
    assert.deepEqual(support, { eapUrl: 'https://eap.example/', holmesUrl: 'https://holmes.example/support', phone: '+44 800 123 4567' });
    for (const variable of ['EAP_URL', 'HOLMES_URL']) {
      for (const bad of ['http://holmes.example', 'http://localhost:3978/support', 'javascript:alert(1)', 'livewell.optum.com']) {
        assert.equal(refusal({ [variable]: bad }).variable, variable, `${variable}=${bad}`);
      }
    }
  });

  it('takes a phone number of digits and spaces, with a leading + at most', () => {
    assert.equal(readConfig({ SUPPORT_PHONE: '0800 123 4567' }).abuseReport.support.phone, '0800 123 4567');
    for (const bad of ['call 0800', '0800-123-4567', '[0800](https://evil.example)', '0800 123 4567 +', '++44 800 123']) {
      assert.equal(refusal({ SUPPORT_PHONE: bad }).variable, 'SUPPORT_PHONE', bad);
    }
  });

  it('escalates urgent reports after URGENT_ESCALATION_MINUTES, from 5 minutes to a day', () => {
    assert.equal(readConfig({ URGENT_ESCALATION_MINUTES: '30' }).abuseReport.urgentEscalationMinutes, 30);
    assert.equal(readConfig({ URGENT_ESCALATION_MINUTES: '1440' }).abuseReport.urgentEscalationMinutes, 1440);
    for (const bad of ['4', '1441', '0', '-60', '60.5', 'an hour']) assert.equal(refusal({ URGENT_ESCALATION_MINUTES: bad }).variable, 'URGENT_ESCALATION_MINUTES', bad);
  });

  it('links the policy card to POLICY_URL: a placeholder until set, https only', () => {
    assert.equal(readConfig({}).policyUrl, DEFAULT_POLICY_URL);
    assert.equal(readConfig({ POLICY_URL: 'https://holmes.wheatley.example/policies/social-media' }).policyUrl, 'https://holmes.wheatley.example/policies/social-media');
    assert.equal(refusal({ POLICY_URL: 'http://intranet.example/policy' }).variable, 'POLICY_URL');
    assert.equal(refusal({ POLICY_URL: 'javascript:alert(1)' }).variable, 'POLICY_URL');
  });

  it('reads lists of tenants and closure days', () => {
    const config = readConfig({ ALLOWED_TENANT_IDS: ' t1, t2 ,', CLOSURE_DAYS: '2026-12-24' });
    assert.deepEqual(config.allowedTenantIds, ['t1', 't2']);
    assert.deepEqual(config.closureDays, ['2026-12-24']);
  });

  it('has a retention period for every kind of case: documented defaults, bounded, configurable', () => {
    const defaults = readConfig({});
    assert.deepEqual([defaults.ainmRetentionYears, defaults.accessRequestRetentionMonths, defaults.takedownRetentionMonths], [3, 24, 24]);
    const set = readConfig({ ACCESS_REQUEST_RETENTION_MONTHS: '1', TAKEDOWN_RETENTION_MONTHS: '120' });
    assert.deepEqual([set.accessRequestRetentionMonths, set.takedownRetentionMonths], [1, 120]);
    for (const variable of ['ACCESS_REQUEST_RETENTION_MONTHS', 'TAKEDOWN_RETENTION_MONTHS']) {
      for (const bad of ['0', '121', '12.5', 'two years', '-3']) {
        const error = refusal({ [variable]: bad });
        assert.equal(error.variable, variable);
        assert.match(error.message, /must be a whole number from 1 to 120/);
      }
    }
  });
});
