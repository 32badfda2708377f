import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sinon from 'sinon';
import { FAKE_DEFAULTS } from '../../scripts/app-manifest';
import { renderIcon } from '../../scripts/icons';
import { encodePng } from '../../scripts/png';
import { main, packageApp } from '../../scripts/package-app';
import { copyOfProject, PROJECT_ROOT, unzip } from './fixtures';

const REAL = {
  TEAMS_APP_ID: '3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b', BOT_ID: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
  BOT_DOMAIN: 'smdesk-test.azurewebsites.net', APP_NAME_SUFFIX: '', AAD_APP_CLIENT_ID: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
};

describe('npm run package (scripts/package-app.ts)', () => {
  let project: ReturnType<typeof copyOfProject>;
  beforeEach(() => { project = copyOfProject(); });
  afterEach(() => {
    project.cleanup();
    sinon.restore();
  });

  function writeEnvFile(env: string, lines: string[]): void {
    mkdirSync(path.join(project.root, 'env'), { recursive: true });
    writeFileSync(path.join(project.root, 'env', `.env.${env}`), `${lines.join('\n')}\n`);
  }

  it('writes a zip of exactly manifest.json, color.png and outline.png with every placeholder filled', async () => {
    const outcome = await packageApp({ root: project.root, env: 'staging', processEnv: REAL });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.zipPath, path.join(project.appDir, 'build', 'appPackage.staging.zip'));
    const entries = unzip(readFileSync(outcome.zipPath));
    assert.deepEqual([...entries.keys()], ['manifest.json', 'color.png', 'outline.png']);
    for (const [name, data] of entries) assert.ok(!data.toString('latin1').includes('${{'), `${name} still holds a placeholder`);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    assert.deepEqual([manifest.id, manifest.bots[0].botId, manifest.validDomains, manifest.name.short], [REAL.TEAMS_APP_ID, REAL.BOT_ID, [REAL.BOT_DOMAIN], 'Social Media Desk']);
    assert.deepEqual(manifest.webApplicationInfo, { id: REAL.AAD_APP_CLIENT_ID, resource: `api://${REAL.BOT_DOMAIN}/${REAL.AAD_APP_CLIENT_ID}` });
    assert.equal(manifest.staticTabs[1].contentUrl, `https://${REAL.BOT_DOMAIN}/dashboard`);
    assert.deepEqual(entries.get('color.png'), renderIcon('color'));
    assert.deepEqual(entries.get('outline.png'), renderIcon('outline'));
    assert.deepEqual(outcome.warnings, []);
  });

  it('is reproducible: the same inputs give the same bytes', async () => {
    const first = await packageApp({ root: project.root, env: 'staging', processEnv: REAL });
    assert.ok(first.ok);
    const bytes = readFileSync(first.zipPath);
    await packageApp({ root: project.root, env: 'staging', processEnv: REAL });
    assert.deepEqual(readFileSync(first.zipPath), bytes);
  });

  it('takes values from env/.env.<env>, with the process environment winning', async () => {
    writeEnvFile('test', ['# provisioned', `TEAMS_APP_ID=${REAL.TEAMS_APP_ID}`, `BOT_ID="${REAL.BOT_ID}"`, 'BOT_DOMAIN=from-file.example.com', 'APP_NAME_SUFFIX=" (test)"']);
    const outcome = await packageApp({ root: project.root, env: 'test', processEnv: { BOT_DOMAIN: 'from-environment.example.com', AAD_APP_CLIENT_ID: REAL.AAD_APP_CLIENT_ID } });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const manifest = outcome.manifest as { id: string; bots: { botId: string }[]; validDomains: string[]; name: { short: string } };
    assert.deepEqual([manifest.id, manifest.bots[0]!.botId, manifest.validDomains, manifest.name.short], [REAL.TEAMS_APP_ID, REAL.BOT_ID, ['from-environment.example.com'], 'Social Media Desk (test)']);
  });

  it('uses fake ids for dev when provisioning has not filled them, and warns naming them', async () => {
    writeEnvFile('dev', ['TEAMSFX_ENV=dev', 'APP_NAME_SUFFIX=', 'TEAMS_APP_ID=', 'BOT_ID=', 'BOT_DOMAIN=']);
    const outcome = await packageApp({ root: project.root, env: 'dev', processEnv: {} });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.warnings.length, 1);
    assert.match(outcome.warnings[0]!, /^TEAMS_APP_ID, BOT_ID, BOT_DOMAIN, AAD_APP_CLIENT_ID not set for "dev": using fake stand-ins/);
    assert.equal((outcome.manifest as { id: string }).id, FAKE_DEFAULTS.TEAMS_APP_ID);
  });

  it('refuses other environments with a placeholder left without a value, naming it', async () => {
    const outcome = await packageApp({ root: project.root, env: 'prod', processEnv: { ...REAL, BOT_ID: '' } });
    assert.ok(!outcome.ok);
    assert.deepEqual(outcome.problems, ['${{BOT_ID}} has no value: set BOT_ID in env/.env.prod or the environment']);
    assert.ok(!existsSync(path.join(project.appDir, 'build', 'appPackage.prod.zip')));
  });

  it('refuses a manifest with schema errors, each with its path, and writes nothing', async () => {
    const manifest = JSON.parse(readFileSync(path.join(project.appDir, 'manifest.json'), 'utf8'));
    manifest.manifestVersion = 1.3;
    manifest.description.short = 'x'.repeat(300);
    writeFileSync(path.join(project.appDir, 'manifest.json'), JSON.stringify(manifest));
    const outcome = await packageApp({ root: project.root, env: 'staging', processEnv: REAL });
    assert.ok(!outcome.ok);
    assert.ok(outcome.problems.some((p) => p.startsWith('/manifestVersion: must be string')), outcome.problems.join('\n'));
    assert.ok(outcome.problems.some((p) => p.startsWith('/description/short: must NOT have more than 80 characters')), outcome.problems.join('\n'));
    assert.ok(!existsSync(path.join(project.appDir, 'build')));
  });

  it('redraws a missing icon, or fails on it when asked not to', async () => {
    rmSync(path.join(project.appDir, 'outline.png'));
    const strict = await packageApp({ root: project.root, env: 'staging', processEnv: REAL, redrawMissingIcons: false });
    assert.ok(!strict.ok);
    assert.deepEqual(strict.problems, [`outline.png is missing (${path.join(project.appDir, 'outline.png')})`]);
    const outcome = await packageApp({ root: project.root, env: 'staging', processEnv: REAL });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.notes.slice(1), ['Drew the missing outline.png.']);
    assert.deepEqual(readFileSync(path.join(project.appDir, 'outline.png')), renderIcon('outline'));
  });

  it('refuses an icon of the wrong size', async () => {
    writeFileSync(path.join(project.appDir, 'color.png'), encodePng(96, 96, () => [0, 94, 110, 255]));
    const outcome = await packageApp({ root: project.root, env: 'staging', processEnv: REAL });
    assert.ok(!outcome.ok);
    assert.deepEqual(outcome.problems, ['color.png is 96x96; the color icon must be 192x192']);
  });

  it('exits 0 when built, 1 on an invalid package and 2 on a usage error', async () => {
    const errors = sinon.stub(console, 'error');
    sinon.stub(console, 'log');
    sinon.stub(console, 'warn');
    assert.equal(await main(['--env', 'staging'], project.root, REAL), 0);
    assert.equal(await main(['--env', 'prod'], project.root, {}), 1);
    assert.match(String(errors.lastCall.args[0]), /App package for "prod" not built: 5 problem\(s\):\n {2}- \$\{\{AAD_APP_CLIENT_ID\}\} has no value[\s\S]*\$\{\{APP_NAME_SUFFIX\}\} has no value/);
    assert.equal(await main(['--bogus'], project.root, REAL), 2);
    assert.match(String(errors.lastCall.args[0]), /Unknown option '--bogus'[\s\S]*usage: npm run package/);
  });

  it('runs from the command line for dev: npx tsx scripts/package-app.ts --env dev', async () => {
    const env = { ...process.env };
    for (const name of Object.keys(REAL)) delete env[name];
    const { stdout } = await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'scripts/package-app.ts', '--env', 'dev'], { cwd: PROJECT_ROOT, env });
    assert.match(stdout, /Built appPackage[/\\]build[/\\]appPackage\.dev\.zip \(manifest 1\.\d+, schema-valid\)/);
    const entries = unzip(readFileSync(path.join(PROJECT_ROOT, 'appPackage', 'build', 'appPackage.dev.zip')));
    assert.deepEqual([...entries.keys()], ['manifest.json', 'color.png', 'outline.png']);
    assert.ok(!entries.get('manifest.json')!.toString('utf8').includes('${{'));
  });
});
