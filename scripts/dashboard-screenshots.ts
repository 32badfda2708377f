import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, Page } from 'playwright-core';
import { AzuriteProcess, startAzurite } from '../src/store/azurite-process';
import { azuriteConnectionString, ensureTables, openTables } from '../src/store/tables';
import { BotHarness, PEOPLE, PersonKey } from '../test/support/bot-harness';
import { NOW, validForm, validReport, validTakedown } from '../test/bot/conversation-helpers';
import { buildDashboard } from './build-web';
import { CHROMIUM, CHROMIUM_FLAGS } from './playground-session';

/*
 * `npm run docs:dashboard-screenshots`: the dashboard's pictures in docs/guide.md (docs/images/dashboard-*.png), taken
 * in Debian's Chromium from the real bot (its server, engine and statistics on an in-memory Azurite), as the browser
 * test (test/e2e/dashboard.test.ts) opens the page. Twelve weeks of cases are made through the bot with its clock
 * moved back week by week (some decided in time, some late), so the charts have a history; then the statistics are
 * rebuilt as of today, as `npm run statistics:rebuild` does, which settles the clocks whose deadline has passed.
 * Each picture's entry in docs/images/manifest.json is written beside the card pictures' (`npm run docs:screenshots`
 * makes those; run this after it, since it starts docs/images afresh).
 */

const ROOT = path.resolve(__dirname, '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const MANIFEST = path.join(IMAGES, 'manifest.json');
const WEEKS = 12;
const DAY = 86_400_000;

interface Manifest { note: string; images: Record<string, { shows: string; templates: Record<string, string> }> }

async function main(): Promise<void> {
  let azurite: AzuriteProcess | undefined;
  let bot: BotHarness | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    await buildDashboard();
    azurite = await startAzurite({ port: 0 });
    const tables = openTables({ kind: 'connectionString', connectionString: azuriteConnectionString(azurite.port) }, 'pictures');
    await ensureTables(tables);
    let now = NOW;
    bot = await new BotHarness({ now: () => now, tables: { tables, prefix: 'pictures' } }).start();
    const harness = bot;
    const at = (moment: Date) => { now = moment; };
    const click = async (person: PersonKey, verb: string, data: Record<string, unknown>) => {
      await harness.click(person, verb, data);
      await harness.idle();
    };
    const numbers = { AR: 0, AINM: 0, TD: 0 };
    const next = (prefix: keyof typeof numbers) => `${prefix}-2026-${String(++numbers[prefix]).padStart(5, '0')}`;

    for (let week = WEEKS - 1; week >= 0; week--) {
      // Monday 10:00 of each of the last twelve weeks, and the working days after it.
      const monday = new Date(NOW.getTime() - week * 7 * DAY - 2 * DAY);
      const day = (days: number) => new Date(monday.getTime() + days * DAY);
      at(monday);
      const start = monday.toISOString().slice(0, 10);
      const end = new Date(monday.getTime() + 180 * DAY).toISOString().slice(0, 10);
      for (let request = 0; request < 2 + (week % 2); request++) {
        await click('alex', 'accessRequest.submit', validForm({ startDate: start, endDate: end, sites: ['facebook,linkedin', 'x', 'youtube'][request % 3] }));
        const reference = next('AR');
        // Most decided the same day; every fourth week one waits four days (the clock missed).
        at(request === 1 && week % 4 === 1 ? day(4) : day(0));
        if (week > 0 || request === 0) await click('megan', 'accessRequest.approve', { reference, comment: '' });
        at(monday);
      }
      await click('alex', 'abuseReport.submit', validReport({ happenedOn: start, category: ['harassment', 'threat', 'abuse'][week % 3] }));
      const record = next('AINM');
      at(week % 3 === 2 ? day(3) : day(0));
      if (week > 0) await click('megan', 'abuseReport.acknowledge', { reference: record, note: '' });
      at(monday);
      await click('adele', 'takedown.issue', validTakedown());
      const notice = next('TD');
      at(week % 5 === 3 ? day(3) : day(0));
      if (week > 0) await click('alex', 'takedown.confirmRemoval', { reference: notice, note: '' });
    }
    at(NOW);
    for (let post = 1; post <= 6; post++) {
      await click('adele', 'customerPost.log', {
        formId: `pictures-post-${post}`, platform: post % 2 ? 'facebook' : 'x', platformOther: '', link: `https://www.facebook.com/wheatleyhomes/posts/pfbid0pic${post}`,
        postedOn: '2026-11-25', postedTime: '09:20', kind: post % 3 ? 'complaint' : 'problem_or_enquiry', summary: `Asks about repair ${post}.`, handle: '',
      });
    }
    await harness.runtime.statistics.rebuild(NOW);

    const base = `http://127.0.0.1:${(harness.runtime.server.address() as AddressInfo).port}/dashboard`;
    const shots: Manifest['images'] = {};
    const open = async (person: PersonKey, query = '', width = 1280): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}?as=${PEOPLE[person].id}${query}`);
      await page.getByText(`${PEOPLE[person].name} (local)`).waitFor();
      return page;
    };
    const shoot = async (page: Page, file: string, shows: string) => {
      await page.locator('main').screenshot({ path: path.join(IMAGES, file) });
      shots[file] = { shows, templates: {} };
    };

    const adele = await open('adele');
    await adele.getByText('Due today').waitFor();
    await shoot(adele, 'dashboard-overview.png', 'the dashboard\'s overview, as the Communications Team sees it');
    await adele.getByRole('link', { name: 'Service levels' }).click();
    await adele.locator('#service-level-charts canvas').first().waitFor();
    await adele.waitForTimeout(800);
    await shoot(adele, 'dashboard-service-levels.png', 'the service levels, week by week, as the Communications Team sees them');
    await adele.close();

    const isaiah = await open('isaiah');
    await isaiah.getByRole('link', { name: 'Registers' }).click();
    await isaiah.getByLabel('Register', { exact: true }).selectOption({ label: 'AINM register' });
    await isaiah.locator('#register-table tbody tr').filter({ hasText: 'AINM-2026-00012' }).waitFor();
    await isaiah.getByLabel('Rows per page').selectOption('10');
    await isaiah.getByRole('button', { name: 'Show', exact: true }).click();
    await isaiah.getByText('AINM register, page 1').waitFor();
    await shoot(isaiah, 'dashboard-ainm-register.png', 'the AINM register, as the Incident team sees it');
    await isaiah.close();

    const megan = await open('megan');
    await megan.getByRole('link', { name: 'Registers' }).click();
    await megan.locator('#register-table tbody tr').first().waitFor();
    await megan.getByLabel('Rows per page').selectOption('10');
    await megan.getByRole('button', { name: 'Show', exact: true }).click();
    await megan.getByText('My team, page 1').waitFor();
    await shoot(megan, 'dashboard-my-team.png', 'a line manager\'s "My team"');
    await megan.close();

    const dark = await open('adele', '&theme=dark', 420);
    await dark.getByText('Due today').waitFor();
    await shoot(dark, 'dashboard-dark-phone.png', 'the overview in Teams\' dark theme at phone width');
    await dark.close();

    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
    const kept = Object.fromEntries(Object.entries(manifest.images).filter(([file]) => !file.startsWith('dashboard-')));
    writeFileSync(MANIFEST, `${JSON.stringify({ ...manifest, images: { ...kept, ...shots } }, null, 2)}\n`);
    console.log(`Wrote ${Object.keys(shots).length} dashboard pictures to docs/images/ and their lines in manifest.json.`);
  } finally {
    await browser.close().catch(() => undefined);
    await bot?.stop().catch(() => undefined);
    await azurite?.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`docs:dashboard-screenshots failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  });
}
