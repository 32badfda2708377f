import path from 'node:path';
import { drawIcons } from './icons';

/**
 * `npx tsx scripts/make-icons.ts [dir]`: (re)draws the app icons Teams requires into `dir`
 * (default `appPackage`): color.png 192x192 and outline.png 32x32 white on transparent.
 * The drawing lives in `icons.ts`, shared with the packager, which redraws missing icons.
 */
const dir = path.resolve(process.argv[2] ?? 'appPackage');
drawIcons(dir);
console.log(`Icons written to ${dir}`);
