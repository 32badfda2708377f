import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * What the bot needs at run time, relative to the project root (dist/web: the dashboard tab's built page);
 * `npm ci --omit=dev` in the staged folder adds node_modules.
 */
export const STAGED_PATHS = ['package.json', 'package-lock.json', 'dist/src', 'dist/scripts', 'dist/web', 'cards', '.webappignore'] as const;

/** Where `teamsapp deploy` stages the web app (teamsapp.yml, deploy). Git-ignored. */
export const DEFAULT_STAGE_DIR = '.deploy/webapp';

/**
 * Copies the built bot into a clean `target` folder inside `root`, ready for a production-only
 * `npm ci` and a zip deploy to App Service: no sources, tests, local data or development tools.
 * Returns the paths copied. Throws if the build is missing or `target` is not a sub-folder of `root`.
 */
export function stageWebApp(root: string, target: string = DEFAULT_STAGE_DIR): string[] {
  const rootDir = path.resolve(root);
  const targetDir = path.resolve(rootDir, target);
  const relative = path.relative(rootDir, targetDir);
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`the staging folder must be inside the project, not ${targetDir}`);
  }
  if (!existsSync(path.join(rootDir, 'dist', 'src', 'index.js'))) {
    throw new Error('dist/src/index.js is missing: run `npm run build` first');
  }
  rmSync(targetDir, { recursive: true, force: true });
  mkdirSync(targetDir, { recursive: true });
  const copied: string[] = [];
  for (const item of STAGED_PATHS) {
    const from = path.join(rootDir, item);
    if (!existsSync(from)) continue;
    cpSync(from, path.join(targetDir, item), { recursive: true });
    copied.push(item);
  }
  return copied;
}

if (require.main === module) {
  try {
    const target = process.argv[2] ?? DEFAULT_STAGE_DIR;
    const copied = stageWebApp(process.cwd(), target);
    console.log(`Staged ${copied.join(', ')} in ${target}. Next: npm ci --omit=dev there, then zip-deploy the folder.`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
