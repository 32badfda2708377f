import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { readConfig } from '../../src/config';
import { createTableDirectory } from '../../src/store/directory-table';
import { parseDirectorySeed } from '../../src/directory/seed-file';
import { RunningBot, startBot } from '../../src/index';
import { createLogger } from '../../src/logger';
import { AzuriteProcess, freePort, startAzurite } from '../../src/store/azurite-process';
import { azuriteConnectionString, ensureTables, openTables } from '../../src/store/tables';
import { button, card, CHROMIUM, CHROMIUM_FLAGS, chromiumOrSkip, say, stopChild } from '../../scripts/playground-session';

/*
 * The browser test (`npm run test:e2e`): the real bot, on an in-memory Azurite, with the Microsoft 365
 * Agents Playground as the Teams client, driven in Debian's Chromium through playwright-core (no browser
 * download). Screenshots of every step, and of both people's screens when a step fails, go to
 * test-results/e2e/, with the bot's and the playgrounds' logs.
 *
 * Two people need two Teams clients. One playground shows one person (its `currentUser`) and sends every
 * message, click and install as that person; it cannot show another user's 1:1 chat with the bot. So, as in
 * Teams, each person has their own client: Alex in a playground with the project's
 * .m365agentsplayground.yml (as `npm start` runs it), Megan in a second one with the same tenant, bot and
 * people but herself as the current user. Opening her playground installs the app for her, so the bot keeps
 * her conversation reference (with her playground's service URL) and sends her the request there.
 *
 * (With one playground, the bot's 1:1 chat with Megan fails: its mock connector opens a chat for any member
 * id (201), but knows users only by its own ids ("user-id-1"), not by Entra object ids, so the message into
 * that chat is refused with 500 UserNotFound. Real Teams accepts the object id; and the chat would show in
 * no one's view anyway.)
 */

const ROOT = path.resolve(__dirname, '..', '..');
const ARTEFACTS = path.join(ROOT, 'test-results', 'e2e');
/** How long to wait for one thing to appear: replies take about 5 s in the playground. */
const WAIT_MS = 45_000;
const BUSINESS_CASE = 'I answer tenants who message the housing team on our Facebook page.';

interface PlaygroundUser {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
  readonly [field: string]: string;
}

interface PlaygroundConfig {
  readonly tenantId: string;
  readonly bot: { readonly id: string; readonly name: string };
  readonly currentUser: PlaygroundUser;
  readonly users: readonly PlaygroundUser[];
  readonly groupChats: readonly { readonly id: string; readonly name: string }[];
  readonly teams: readonly {
    readonly id: string; readonly name: string; readonly aadGroupId: string;
    readonly channels: readonly { readonly id: string; readonly name: string }[];
  }[];
}

interface Playground {
  readonly url: string;
  readonly child: ChildProcess;
}

describe('the Agents Playground in Chromium (browser test)', function () {
  let azurite: AzuriteProcess | undefined;
  let bot: RunningBot | undefined;
  let botLog: WriteStream | undefined;
  let browser: BrowserContext | undefined;
  const playgrounds: Playground[] = [];
  let scratch = '';
  const screens = new Map<string, Page>();
  let alex: Page;
  let megan: Page;

  before(async function () {
    if (!chromiumOrSkip(this)) return;
    rmSync(ARTEFACTS, { recursive: true, force: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    scratch = mkdtempSync(path.join(os.tmpdir(), 'smd-e2e-'));

    azurite = await startAzurite({ port: 0, queuePort: 0 });
    const connectionString = azuriteConnectionString(azurite.port, '127.0.0.1', azurite.queuePort);
    await seedExampleDirectory(connectionString, 'e2e');
    // Only what the test sets: no app id (anonymous local mode, loopback), nothing taken from the environment.
    const config = readConfig({ HOST: '127.0.0.1', PORT: '0', AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX: 'e2e', LOG_LEVEL: 'debug' });
    botLog = createWriteStream(path.join(ARTEFACTS, 'bot.log'));
    bot = await startBot(config, createLogger('debug', botLog));

    const alexPlayground = await startPlayground('alex', bot.url, path.join(ROOT, '.m365agentsplayground.yml'), scratch);
    playgrounds.push(alexPlayground);
    const meganConfig = path.join(scratch, 'megan.yml');
    await writeConfigAs(alexPlayground.url, 'Megan Bowen', 'personal-chat-megan', meganConfig);
    playgrounds.push(await startPlayground('megan', bot.url, meganConfig, scratch));

    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1500 },
    });
    browser.setDefaultTimeout(WAIT_MS);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    for (const playground of playgrounds) await stopChild(playground.child);
    await bot?.stop().catch((error: unknown) => console.warn(`    stopping the bot: ${String(error)}`));
    await azurite?.stop();
    await new Promise<void>((resolve) => (botLog ? botLog.end(resolve) : resolve()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('Alex requests access, Megan approves it in her own chat, the cards update', async function () {
    this.timeout(300_000);
    let reference = '';

    await step('megan opens teams', async () => {
      megan = await open('megan', playgrounds[1]!.url);
      // Her client installs the app on connect; the welcome card is the bot's answer to that install.
      await card(megan, 'Type a command above at any time').waitFor();
    }, () => megan);

    await step('alex opens teams', async () => {
      alex = await open('alex', playgrounds[0]!.url);
      await card(alex, 'Type a command above at any time').waitFor();
    }, () => alex);

    await step('alex fills in the request', async () => {
      await say(alex, 'request access');
      const form = card(alex, 'Request social media access');
      await form.waitFor();
      await form.getByRole('checkbox', { name: /Facebook/ }).check();
      await form.getByRole('radio', { name: /View during working hours/ }).check();
      await form.getByLabel('Business case').fill(BUSINESS_CASE);
      await form.getByRole('checkbox', { name: /I have read the Social Media Policy/ }).check();
      await form.getByRole('checkbox', { name: /may monitor my use of social media/ }).check();
      // The approver list is pre-filled with the line manager (the playground's people picker gives its own user ids, which the bot does not know).
      await form.getByText('your line manager is Megan Bowen').waitFor();
      assert.equal(await form.getByRole('combobox', { name: /Approver/ }).inputValue(), 'Megan Bowen');
      await form.getByRole('button', { name: 'Send to approver' }).scrollIntoViewIfNeeded();
    }, () => alex);

    await step('alex sends it', async () => {
      await card(alex, 'Request social media access').getByRole('button', { name: 'Send to approver' }).click();
      const sent = card(alex, 'Sent to Megan Bowen');
      await sent.waitFor();
      reference = /AR-\d{4}-\d{5,}/.exec(await sent.innerText())?.[0] ?? '';
      assert.ok(reference, 'the card shows the new reference');
      // Updated in place: the form is gone, replaced by the request.
      assert.equal(await card(alex, 'Request social media access').count(), 0, 'the form was replaced by the request card');
      assert.match(await sent.innerText(), /Waiting for approval/);
      await sent.scrollIntoViewIfNeeded();
    }, () => alex);

    await step('megan gets the request', async () => {
      const request = card(megan, reference, 'Alex Wilber asks for view access to Facebook').filter({ has: button(megan, 'Approve') });
      await request.waitFor();
      assert.match(await request.innerText(), new RegExp(BUSINESS_CASE));
      await request.scrollIntoViewIfNeeded();
    }, () => megan);

    await step('megan approves', async () => {
      await card(megan, reference).filter({ has: button(megan, 'Approve') }).getByRole('button', { name: 'Approve', exact: true }).click();
      const approved = card(megan, reference, 'You approved this request');
      await approved.waitFor();
      assert.match(await approved.innerText(), /^Active$/m);
      // The same card, updated in place: no card for this request still offers the decision buttons.
      assert.equal(await card(megan, reference).filter({ has: button(megan, 'Approve') }).count(), 0, 'the Approve button is gone');
      await approved.scrollIntoViewIfNeeded();
    }, () => megan);

    await step('alex sees the outcome', async () => {
      const outcome = card(alex, 'Megan Bowen approved your request');
      await outcome.waitFor();
      assert.match(await outcome.innerText(), new RegExp(reference));
      // And the request card Alex sent was updated in place too.
      await card(alex, reference, 'Waiting for approval').waitFor({ state: 'detached' });
      const active = (await alex.locator('.ac-adaptiveCard').filter({ hasText: reference }).allInnerTexts()).filter((text) => /^Active$/m.test(text));
      assert.equal(active.length, 2, 'both of Alex\'s cards show the request as Active');
      await outcome.scrollIntoViewIfNeeded();
    }, () => alex);
  });

  it('harassment with danger brings 999, then support, then the urgent form; without danger, the form alone (issue 13)', async function () {
    this.timeout(120_000);
    await step('alex writes about a threat', async () => {
      const before = await alex.locator('.ac-adaptiveCard').count();
      await say(alex, 'I\'m being harassed on Facebook by a tenant and he said he\'ll kill me');
      // The replies in order: the 999 line and support in one card, then the report form.
      const support = alex.locator('.ac-adaptiveCard').nth(before);
      const form = alex.locator('.ac-adaptiveCard').nth(before + 1);
      await form.getByRole('button', { name: 'Send report' }).waitFor();
      const lines = (await support.innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
      assert.match(lines[0]!, /call 999/, 'the 999 line is the first line of the first reply');
      assert.ok(lines.indexOf('Support') > 0, 'the support block follows the 999 line');
      // The playground renders Action.OpenUrl as a button with role "link", the address as its title.
      const eap = support.getByRole('link', { name: 'Employee Assistance Programme' });
      assert.match(await eap.getAttribute('title') ?? '', /^https:\/\/livewell\.optum\.com/);
      assert.equal(await form.getByRole('checkbox', { name: 'I am in immediate danger' }).isChecked(), true);
      assert.equal(await form.getByRole('combobox', { name: /Site or app/ }).inputValue(), 'Facebook');
      await support.scrollIntoViewIfNeeded();
    }, () => alex);

    await step('alex writes about harassment without danger', async () => {
      const before = await alex.locator('.ac-adaptiveCard').count();
      await say(alex, 'someone keeps harassing me on twitter');
      // The first reply is the form itself (its standing 999 line at the top): no danger and support card before it.
      const form = alex.locator('.ac-adaptiveCard').nth(before);
      await form.waitFor();
      assert.match(await form.innerText(), /Report abuse or harassment/);
      assert.equal(await form.getByRole('link', { name: 'Employee Assistance Programme' }).count(), 0, 'no support card');
      assert.equal(await form.getByRole('checkbox', { name: 'I am in immediate danger' }).isChecked(), false);
      assert.equal(await form.getByRole('combobox', { name: /Site or app/ }).inputValue(), 'X (Twitter)');
      await form.scrollIntoViewIfNeeded();
    }, () => alex);
  });

  let stepNumber = 0;
  /** One step of the story: a screenshot after it, and of every open screen if it fails. */
  async function step(title: string, run: () => Promise<void>, screen: () => Page): Promise<void> {
    stepNumber += 1;
    const name = `${String(stepNumber).padStart(2, '0')}-${title.replace(/[^a-z0-9]+/gi, '-')}`;
    try {
      await run();
    } catch (error) {
      for (const [who, page] of screens) {
        await page.screenshot({ path: path.join(ARTEFACTS, `${name}-FAILED-${who}.png`) }).catch(() => undefined);
      }
      throw new Error(`step "${title}" failed (screenshots in test-results/e2e/): ${(error as Error).message}`, { cause: error });
    }
    await screen().screenshot({ path: path.join(ARTEFACTS, `${name}.png`) });
  }

  async function open(who: string, url: string): Promise<Page> {
    const page = await browser!.newPage();
    screens.set(who, page);
    const log = createWriteStream(path.join(ARTEFACTS, `browser-${who}.log`));
    page.on('console', (message) => { if (message.type() === 'error') log.write(`${message.text()}\n`); });
    page.on('pageerror', (error) => log.write(`page error: ${error.message}\n`));
    page.once('close', () => log.end());
    await page.goto(url);
    return page;
  }
});




async function seedExampleDirectory(connectionString: string, prefix: string): Promise<void> {
  const tables = openTables({ kind: 'connectionString', connectionString }, prefix);
  await ensureTables(tables);
  const parsed = parseDirectorySeed(JSON.parse(readFileSync(path.join(ROOT, 'directory.example.json'), 'utf8')));
  if (!parsed.ok) throw new Error(`directory.example.json: ${parsed.problems.join('; ')}`);
  await createTableDirectory(tables.directory, 0).replaceAll(parsed.people);
}

/**
 * Starts a playground like scripts/dev.ts does (loopback only, no browser opened, telemetry off), on a free
 * port, and resolves once it listens. Its output and log file go to test-results/e2e/.
 */
async function startPlayground(who: string, botUrl: string, configPath: string, cwd: string): Promise<Playground> {
  const cli = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  const preload = path.join(ROOT, 'scripts', 'loopback-only.cjs');
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', preload, cli, '-e', botUrl, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(ARTEFACTS, `playground-${who}.log`),
    },
  });
  const output = createWriteStream(path.join(ARTEFACTS, `playground-${who}.out.log`));
  child.stdout!.pipe(output);
  child.stderr!.pipe(output);
  // It takes another port if that one is taken, and says which.
  const listening = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${who}'s playground did not start within 30 s: ${seen.slice(-500)}`)), 30_000);
    const onOutput = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /Listening on (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${who}'s playground exited with code ${code}: ${seen.slice(-500)}`));
    });
  });
  return { url: `http://127.0.0.1:${listening}`, child };
}

/**
 * Writes a playground config for another person: the same tenant, bot, people, group chat and team as the
 * project's config (read back, parsed, from a running playground), with `name` as the current user and a
 * personal chat of their own. JSON is YAML, so the file is JSON.
 */
async function writeConfigAs(playgroundUrl: string, name: string, personalChatId: string, file: string): Promise<void> {
  const response = await fetch(`${playgroundUrl}/_internal/v1/config`);
  assert.equal(response.status, 200, 'the playground answers its config');
  const { config } = (await response.json()) as { config: PlaygroundConfig };
  const everyone = [config.currentUser, ...config.users];
  const me = everyone.find((user) => user.name === name);
  const [groupChat] = config.groupChats;
  const [team] = config.teams;
  if (!me || !groupChat || !team) throw new Error(`the playground config has no user "${name}", group chat or team`);
  writeFileSync(file, JSON.stringify({
    version: '0.1.1',
    tenantId: config.tenantId,
    bot: config.bot,
    currentUser: me,
    users: everyone.filter((user) => user !== me),
    personalChat: { id: personalChatId },
    groupChat: { id: groupChat.id, name: groupChat.name },
    // The playground adds the team's own General channel (id = team id) itself.
    team: { id: team.id, name: team.name, aadGroupId: team.aadGroupId, channels: team.channels.filter((c) => c.id !== team.id).map((c) => ({ id: c.id, name: c.name })) },
  }, null, 2));
}

