import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Builds the dashboard tab (web/dashboard) into dist/web/dashboard: app.ts with chart.js and teams-js bundled
 * into one app.js (no CDN: the tab must work offline and under a CSP of 'self'), beside index.html and app.css.
 * `npm run build` runs it after tsc; the page's tests call {@link buildDashboard} themselves.
 */
export const DASHBOARD_SOURCE = path.join('web', 'dashboard');
export const DASHBOARD_OUTPUT = path.join('dist', 'web', 'dashboard');
const STATIC_FILES = ['index.html', 'app.css'];

export async function buildDashboard(root = projectRoot(), outDir = path.join(root, DASHBOARD_OUTPUT)): Promise<string> {
  const source = path.join(root, DASHBOARD_SOURCE);
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(source, 'app.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    // Licences of the bundled libraries go to app.js.LEGAL.txt, served by nobody: the bundle stays small.
    legalComments: 'external',
    logLevel: 'warning',
    tsconfig: path.join(root, 'web', 'tsconfig.json'),
  });
  for (const file of STATIC_FILES) copyFileSync(path.join(source, file), path.join(outDir, file));
  return outDir;
}

function projectRoot(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, DASHBOARD_SOURCE))) return dir;
  }
  throw new Error(`${DASHBOARD_SOURCE} not found above ${from}`);
}

if (require.main === module) {
  buildDashboard().then(
    (outDir) => console.log(`Built the dashboard tab in ${path.relative(process.cwd(), outDir) || outDir}.`),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
