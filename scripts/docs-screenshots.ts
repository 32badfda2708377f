import { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { readConfig } from '../src/config';
import { RunningBot, startBot } from '../src/index';
import { createLogger } from '../src/logger';
import { AzuriteProcess, startAzurite } from '../src/store/azurite-process';
import { azuriteConnectionString } from '../src/store/tables';
import { campaignQueueName, openWorkQueue } from '../src/store/campaign-queue';
import { encodeMessage } from '../src/workflows/campaign/messages';
import {
  button, card, choose, CHROMIUM, CHROMIUM_FLAGS, findRoot, say, seedExampleDirectory, startPlayground, stopChild, writeConfigAs,
} from './playground-session';

/*
 * `npm run docs:screenshots`: the pictures in docs/guide.md, taken from the real bot's cards in the Microsoft 365
 * Agents Playground, in Debian's Chromium through playwright-core, as the browser test (test/e2e/playground.test.ts)
 * runs them: an in-memory Azurite with the example directory, the bot in this process, one playground per person.
 * Each picture is cropped to its card. docs/images/manifest.json records, for each picture, the sha256 of the card
 * templates it shows: test/docs/guide.test.ts fails when a template changes and its picture was not taken again.
 */

/** Project root, from scripts/ (tsx) or dist/scripts/ (after a build). */
export const ROOT = findRoot(__dirname);
export const IMAGES = path.join(ROOT, 'docs', 'images');
export const MANIFEST = path.join(IMAGES, 'manifest.json');
const TABLE_PREFIX = 'docs';
/** Replies take about 5 s in the playground. */
const WAIT_MS = 45_000;

/** What manifest.json holds: image file name -> card template path (from the root) -> its sha256. */
export interface ImageManifest {
  readonly note: string;
  readonly images: Readonly<Record<string, { readonly shows: string; readonly templates: Readonly<Record<string, string>> }>>;
}

function dashboardEntriesOf(manifest: ImageManifest | undefined): ImageManifest['images'] {
  return Object.fromEntries(Object.entries(manifest?.images ?? {}).filter(([file]) => file.startsWith('dashboard-')));
}

/** A template's digest, line endings normalised so a checkout with CRLF does not count as a change. */
export function templateDigest(template: string): string {
  const text = readFileSync(path.join(ROOT, template), 'utf8').replace(/\r\n/g, '\n');
  return createHash('sha256').update(text).digest('hex');
}

/** The people of directory.example.json who take part, each in their own playground (one playground shows one person). */
const PEOPLE = { alex: 'Alex Wilber', megan: 'Megan Bowen', adele: 'Adele Vance', isaiah: 'Isaiah Langer' } as const;
type Who = keyof typeof PEOPLE;

interface Session {
  readonly pages: Record<Who, Page>;
  readonly connectionString: string;
  readonly shots: Record<string, { shows: string; templates: Record<string, string> }>;
}

/** The story the guide tells, one picture a step; each names the card templates it shows. */
async function story(session: Session): Promise<void> {
  const { alex, megan, adele, isaiah } = session.pages;
  const shoot = (file: string, shows: string, templates: string[], target: Locator) => snap(session, file, shows, templates, target);

  await shoot('welcome.png', 'the welcome card (also the answer to "help")', ['welcome'], card(alex, 'Type a command above at any time'));

  await say(alex, 'request access');
  const form = card(alex, 'Request social media access');
  await form.getByRole('checkbox', { name: /Facebook/ }).check();
  await form.getByRole('radio', { name: /View during working hours/ }).check();
  await form.getByLabel('Business case').fill('I answer tenants who message the housing team on our Facebook page.');
  await form.getByRole('checkbox', { name: /I have read the Social Media Policy/ }).check();
  await form.getByRole('checkbox', { name: /may monitor my use of social media/ }).check();
  await shoot('access-request-form.png', 'the access request form, filled in', ['access-request-form'], form);
  await form.getByRole('button', { name: 'Send to approver' }).click();
  const reference = /AR-\d{4}-\d{5,}/.exec(await card(alex, 'Sent to Megan Bowen').innerText())?.[0] ?? 'AR-';

  const decision = card(megan, reference, 'Alex Wilber asks for view access to Facebook').filter({ has: button(megan, 'Approve') });
  await shoot('access-request-approver.png', 'the request as the approver (line manager) gets it', ['access-request'], decision);
  await decision.getByRole('button', { name: 'Approve', exact: true }).click();
  await card(megan, reference, 'You approved this request').waitFor();
  await shoot('access-request-approved.png', 'the requester told of the approval', ['access-request'], card(alex, 'Megan Bowen approved your request'));

  await say(alex, 'report abuse');
  const report = card(alex, 'Send report');
  await report.getByRole('radio', { name: /^Harassment/ }).check();
  await choose(alex, report, /Who it came from/, 'A member of the public');
  await choose(alex, report, /Site or app/, 'Facebook');
  await report.getByRole('textbox', { name: /What happened/ }).fill('Repeated abusive comments under our repairs post, naming me.');
  await report.getByRole('checkbox', { name: /I would like support/ }).check();
  await shoot('abuse-report-form.png', 'the abuse and harassment report form, filled in', ['abuse-report-form'], report);
  await report.getByRole('button', { name: 'Send report' }).click();
  const receipt = card(alex, 'is recorded. Megan Bowen and the Incident team have been told');
  await shoot('abuse-report-receipt.png', 'the reporter\'s receipt', ['abuse-report'], receipt);
  const ainm = /AINM-\d{4}-\d{5,}/.exec(await receipt.innerText())?.[0] ?? 'AINM-';
  await shoot('abuse-report-manager.png', 'the line manager\'s alert, with Acknowledge', ['abuse-report'], card(megan, ainm).filter({ has: button(megan, 'Acknowledge') }));
  await shoot('abuse-report-incident-team.png', 'the Incident team\'s alert, with Start investigation', ['abuse-report'], card(isaiah, ainm).filter({ has: button(isaiah, 'Start investigation') }));

  await say(adele, 'issue takedown');
  const takedown = card(adele, 'Send notice');
  await choose(adele, takedown, /Member of staff/, 'Alex Wilber');
  await takedown.getByLabel('Link to the post').fill('https://www.facebook.com/example/posts/123');
  await choose(adele, takedown, /Site or app/, 'Facebook');
  await takedown.getByRole('checkbox', { name: /Confidential information/ }).check();
  await takedown.getByLabel('Explanation for the member of staff').fill('The post shows a tenant\'s address. Please remove it.');
  await shoot('takedown-form.png', 'the takedown notice form (Communications Team)', ['takedown-form'], takedown);
  await takedown.getByRole('button', { name: 'Send notice' }).click();
  await card(adele, 'Sent to Alex Wilber').waitFor();
  await shoot('takedown-recipient.png', 'a takedown notice as the member of staff gets it', ['takedown'], card(alex, 'TD-').filter({ has: button(alex, 'I have removed it') }));

  await say(alex, 'my cases');
  await shoot('my-cases.png', '"my cases": everything the person has a part in', ['case-list'], card(alex, 'My cases'));

  await say(megan, 'out of office');
  await shoot('out-of-office.png', 'the out-of-office form: who acts for a manager, until a date', ['out-of-office'], card(megan, 'Out of office'));

  await campaignStory(session);
}

/** A policy campaign: Adele's form, Alex's card, his reminder and acknowledgement, Megan's team, Adele's progress. */
async function campaignStory(session: Session): Promise<void> {
  const { alex, megan, adele } = session.pages;
  const shoot = (file: string, shows: string, templates: string[], target: Locator) => snap(session, file, shows, templates, target);
  await say(adele, 'start campaign');
  const form = card(adele, 'Start a policy acknowledgement campaign');
  await form.getByLabel('Policy version').fill('2026.2');
  await form.getByLabel('Title').fill('Social Media Policy, December 2026');
  await form.getByLabel('What changed, in short').fill('Monitoring of business accounts now covers Viva Engage; a takedown is due within one working day.');
  await form.getByLabel('Link to the policy (https)').fill('https://holmes.wheatley-group.com/policies/social-media');
  await form.getByLabel('Due in working days').fill('10');
  await shoot('campaign-form.png', 'the campaign form (Communications Team and administrators), filled in', ['campaign-form'], form);
  await form.getByRole('button', { name: 'Start campaign' }).click();
  const answer = card(adele, /Started\. Cards are on their way|Please check the highlighted fields/);
  const started = await answer.innerText();
  if (!/Started\./.test(started)) throw new Error(`the campaign form was refused: ${started.slice(0, 500)}`);
  const reference = /AC-\d{4}-\d{5,}/.exec(started)?.[0] ?? 'AC-';

  const acknowledgement = card(alex, 'Please read and acknowledge the Social Media Policy').filter({ has: button(alex, 'Acknowledge') });
  await shoot('campaign-acknowledgement.png', 'the policy card each person gets, with Acknowledge and "I have a question"', ['campaign-acknowledgement'], acknowledgement);
  // The reminder round comes half-way to the due date: its message for Alex is queued now, as the timer would.
  await queueReminder(session.connectionString, reference, ALEX_ID);
  const reminder = card(alex, 'Reminder: please acknowledge the Social Media Policy').filter({ has: button(alex, 'Acknowledge') });
  await shoot('campaign-reminder.png', 'the reminder to someone who has not acknowledged yet', ['campaign-acknowledgement'], reminder);
  await reminder.getByRole('button', { name: 'Acknowledge', exact: true }).click();
  await shoot('campaign-acknowledged.png', 'the card once acknowledged: the version and the time recorded', ['campaign-acknowledgement'], card(alex, 'Thank you: your acknowledgement is recorded'));

  await say(megan, 'team policy');
  await shoot('campaign-team.png', '"team policy": a line manager\'s team and their acknowledgements', ['campaign-team'], card(megan, 'Your team and the Social Media Policy'));

  const progress = card(adele, `Policy campaign ${reference}`).filter({ has: button(adele, 'Refresh') });
  await progress.getByRole('button', { name: 'Refresh', exact: true }).click();
  await shoot('campaign-progress.png', 'a campaign\'s progress as the Communications Team sees it', ['campaign'], card(adele, `Policy campaign ${reference}`, /Acknowledged\s*1/));
}

/** Alex Wilber's id in directory.example.json and .m365agentsplayground.yml. */
const ALEX_ID = '00000000-0000-0000-0000-0000000000020';

/** Puts one reminder message on the campaign queue, as the reminder timer does for everyone not yet acknowledged. */
async function queueReminder(connectionString: string, reference: string, personId: string): Promise<void> {
  const queue = openWorkQueue({ kind: 'connectionString', connectionString }, campaignQueueName(TABLE_PREFIX));
  await queue.add([encodeMessage({ k: 'remind', c: reference, p: personId, r: 1 })]);
}

/**
 * Where a card template is kept: `cards/<name>.json`, or the workflow's own cards.ts (a workflow may bring its
 * templates, WorkflowModule `cardTemplates`): then that file's digest stands for them all.
 */
export function templateSource(name: string): string {
  const json = `cards/${name}.json`;
  if (existsSync(path.join(ROOT, json))) return json;
  const workflows = path.join(ROOT, 'src', 'workflows');
  for (const folder of readdirSync(workflows)) {
    const source = path.join(workflows, folder, 'cards.ts');
    if (existsSync(source) && readFileSync(source, 'utf8').includes(`'${name}':`)) return path.relative(ROOT, source).split(path.sep).join('/');
  }
  throw new Error(`no card template named ${name}`);
}

async function snap(session: Session, file: string, shows: string, templates: string[], target: Locator): Promise<void> {
  await target.waitFor();
  await target.scrollIntoViewIfNeeded();
  await target.screenshot({ path: path.join(IMAGES, file), animations: 'disabled' });
  const paths = templates.map(templateSource);
  session.shots[file] = { shows, templates: Object.fromEntries(paths.map((template) => [template, templateDigest(template)])) };
  console.log(`  ${file}: ${shows}`);
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'smd-docs-'));
  const children: ChildProcess[] = [];
  let azurite: AzuriteProcess | undefined;
  let bot: RunningBot | undefined;
  let browser: BrowserContext | undefined;
  try {
    azurite = await startAzurite({ port: 0, queuePort: 0 });
    const connectionString = azuriteConnectionString(azurite.port, '127.0.0.1', azurite.queuePort);
    await seedExampleDirectory(ROOT, connectionString, TABLE_PREFIX);
    const config = readConfig({ HOST: '127.0.0.1', PORT: '0', AZURE_TABLES_CONNECTION_STRING: connectionString, TABLE_PREFIX, LOG_LEVEL: 'warn' });
    bot = await startBot(config, createLogger('warn', createWriteStream(path.join(scratch, 'bot.log'))));
    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1500 }, deviceScaleFactor: 1,
    });
    browser.setDefaultTimeout(WAIT_MS);
    const pages = {} as Record<Who, Page>;
    let alexUrl = '';
    for (const who of Object.keys(PEOPLE) as Who[]) {
      const configFile = who === 'alex' ? path.join(ROOT, '.m365agentsplayground.yml') : path.join(scratch, `${who}.yml`);
      if (who !== 'alex') await writeConfigAs(alexUrl, PEOPLE[who], configFile);
      const playground = await startPlayground(ROOT, who, bot.url, configFile, scratch);
      if (who === 'alex') alexUrl = playground.url;
      children.push(playground.child);
      pages[who] = await browser.newPage();
      await pages[who].goto(playground.url);
      // Opening a playground installs the app for its person; the welcome card is the bot's answer.
      await card(pages[who], 'Type a command above at any time').waitFor();
    }
    // The dashboard's pictures are npm run docs:dashboard-screenshots' own: kept, with their manifest lines.
    const dashboardShots = dashboardEntriesOf(existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as ImageManifest) : undefined);
    for (const file of existsSync(IMAGES) ? readdirSync(IMAGES) : []) {
      if (!(file in dashboardShots)) rmSync(path.join(IMAGES, file), { recursive: true, force: true });
    }
    mkdirSync(IMAGES, { recursive: true });
    const session: Session = { pages, connectionString, shots: {} };
    await story(session);
    const manifest: ImageManifest = {
      note: 'Written by npm run docs:screenshots: each image with the sha256 of the card templates it shows (test/docs/guide.test.ts).',
      images: { ...session.shots, ...dashboardShots },
    };
    writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`Wrote ${Object.keys(session.shots).length} images and manifest.json to docs/images/.`);
  } finally {
    await browser?.close().catch(() => undefined);
    for (const child of children) await stopChild(child);
    await bot?.stop().catch(() => undefined);
    await azurite?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`docs:screenshots failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
