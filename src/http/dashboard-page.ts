import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type restify from 'restify';

/**
 * The dashboard tab's page: GET /dashboard (index.html), /dashboard/app.js and /dashboard/app.css, built from
 * web/dashboard by `npm run build` (scripts/build-web.ts) into dist/web/dashboard. The page itself holds nothing
 * personal (the numbers come from /api/dashboard, which checks who asks on every call), so it is the same for
 * everyone; its headers keep it to Teams' frames and to scripts and styles of its own.
 */

/**
 * Where Teams and the Microsoft 365 apps frame a tab (Microsoft Learn, "Prerequisites" for tabs): Teams, the new
 * *.cloud.microsoft hosts, the Microsoft 365 app and Outlook. Nothing else may frame the page (clickjacking).
 */
export const TAB_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
] as const;

/**
 * Scripts, styles and requests of its own only: no inline script or style, no CDN. The one exception is
 * teams-js's list of valid Teams origins, which it fetches from Microsoft's CDN at start (when blocked, it uses
 * the list bundled with it, which ages).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' https://res.cdn.office.net/teams-js/",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  `frame-ancestors ${TAB_FRAME_ANCESTORS.join(' ')}`,
].join('; ');

const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/dashboard': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** The security headers of every answer under /dashboard, errors included. */
export function dashboardPageHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Not personal, but unversioned: a browser may keep a copy only if it asks first (ETag), so a deploy shows at once.
    'Cache-Control': 'no-cache',
  };
}

/** Finds the built page from wherever this file runs (src through tsx, or dist/src after a build). */
export function defaultDashboardDirectory(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'web', 'dashboard');
  }
  return path.resolve(from, '..', '..', 'web', 'dashboard');
}

/** Registers the page's three routes (GET and HEAD); files are read when asked for, so a rebuild shows without a restart. */
export function registerDashboardPage(server: restify.Server, directory = defaultDashboardDirectory()): void {
  for (const [route, asset] of Object.entries(ASSETS)) {
    const answer: restify.RequestHandler = (req, res, next) => {
      const file = path.join(directory, asset.file);
      const headers = dashboardPageHeaders();
      if (!existsSync(file)) {
        res.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end('The dashboard is not built: run npm run build.');
        return next(false);
      }
      const body = readFileSync(file);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...headers, ETag: etag });
        res.end();
        return next(false);
      }
      res.writeHead(200, { ...headers, 'Content-Type': asset.type, 'Content-Length': String(body.length), ETag: etag });
      res.end(req.method === 'HEAD' ? undefined : body);
      return next(false);
    };
    server.get(route, answer);
    server.head(route, answer);
  }
}
