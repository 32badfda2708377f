import assert from 'node:assert/strict';
import { ConfigError, readConfig } from '../../src/config';

describe('dashboard configuration (BOT_DOMAIN, DASHBOARD_CLIENT_ID)', () => {
  it('reads the tab\'s host and its app registration, lower-cased', () => {
    const config = readConfig({ BOT_DOMAIN: 'Desk-Prod.azurewebsites.net', DASHBOARD_CLIENT_ID: '0C4D1F5E-7B1A-4F7E-9C55-5B0C1D2E3F40' });
    assert.equal(config.botDomain, 'desk-prod.azurewebsites.net');
    assert.equal(config.dashboardClientId, '0c4d1f5e-7b1a-4f7e-9c55-5b0c1d2e3f40');
  });

  it('leaves both out when unset (local mode needs neither)', () => {
    const config = readConfig({});
    assert.equal(config.botDomain, undefined);
    assert.equal(config.dashboardClientId, undefined);
  });

  for (const [variable, value] of [['BOT_DOMAIN', 'https://desk.example.net/'], ['BOT_DOMAIN', 'localhost'], ['DASHBOARD_CLIENT_ID', 'api://desk/123']]) {
    it(`refuses ${variable}="${value}" with a message naming it`, () => {
      assert.throws(() => readConfig({ [variable!]: value! }), (error: unknown) => error instanceof ConfigError && error.variable === variable);
    });
  }
});
