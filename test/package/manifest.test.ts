import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { substitutePlaceholders, validateManifest } from '../../scripts/app-manifest';
import { COMMAND_HELP } from '../../src/bot/welcome';
import { howTheBotTakes } from '../support/how-the-bot-takes';
import { committedManifest, FILLED, ManifestJson, PROJECT_ROOT } from './fixtures';

/** The commands the issue asks for; the personal list also offers "export" (the Incident team, 1:1 only). */
const REQUIRED_COMMANDS = ['help', 'my actions', 'request access', 'report abuse', 'raise a concern', 'my cases', 'issue takedown', 'desk', 'takedowns', 'incidents'];

function filled(change: (manifest: ManifestJson) => void = () => undefined): unknown {
  const manifest = committedManifest();
  change(manifest);
  const { manifest: result, missing } = substitutePlaceholders(manifest, FILLED);
  assert.deepEqual(missing, []);
  return result;
}

async function problemPaths(manifest: unknown): Promise<string[]> {
  return (await validateManifest(manifest)).map((problem) => problem.path);
}

describe('Teams app manifest', () => {
  it('validates against its bundled schema once the placeholders are filled', async () => {
    assert.deepEqual(await validateManifest(filled()), []);
    assert.deepEqual(await validateManifest(substitutePlaceholders(committedManifest(), { ...FILLED, APP_NAME_SUFFIX: '' }).manifest), []);
  });

  it('uses a schema version bundled with @microsoft/app-manifest, matching manifestVersion', () => {
    const manifest = committedManifest();
    const version = /\/teams\/v(1\.\d+)\/MicrosoftTeams\.schema\.json$/.exec(String(manifest.$schema))?.[1];
    assert.equal(version, manifest.manifestVersion);
    const bundled = path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', `v${version}`, 'MicrosoftTeams.schema.json');
    assert.ok(existsSync(bundled), bundled);
  });

  it('keeps the Teams Toolkit placeholders and names each one left without a value', () => {
    assert.deepEqual(substitutePlaceholders(committedManifest(), {}).missing, ['AAD_APP_CLIENT_ID', 'APP_NAME_SUFFIX', 'BOT_DOMAIN', 'BOT_ID', 'TEAMS_APP_ID']);
    assert.deepEqual(substitutePlaceholders(committedManifest(), { ...FILLED, BOT_ID: undefined as unknown as string }).missing, ['BOT_ID']);
  });

  it('declares a file-capable bot for personal chats and team channels, and its domain', () => {
    const manifest = committedManifest();
    assert.deepEqual(manifest.bots.map((bot) => [bot.botId, bot.scopes, bot.supportsFiles]), [['${{BOT_ID}}', ['personal', 'team'], true]]);
    assert.deepEqual(manifest.validDomains, ['${{BOT_DOMAIN}}']);
  });

  it('has the dashboard as a personal tab beside the bot\'s chat, served by the bot on its own domain', () => {
    const tabs = committedManifest().staticTabs as { entityId: string; name?: string; contentUrl?: string; scopes: string[] }[];
    // With any static tab, Teams shows the bot's chat only if the 'conversations' tab is listed too.
    assert.deepEqual(tabs.map((tab) => [tab.entityId, tab.scopes]), [['conversations', ['personal']], ['dashboard', ['personal']]]);
    assert.equal(tabs[1]!.name, 'Dashboard');
    assert.equal(tabs[1]!.contentUrl, 'https://${{BOT_DOMAIN}}/dashboard');
  });

  it('names the Entra app whose SSO token the tab asks for, with the application ID URI on the bot\'s domain', () => {
    // Teams SSO: webApplicationInfo.resource must be the app's identifierUri api://<domain>/<client id> (aad.manifest.json).
    assert.deepEqual(committedManifest().webApplicationInfo, { id: '${{AAD_APP_CLIENT_ID}}', resource: 'api://${{BOT_DOMAIN}}/${{AAD_APP_CLIENT_ID}}' });
    const aad = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'aad.manifest.json'), 'utf8')) as { identifierUris: string[] };
    assert.deepEqual(aad.identifierUris, ['api://${{BOT_DOMAIN}}/${{AAD_APP_CLIENT_ID}}']);
  });

  it('reports a manifestVersion of the wrong type at its path', async () => {
    assert.ok((await problemPaths(filled((m) => { m.manifestVersion = 1.3; }))).includes('/manifestVersion'));
  });

  it('reports a bot with no scopes at its path', async () => {
    const missing = await validateManifest(filled((m) => { delete m.bots[0]!.scopes; }));
    assert.ok(missing.some((p) => p.path === '/bots/0' && p.message.includes('scopes')), JSON.stringify(missing));
    assert.ok((await problemPaths(filled((m) => { m.bots[0]!.scopes = []; }))).includes('/bots/0/scopes'));
  });

  it('reports a 300-character short description at its path', async () => {
    const problems = await validateManifest(filled((m) => { m.description.short = 'x'.repeat(300); }));
    assert.deepEqual(problems.map((p) => p.path), ['/description/short']);
    assert.match(problems[0]!.message, /80 characters/);
  });

  it('reports a command list outside the bot scopes, and more than 10 commands', async () => {
    const paths = await problemPaths(filled((m) => {
      m.bots[0]!.commandLists[1]!.scopes = ['groupChat'];
      m.bots[0]!.commandLists[0]!.commands.push(...['a', 'b'].map((title) => ({ title })));
    }));
    assert.deepEqual(paths.sort(), ['/bots/0/commandLists/0/commands', '/bots/0/commandLists/1/scopes/0']);
  });

  it('refuses a schema it does not bundle instead of downloading one', async () => {
    const problems = await validateManifest(filled((m) => { m.$schema = 'https://developer.microsoft.com/json-schemas/teams/v1.18/MicrosoftTeams.schema.json'; }));
    assert.deepEqual(problems.map((p) => p.path), ['/$schema']);
    assert.match(problems[0]!.message, /v1\.30/);
  });
});

describe('Teams app manifest commands', () => {
  const [personal, team] = committedManifest().bots[0]!.commandLists;

  it('lists the required commands in personal chat: ten, Teams\' most for one list', () => {
    assert.deepEqual(personal!.scopes, ['personal']);
    assert.deepEqual(personal!.commands.map((c) => c.title).sort(), [...REQUIRED_COMMANDS].sort());
    assert.ok(personal!.commands.length <= 10);
  });

  it('lists in team channels only commands that put nothing personal in the channel (takedown notices name people: 1:1 only)', () => {
    assert.deepEqual(team!.scopes, ['team']);
    assert.deepEqual(team!.commands.map((c) => c.title), ['help']);
  });

  it('describes every command within Teams limits and in the bot\'s own help', () => {
    const helped = new Set(COMMAND_HELP.map((entry) => entry.command));
    for (const command of [...personal!.commands, ...team!.commands]) {
      assert.ok(command.title.length <= 32 && (command.description ?? '').length > 0 && command.description!.length <= 128, command.title);
      assert.ok(helped.has(command.title), `"${command.title}" is not in COMMAND_HELP`);
    }
  });

  for (const [list, where] of [[personal, 'personal'], [team, 'team']] as const) {
    for (const { title } of list!.commands) {
      it(`is understood by the bot: "${title}" (${where})`, async () => {
        assert.equal(await howTheBotTakes(title, where), title === 'help' ? 'help' : 'command');
      });
    }
  }

  it('tells an unknown command apart (the check above can fail)', async () => {
    assert.equal(await howTheBotTakes('make me a sandwich', 'personal'), 'unrecognised');
  });
});
