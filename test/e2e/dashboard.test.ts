import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { AzuriteProcess, startAzurite } from '../../src/store/azurite-process';
import { azuriteConnectionString, ensureTables, openTables } from '../../src/store/tables';
import { buildDashboard } from '../../scripts/build-web';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumOrSkip } from '../../scripts/playground-session';
import { deepLink } from '../../src/http/dashboard-api';
import { BotHarness, PEOPLE, PersonKey } from '../support/bot-harness';
import { NOW, submitReport, submitRequest, validTakedown } from '../bot/conversation-helpers';

/*
 * The dashboard tab in Chromium (issue 14), locally: the real bot (its server, engine and tables on an in-memory
 * Azurite), a few cases made through the bot over HTTP as Teams would send them, and the page at /dashboard opened
 * as four people chosen in the local banner: Adele (Communications Team), Isaiah (Incident team), Megan (Alex's line
 * manager) and Alex (member of staff). Each sees what their roles allow and nothing more; the server decides, and
 * a register asked for directly is refused. Screenshots and an axe-core report per person go to
 * test-results/dashboard/.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const ARTEFACTS = path.join(ROOT, 'test-results', 'dashboard');
const AXE = path.join(path.dirname(require.resolve('axe-core/package.json')), 'axe.min.js');
const WAIT_MS = 15_000;
const TEAMS = 'https://teams.microsoft.com';
const TEAMS_BOT_ID = '00000000-0000-0000-0000-00000000b0b0';

/** The Teams stand-in's page: frames the tab and answers teams-js's requests (postMessage), as Teams' web client does. */
const TEAMS_HOST_PAGE = `<!doctype html><html lang="en"><head><title>Teams (stand-in)</title></head><body>
<iframe id="tab" title="Dashboard" src="https://desk.example.test/dashboard" width="1260" height="880"></iframe>
<script>
  window.openedLinks = [];
  const tab = document.getElementById('tab');
  const context = __CONTEXT__;
  window.addEventListener('message', (event) => {
    const request = event.data;
    if (event.source !== tab.contentWindow || !request || typeof request.func !== 'string') return;
    const answer = (args) => tab.contentWindow.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args }, event.origin);
    if (request.func === 'initialize') answer(['content', 'web', '2.58.0', '2.58.0']);
    if (request.func === 'getContext') answer([context]);
    if (request.func === 'authentication.getAuthToken') answer([true, 'sso-token-adele']);
    if (request.func === 'executeDeepLink') { window.openedLinks.push(request.args[0]); answer([true]); }
  });
  window.changeTheme = (theme) => tab.contentWindow.postMessage({ func: 'themeChange', args: [theme] }, 'https://desk.example.test');
</script></body></html>`;

interface AxeResult { readonly violations: readonly { readonly id: string; readonly impact: string | null; readonly help: string; readonly nodes: readonly { readonly target: readonly unknown[] }[] }[] }

describe('the dashboard tab in Chromium (browser test)', function () {
  this.timeout(180_000);
  let azurite: AzuriteProcess | undefined;
  let bot: BotHarness | undefined;
  let browser: Browser | undefined;
  let base = '';
  const references: Record<string, string> = {};
  const pageErrors = new WeakMap<Page, string[]>();

  before(async function () {
    if (!chromiumOrSkip(this)) return;
    rmSync(ARTEFACTS, { recursive: true, force: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    await buildDashboard();
    azurite = await startAzurite({ port: 0 });
    const tables = openTables({ kind: 'connectionString', connectionString: azuriteConnectionString(azurite.port) }, 'dash');
    await ensureTables(tables);
    // No app id: local mode, loopback only, the person chosen in the page.
    bot = await new BotHarness({ now: () => NOW, tables: { tables, prefix: 'dash' } }).start();
    base = `http://127.0.0.1:${(bot.runtime.server.address() as AddressInfo).port}`;
    await makeCases(bot);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await bot?.stop().catch((error: unknown) => console.warn(`    stopping the bot: ${String(error)}`));
    await azurite?.stop();
  });

  /** Alex's access (approved by Megan), Alex's abuse report, a customer post on the desk and a takedown notice to Alex. */
  async function makeCases(harness: BotHarness): Promise<void> {
    await submitRequest(harness, 'alex');
    references.access = 'AR-2026-00001';
    await harness.click('megan', 'accessRequest.approve', { reference: references.access, comment: '' });
    await submitReport(harness, 'alex');
    references.ainm = 'AINM-2026-00001';
    // Eleven posts on the desk: two pages of ten.
    for (let post = 1; post <= 11; post++) {
      await harness.click('adele', 'customerPost.log', {
        formId: `e2e-post-${post}`, platform: 'facebook', platformOther: '', link: `https://www.facebook.com/wheatleyhomes/posts/pfbid0e2e${post}`,
        postedOn: '2026-11-25', postedTime: '09:20', kind: 'complaint', summary: `Asks why repair ${post} has waited three weeks.`, handle: '',
      });
    }
    references.desk = 'CP-2026-00001';
    await harness.click('adele', 'takedown.issue', validTakedown());
    await harness.idle();
  }

  it('Adele (Communications Team) sees the overview, service levels, the access register and the desk, never the AINM register; downloads a CSV', async () => {
    const page = await openAs('adele');
    await expectViews(page, ['Overview', 'Service levels', 'Registers']);
    await page.getByText('Due today').waitFor();
    await shot(page, 'adele-overview');

    await page.getByRole('link', { name: 'Service levels' }).click();
    const charts = page.locator('#service-level-charts canvas');
    await charts.first().waitFor();
    assert.ok(await charts.count() > 0, 'at least one service-level chart');
    // Each chart has its numbers as a table too: open the first one.
    await page.locator('#service-level-charts summary').first().click();
    await page.locator('#service-level-charts table').first().waitFor();
    await shot(page, 'adele-service-levels');

    await page.getByRole('link', { name: 'Registers' }).click();
    assert.deepEqual(await registerChoices(page), ['Access register', 'Comms desk']);
    const rows = page.locator('#register-table tbody tr');
    await rows.filter({ hasText: references.access! }).waitFor();
    assert.match(await rows.filter({ hasText: references.access! }).innerText(), /Alex Wilber/);
    // The register's own orders (each kept by the server, so true on every page), the one shown said above the table.
    await page.getByText('Newest request first.').waitFor();
    assert.deepEqual(await page.locator('#register-sort option').allInnerTexts(), ['Newest request first', 'Oldest first', 'Access ending soonest first']);
    await shot(page, 'adele-access-register');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^access-register-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(csv, /Alex Wilber/);
    assert.match(csv.split('\n')[0]!, /Reference/);

    // The desk, ten rows a page: Next and Previous walk the pages with the server's continuation tokens.
    await page.getByLabel('Register', { exact: true }).selectOption({ label: 'Comms desk' });
    await rows.filter({ hasText: references.desk! }).waitFor();
    await page.getByLabel('Rows per page').selectOption('10');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText('Comms desk, page 1').waitFor();
    await waitForRows(page, 10);
    const firstPage = await rows.allInnerTexts();
    assert.equal(await page.getByRole('button', { name: 'Previous' }).isDisabled(), true);
    // Typed but not shown yet: Next keeps to the pages shown (a continuation token belongs to one query).
    await page.getByLabel('Search').fill('not pressed Show yet');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Comms desk, page 2').waitFor();
    await waitForRows(page, 1);
    assert.ok(!firstPage.includes((await rows.allInnerTexts())[0]!), 'page 2 shows another post');
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Comms desk, page 1').waitFor();
    assert.deepEqual(await rows.allInnerTexts(), firstPage);
    // Another order: the oldest post first, and page 2 carries on in it.
    await page.getByLabel('Order').selectOption({ label: 'Oldest first' });
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText('Oldest first.', { exact: true }).waitFor();
    await waitForRows(page, 10);
    assert.match(await rows.first().innerText(), /CP-2026-00001/);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Comms desk, page 2').waitFor();
    await waitForRows(page, 1);
    assert.match(await rows.first().innerText(), /CP-2026-00011/);
    // Search narrows the register on the server.
    await page.getByLabel('Search').fill('CP-2026-00007');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByText('Comms desk, page 1').waitFor();
    await waitForRows(page, 1);
    assert.match(await rows.innerText(), /CP-2026-00007/);
    await shot(page, 'adele-desk');
    assert.equal(await page.getByText(references.ainm!).count(), 0);
    await audit(page, 'adele');
    await done(page);
  });

  it('Isaiah (Incident team) sees the AINM register, not the access register or the desk', async () => {
    const page = await openAs('isaiah');
    await expectViews(page, ['Overview', 'Service levels', 'Registers']);
    await page.getByRole('link', { name: 'Registers' }).click();
    const choices = await registerChoices(page);
    assert.ok(choices.includes('AINM register'), choices.join(', '));
    assert.ok(!choices.includes('Access register') && !choices.includes('Comms desk'), choices.join(', '));
    await page.getByLabel('Register', { exact: true }).selectOption({ label: 'AINM register' });
    await page.locator('#register-table tbody tr').filter({ hasText: references.ainm! }).waitFor();
    await shot(page, 'isaiah-ainm-register');
    assert.equal(await askFromPage(page, 'isaiah', '/api/dashboard/registers/access'), 403);
    await audit(page, 'isaiah');
    await done(page);
  });

  it('Megan (line manager) sees her team\'s cases, no service levels, no AINM register', async () => {
    const page = await openAs('megan');
    await expectViews(page, ['Overview', 'Registers']);
    await page.getByRole('link', { name: 'Registers' }).click();
    assert.deepEqual(await registerChoices(page), ['My team']);
    await page.locator('#register-table tbody tr').filter({ hasText: 'Alex Wilber' }).first().waitFor();
    await shot(page, 'megan-my-team');
    assert.equal(await askFromPage(page, 'megan', '/api/dashboard/registers/ainm'), 403);
    assert.equal(await askFromPage(page, 'megan', '/api/dashboard/service-levels'), 403);
    await audit(page, 'megan');
    await done(page);
  });

  it('Alex (member of staff) sees only the overview: no registers, no service levels, no AINM details', async () => {
    const page = await openAs('alex');
    await expectViews(page, ['Overview']);
    await page.getByText('My actions').waitFor();
    await shot(page, 'alex-overview');
    assert.equal(await page.getByText(references.ainm!).count(), 0);
    for (const route of ['/api/dashboard/registers/ainm', '/api/dashboard/registers/access', '/api/dashboard/registers/desk', '/api/dashboard/service-levels']) {
      assert.equal(await askFromPage(page, 'alex', route), 403, route);
    }
    await audit(page, 'alex');
    await done(page);
  });

  it('is usable by keyboard, readable at 360 px, in Teams\' dark and high-contrast themes, under its CSP', async () => {
    const page = await newPage({ width: 360, height: 780 });
    await page.goto(`${base}/dashboard?as=${PEOPLE.adele.id}&theme=contrast`);
    await page.locator('#nav-overview').waitFor();
    // From the top: skip link, the person chooser, then the views.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to the dashboard');
    await page.locator('#nav-registers').focus();
    await page.keyboard.press('Enter');
    await page.locator('#register-table tbody tr').first().waitFor();
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    assert.notEqual(outline, 'none', 'the focused link shows where focus is');
    assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), 'no sideways scrolling at 360 px');
    await shot(page, 'adele-360px-contrast');
    await audit(page, 'adele-contrast');

    await page.goto(`${base}/dashboard?as=${PEOPLE.adele.id}&theme=dark`);
    await page.locator('#nav-overview').waitFor();
    await page.getByText('Due today').waitFor();
    await shot(page, 'adele-360px-dark');
    await audit(page, 'adele-dark');
    assert.deepEqual(await page.evaluate('window.cspViolations'), []);
    await done(page);
  });

  it('in a Teams frame: Teams\' theme and its changes, the SSO token on every call, a reference opened through Teams', async () => {
    const page = await newPage({ width: 1280, height: 900 });
    const asked: string[] = [];
    await standInForTeams(page, asked);
    await page.goto(`${TEAMS}/l/entity/dashboard`);
    const tab = page.frameLocator('#tab');
    await tab.getByRole('navigation', { name: 'Dashboard views' }).waitFor();
    // Signed in by Teams: no local banner, the person from the token.
    assert.equal(await tab.getByText('Local — you are choosing who you are').isVisible(), false);
    await tab.locator('#who').getByText(PEOPLE.adele.name).waitFor();
    const frame = page.frame({ url: /desk\.example\.test/ })!;
    assert.equal(await frame.evaluate('document.documentElement.dataset.theme'), 'dark', 'the theme from the Teams context');
    await page.evaluate('changeTheme("contrast")');
    await tab.locator('html[data-theme="contrast"]').waitFor({ state: 'attached' });
    await tab.getByRole('link', { name: 'Registers' }).click();
    const link = tab.getByRole('link', { name: references.access! });
    await link.click();
    assert.deepEqual(await page.evaluate('openedLinks'), [deepLink(TEAMS_BOT_ID, references.access!)], 'opened by Teams (executeDeepLink), not in the tab');
    assert.ok(asked.length >= 3 && asked.every((call) => call === 'Bearer sso-token-adele'), `every API call carried the SSO token: ${asked.join(', ')}`);
    await shot(page, 'adele-in-teams-contrast');
    await done(page);
  });

  it('may be framed by Teams and Microsoft 365 only: another site\'s frame is refused by the browser', async () => {
    const page = await newPage({ width: 800, height: 600 });
    await standInForTeams(page, []);
    const refused = page.waitForEvent('console', (message) => /frame-ancestors/.test(message.text()));
    await page.goto('https://elsewhere.example.test/');
    await refused;
    assert.equal(await page.frameLocator('#tab').locator('#main').count(), 0, 'the dashboard did not load in the frame');
    await done(page);
  });

  /**
   * A stand-in for Teams in the browser: https://teams.microsoft.com (and, for the refusal, another site) answered by
   * a page that frames the dashboard at https://desk.example.test and answers teams-js's messages as Teams does
   * (initialize, getContext with the dark theme, getAuthToken, executeDeepLink; changeTheme() sends a theme change).
   * Requests to desk.example.test go to the local bot; the API's must carry the SSO token, which stands for Adele
   * (the local bot has no app id, so it is told who that is).
   */
  async function standInForTeams(page: Page, authorizations: string[]): Promise<void> {
    const host = TEAMS_HOST_PAGE.replace('__CONTEXT__', JSON.stringify({
      locale: 'en-gb', theme: 'dark', entityId: 'dashboard', frameContext: 'content', hostClientType: 'web',
      userObjectId: PEOPLE.adele.id, tid: '11111111-2222-3333-4444-555555555555', appSessionId: 'e2e', sessionId: 'e2e',
    }));
    await page.route(/^https:\/\/(teams\.microsoft\.com|elsewhere\.example\.test)\//, (route) => route.fulfill({ contentType: 'text/html', body: host }));
    await page.route(/^https:\/\/res\.cdn\.office\.net\//, (route) => route.abort());
    await page.route(/^https:\/\/desk\.example\.test\//, async (route) => {
      const url = new URL(route.request().url());
      const headers = { ...route.request().headers() };
      if (url.pathname.startsWith('/api/')) {
        authorizations.push(headers.authorization ?? '(none)');
        if (headers.authorization !== 'Bearer sso-token-adele') return route.fulfill({ status: 401, json: { error: 'no token' } });
        headers['x-dashboard-user'] = PEOPLE.adele.id;
      }
      const response = await route.fetch({ url: `${base}${url.pathname}${url.search}`, headers });
      if (!/^\/api\/dashboard\/registers\/[a-zA-Z]+$/.test(url.pathname)) return route.fulfill({ response });
      // The local bot has no app id and so no Teams deep links: give the rows the links it makes in Teams.
      const page = await response.json() as { rows: { reference: string; deepLink: string }[] };
      for (const row of page.rows) row.deepLink = deepLink(TEAMS_BOT_ID, row.reference);
      return route.fulfill({ response, json: page });
    });
  }

  /** A page as `person`, chosen in the local banner as a person would. */
  async function openAs(person: PersonKey): Promise<Page> {
    const page = await newPage({ width: 1280, height: 900 });
    await page.goto(`${base}/dashboard`);
    const banner = page.getByRole('region', { name: 'Local — you are choosing who you are' });
    await banner.waitFor();
    await Promise.all([page.waitForURL(/\?as=/), banner.getByLabel('See the dashboard as').selectOption(PEOPLE[person].id)]);
    await page.getByText(`${PEOPLE[person].name} (local)`).waitFor();
    return page;
  }

  async function newPage(viewport: { width: number; height: number }): Promise<Page> {
    const page = await browser!.newPage({ viewport, acceptDownloads: true });
    page.setDefaultTimeout(WAIT_MS);
    // Any script, style or request the policy blocks is recorded (an init script runs outside the page's CSP).
    await page.addInitScript(`window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));`);
    const errors: string[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (error) => errors.push(error.message));
    return page;
  }

  /** Closes a page once it showed no script error. */
  async function done(page: Page): Promise<void> {
    assert.deepEqual(pageErrors.get(page), [], 'no script errors on the page');
    await page.close();
  }

  async function expectViews(page: Page, views: string[]): Promise<void> {
    const nav = page.getByRole('navigation', { name: 'Dashboard views' });
    await nav.waitFor();
    assert.deepEqual(await nav.getByRole('link').allInnerTexts(), views);
  }

  /** Until the register shows exactly `count` rows (no waitForFunction: it evaluates a string, which the CSP forbids). */
  async function waitForRows(page: Page, count: number): Promise<void> {
    const rows = page.locator('#register-table tbody tr');
    await rows.nth(count - 1).waitFor();
    await rows.nth(count).waitFor({ state: 'detached' });
  }

  async function registerChoices(page: Page): Promise<string[]> {
    await page.locator('#register option').first().waitFor({ state: 'attached' });
    return page.locator('#register option').allInnerTexts();
  }

  /** The status the API gives `person` for `route`, asked from the page as its own script would. */
  async function askFromPage(page: Page, person: PersonKey, route: string): Promise<number> {
    return page.evaluate(async ([url, id]) => (await fetch(url!, { headers: { 'X-Dashboard-User': id! } })).status, [route, PEOPLE[person].id]);
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`), fullPage: true });
  }

  /** axe-core in the page: no serious or critical violations (all are written to the report). */
  async function audit(page: Page, name: string): Promise<void> {
    // Evaluated through the DevTools protocol: a <script> tag (page.addScriptTag) would be inline, which the CSP blocks.
    await page.evaluate(readFileSync(AXE, 'utf8'));
    const result = await page.evaluate('axe.run(document, { resultTypes: ["violations"] })') as AxeResult;
    const report = result.violations.map((violation) => `${violation.impact}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join('; ')}`);
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(ARTEFACTS, `axe-${name}.txt`), `${report.join('\n') || 'no violations'}\n`));
    const serious = result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    assert.deepEqual(serious.map((violation) => violation.id), [], `axe (${name}): ${report.join('\n')}`);
  }
});
