import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildDashboard } from '../../scripts/build-web';
import { BotHarness } from '../support/bot-harness';

/**
 * The dashboard tab's page over HTTP from the real server: a strict Content-Security-Policy (scripts and styles of
 * its own only, framed by Teams and Microsoft 365 alone), no MIME sniffing, no referrer, and a page with no inline
 * script or style that the policy would have to allow.
 */

/** Microsoft Learn, tab prerequisites: the hosts that frame a Teams tab. */
const TEAMS_HOSTS = ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.cloud.microsoft', 'https://*.microsoft365.com', 'https://*.office.com'];

/** The policy as directive -> sources. */
function directives(csp: string | null): Map<string, string[]> {
  assert.ok(csp, 'a Content-Security-Policy header');
  return new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...sources]) => [name!.toLowerCase(), sources]));
}

describe('the dashboard page\'s security headers (GET /dashboard over HTTP)', function () {
  this.timeout(60_000);
  let harness: BotHarness;
  let base = '';

  before(async () => {
    await buildDashboard();
    harness = await new BotHarness().start();
    base = `http://127.0.0.1:${(harness.runtime.server.address() as AddressInfo).port}`;
  });

  after(async () => harness.stop());

  for (const [route, type] of [['/dashboard', 'text/html'], ['/dashboard/app.js', 'text/javascript'], ['/dashboard/app.css', 'text/css']] as const) {
    it(`serves ${route} as ${type} with the policy, nosniff and no referrer`, async () => {
      const response = await fetch(`${base}${route}`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', new RegExp(`^${type}; charset=utf-8$`));
      const policy = directives(response.headers.get('content-security-policy'));
      assert.deepEqual(policy.get('default-src'), ["'self'"]);
      assert.deepEqual(policy.get('script-src'), ["'self'"], 'no inline or outside script');
      assert.deepEqual(policy.get('style-src'), ["'self'"], 'no inline or outside style');
      assert.deepEqual(policy.get('object-src'), ["'none'"]);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.doesNotMatch(response.headers.get('cache-control') ?? '', /public|immutable|max-age=[1-9]/);
      assert.ok((await response.arrayBuffer()).byteLength > 0);
    });
  }

  it('lets Teams and Microsoft 365 frame the tab, and no one else', async () => {
    const response = await fetch(`${base}/dashboard`);
    const ancestors = directives(response.headers.get('content-security-policy')).get('frame-ancestors');
    assert.ok(ancestors, 'frame-ancestors is set: without it any site could frame the dashboard');
    for (const host of TEAMS_HOSTS) assert.ok(ancestors.includes(host), `${host} may frame the tab`);
    for (const source of ancestors) {
      assert.match(source, /^https:\/\/(\*\.)?[a-z0-9.-]*(microsoft|office|office365|microsoft365)\.com$|^https:\/\/\*\.cloud\.microsoft$/, `${source} is a Microsoft host`);
    }
    assert.equal(response.headers.get('x-frame-options'), null, 'X-Frame-Options would stop Teams from framing it');
  });

  it('lets the page talk only to its own server (and teams-js to its list of Teams origins)', async () => {
    const response = await fetch(`${base}/dashboard`);
    assert.deepEqual(directives(response.headers.get('content-security-policy')).get('connect-src'), ["'self'", 'https://res.cdn.office.net/teams-js/']);
  });

  it('has no inline script, inline style or event handler the policy would block', async () => {
    const html = await (await fetch(`${base}/dashboard`)).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length > 0);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /\bsrc="\/dashboard\/app\.js"/);
      assert.equal(body!.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /<style\b/i);
    assert.doesNotMatch(html, /\sstyle=/i);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /https?:\/\//, 'nothing loaded from elsewhere');
  });

  it('answers HEAD with the same headers and no body', async () => {
    const response = await fetch(`${base}/dashboard`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.ok(directives(response.headers.get('content-security-policy')).get('frame-ancestors'));
    assert.equal((await response.arrayBuffer()).byteLength, 0);
  });

  it('answers a repeat with 304 when the file has not changed', async () => {
    const first = await fetch(`${base}/dashboard/app.js`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(`${base}/dashboard/app.js`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.ok(again.headers.get('content-security-policy'));
  });

  it('serves nothing else under /dashboard', async () => {
    for (const route of ['/dashboard/app.js.LEGAL.txt', '/dashboard/../package.json', '/dashboard/index.html.map']) {
      assert.equal((await fetch(`${base}${route}`)).status, 404, route);
    }
  });
});
