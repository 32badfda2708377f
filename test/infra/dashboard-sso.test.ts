import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appSettings, onlyResource, parseBicep, property } from './bicep-text';

/**
 * What Teams single sign-on for the dashboard tab needs from provisioning (Microsoft Learn, "Register your tab app
 * in Microsoft Entra ID"): an app registration whose application ID URI is api://<the tab's domain>/<client id>
 * (the manifest's webApplicationInfo.resource), an `access_as_user` scope, and the Teams clients pre-authorised
 * for it so nobody is asked to consent. The Agents Toolkit creates it (aadApp/create) and applies aad.manifest.json
 * (aadApp/update) once the domain is known.
 */
const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface EntraManifest {
  appId: string;
  identifierUris: string[];
  signInAudience: string;
  api: {
    requestedAccessTokenVersion: number;
    oauth2PermissionScopes: { id: string; value: string; type: string; isEnabled: boolean; adminConsentDisplayName: string }[];
    preAuthorizedApplications: { appId: string; delegatedPermissionIds: string[] }[];
  };
  requiredResourceAccess: unknown[];
}

const TEAMS_DESKTOP_AND_MOBILE = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
const TEAMS_WEB = '5e3ce6c0-2b1f-4285-8d4b-75ee78787346';

describe('the dashboard tab\'s single sign-on registration (aad.manifest.json, teamsapp.yml)', () => {
  const entra = JSON.parse(read('aad.manifest.json')) as EntraManifest;
  const teamsManifest = JSON.parse(read('appPackage/manifest.json')) as { webApplicationInfo: { id: string; resource: string } };

  it('exposes the API at api://<domain>/<client id>, the resource the Teams manifest asks a token for', () => {
    assert.equal(entra.appId, '${{AAD_APP_CLIENT_ID}}');
    assert.deepEqual(entra.identifierUris, [teamsManifest.webApplicationInfo.resource]);
    assert.equal(teamsManifest.webApplicationInfo.id, entra.appId);
    assert.equal(entra.signInAudience, 'AzureADMyOrg', 'one organisation\'s staff only');
  });

  it('has an enabled access_as_user scope, pre-authorised for the Teams desktop, mobile and web clients', () => {
    const scope = entra.api.oauth2PermissionScopes.find((candidate) => candidate.value === 'access_as_user');
    assert.ok(scope, 'an access_as_user scope');
    assert.equal(scope.isEnabled, true);
    assert.equal(scope.type, 'User');
    for (const client of [TEAMS_DESKTOP_AND_MOBILE, TEAMS_WEB]) {
      const preAuthorised = entra.api.preAuthorizedApplications.find((app) => app.appId === client);
      assert.ok(preAuthorised, `${client} is pre-authorised`);
      assert.deepEqual(preAuthorised.delegatedPermissionIds, [scope.id]);
    }
  });

  it('issues v2 tokens and asks for no Microsoft Graph permission (nothing for an administrator to consent to)', () => {
    assert.equal(entra.api.requestedAccessTokenVersion, 2);
    assert.deepEqual(entra.requiredResourceAccess, []);
  });

  it('tells the bot its own host name (BOT_DOMAIN), the domain of the tab and of the token audience', () => {
    const template = parseBicep(read('infra/azure.bicep'));
    const webApp = onlyResource(template, 'Microsoft.Web/sites');
    assert.equal(property(webApp.body, 'name'), 'resourceBaseName');
    assert.equal(appSettings(template, webApp).get('BOT_DOMAIN'), 'webAppHostName');
    // The same host as the output BOT_DOMAIN (the web app's default host name), which fills the manifests.
    assert.equal(template.vars.get('webAppHostName'), "toLower('${resourceBaseName}.azurewebsites.net')");
    assert.equal(template.outputs.get('BOT_DOMAIN')?.value, 'webApp.properties.defaultHostName');
  });

  it('tells the bot the client id of the dashboard\'s app registration, the audience its tokens must have', () => {
    const template = parseBicep(read('infra/azure.bicep'));
    assert.equal(appSettings(template, onlyResource(template, 'Microsoft.Web/sites')).get('DASHBOARD_CLIENT_ID'), 'dashboardClientId');
    assert.equal(template.params.get('dashboardClientId')?.defaultValue, undefined, 'required: without it no token is accepted');
    const parameters = JSON.parse(read('infra/azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    assert.equal(parameters.parameters.dashboardClientId?.value, '${{AAD_APP_CLIENT_ID}}', 'written by aadApp/create, which runs before arm/deploy');
  });

  it('is created before the Azure resources and updated after them, when BOT_DOMAIN is known', () => {
    const provision = read('teamsapp.yml').split(/^publish:/m)[0]!.split(/^provision:/m)[1]!;
    const steps = [...provision.matchAll(/^\s*-\s+uses:\s*(\S+)/gm)].map((match) => match[1]!);
    const at = (action: string) => steps.indexOf(action);
    assert.ok(at('aadApp/create') >= 0 && at('aadApp/create') < at('arm/deploy'), steps.join(', '));
    assert.ok(at('aadApp/update') > at('arm/deploy') && at('aadApp/update') < at('teamsApp/zipAppPackage'), steps.join(', '));
    assert.match(provision, /manifestPath:\s*\.\/aad\.manifest\.json/);
    assert.match(provision, /clientId:\s*AAD_APP_CLIENT_ID/);
    assert.match(provision, /generateClientSecret:\s*false/, 'the tab receives tokens and asks for none: no secret to keep');
  });
});
