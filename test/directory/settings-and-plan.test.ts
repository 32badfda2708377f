import assert from 'node:assert/strict';
import { ConfigError, readConfig } from '../../src/config';
import type { DirectoryPerson } from '../../src/directory/directory';
import type { EntraPerson, EntraSnapshot } from '../../src/directory/entra-reader';
import { planDirectorySync, PlanOptions } from '../../src/directory/entra-sync';

const GROUP = '0f6d1c2a-3b4c-4d5e-8f90-a1b2c3d4e5f6';
const NOW = new Date('2026-12-03T00:05:00Z');

describe('directory sync settings (src/config.ts)', () => {
  const configError = (env: Record<string, string>, variable: string, message: RegExp) => assert.throws(() => readConfig(env), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.variable, variable);
    assert.match(error.message, message);
    return true;
  });

  it('is off by default: no Graph, no sync', () => {
    const config = readConfig({});
    assert.equal(config.graph, undefined);
    assert.equal(config.directorySync, undefined);
  });

  it('reads the managed identity, a department filter and the role groups', () => {
    const config = readConfig({ GRAPH_AUTH: 'managedIdentity', AZURE_CLIENT_ID: 'mi-client', DIRECTORY_SYNC: 'entra', DIRECTORY_DEPARTMENT: 'Housing', DIRECTORY_GROUP_COMMS: GROUP });
    assert.deepEqual(config.graph, { baseUrl: 'https://graph.microsoft.com/v1.0', credential: { kind: 'managedIdentity', clientId: 'mi-client' } });
    assert.deepEqual(config.directorySync, { filter: { department: 'Housing' }, roleGroups: { comms: GROUP } });
  });

  it('reads a client secret, taking the tenant and client from the bot when not given', () => {
    const config = readConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TENANT_ID: 'tenant', MICROSOFT_APP_PASSWORD: 'x', GRAPH_AUTH: 'clientSecret', GRAPH_CLIENT_SECRET: 's3cret' });
    assert.deepEqual(config.graph?.credential, { kind: 'clientSecret', tenantId: 'tenant', clientId: 'app', secret: 's3cret' });
  });

  it('refuses settings that would do nothing or could not work, naming the variable', () => {
    configError({ DIRECTORY_SYNC: 'entra' }, 'DIRECTORY_SYNC', /needs Microsoft Graph: set GRAPH_AUTH/);
    configError({ DIRECTORY_GROUP_COMMS: GROUP }, 'DIRECTORY_GROUP_COMMS', /no effect without DIRECTORY_SYNC=entra/);
    configError({ GRAPH_CLIENT_SECRET: 'x' }, 'GRAPH_CLIENT_SECRET', /no effect without GRAPH_AUTH/);
    configError({ GRAPH_AUTH: 'clientSecret', GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c' }, 'GRAPH_CLIENT_SECRET', /required/);
    configError({ GRAPH_AUTH: 'managedIdentity', DIRECTORY_SYNC: 'entra', DIRECTORY_GROUP_ADMIN: 'admins' }, 'DIRECTORY_GROUP_ADMIN', /GUID/);
    configError({ GRAPH_AUTH: 'managedIdentity', DIRECTORY_SYNC: 'entra', DIRECTORY_DEPARTMENT: 'Housing', DIRECTORY_GROUP_ID: GROUP }, 'DIRECTORY_GROUP_ID', /not both/);
    configError({ GRAPH_AUTH: 'managedIdentity', GRAPH_BASE_URL: 'http://graph.example.org' }, 'GRAPH_BASE_URL', /https/);
  });
});

describe('the directory sync plan (pure)', () => {
  const person = (id: string, managerId?: string, roles: DirectoryPerson['roles'] = []): DirectoryPerson => ({ id, name: `Person ${id}`, roles, ...(managerId ? { managerId } : {}) });
  const entra = (people: EntraPerson[], roleMembers: EntraSnapshot['roleMembers'] = {}): EntraSnapshot => ({ people, roleMembers, unreadable: [], withoutId: 0 });
  const user = (id: string, managerId?: string, enabled = true): EntraPerson => ({ id, name: `Person ${id}`, enabled, ...(managerId ? { managerId } : {}) });
  const options: PlanOptions = { now: NOW, governedRoles: [], leaverGuard: true };
  const plan = (current: DirectoryPerson[], snapshot: EntraSnapshot, extra: Partial<PlanOptions> = {}) => {
    const outcome = planDirectorySync(current, snapshot, { ...options, ...extra });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.problem);
    return outcome.plan;
  };

  it('finds joiners, leavers (disabled and removed), manager and role changes, and leaves the rest alone', () => {
    const current = [person('a', 'm'), person('m'), person('gone'), person('off'), person('c', undefined, ['comms', 'admin'])];
    const result = plan(current, entra([user('a', 'n'), user('m'), user('n'), user('off', undefined, false), user('c')], { comms: new Set(['a']) }), { governedRoles: ['comms'] });

    assert.deepEqual(result.joiners.map((p) => p.id), ['n']);
    assert.deepEqual(result.leavers.map((l) => [l.person.id, l.reason]), [['off', 'disabled'], ['gone', 'removed']]);
    assert.deepEqual(result.managerChanges.map((c) => [c.person.id, c.from, c.to]), [['a', 'm', 'n']]);
    assert.deepEqual(result.roleChanges.map((c) => [c.person.id, c.added, c.removed]), [['a', ['comms'], []], ['c', [], ['comms']]]);
    assert.equal(result.unchanged, 1);
    const written = new Map(result.write.map((p) => [p.id, p]));
    assert.equal(written.get('off')?.leftAt, NOW.toISOString());
    assert.deepEqual(written.get('off')?.roles, []);
    assert.deepEqual(written.get('c')?.roles, ['admin'], 'a role without a group is kept');
  });

  it('stores nothing about a disabled account it never knew, and nothing new about a leaver already marked', () => {
    const leaver = { ...person('x'), leftAt: '2026-11-01T00:05:00.000Z' };
    const result = plan([person('a'), leaver], entra([user('a'), user('stranger', undefined, false)]));
    assert.deepEqual(result.write, []);
    assert.deepEqual(result.leavers, []);
  });

  it('refuses an answer with nobody enabled in it, whatever the guard says', () => {
    const outcome = planDirectorySync([person('a')], entra([user('a', undefined, false)]), { ...options, leaverGuard: false });
    assert.equal(outcome.ok, false);
  });
});
