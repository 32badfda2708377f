import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodePng, encodePng, pngSize, Rgba } from './png';

/**
 * The app icons Teams requires, drawn by the project so the package never depends on hand-made
 * binaries: color.png 192x192 (full colour) and outline.png 32x32 (white on transparent).
 * The mark is a speech bubble with a tick: a conversation that gets a decision.
 */
export const ICON_SIZES = { color: 192, outline: 32 } as const;
export type IconKind = keyof typeof ICON_SIZES;
export const ICON_FILES: Readonly<Record<IconKind, string>> = { color: 'color.png', outline: 'outline.png' };

const TEAL: Rgba = [0, 94, 110, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** The mark in unit coordinates (0..1): a rounded bubble with a tail, and a tick cut out of it. */
function inMark(u: number, v: number): 'bubble' | 'tick' | 'none' {
  const inBox = u > 0.16 && u < 0.84 && v > 0.18 && v < 0.68;
  const corner = Math.min(Math.hypot(Math.max(0.26 - u, u - 0.74, 0), Math.max(0.28 - v, v - 0.58, 0)), 1);
  const inTail = v >= 0.66 && v < 0.84 && u > 0.3 && u < 0.48 && u - 0.3 < (0.84 - v) * 1.0;
  if (!((inBox && corner <= 0.1) || inTail)) return 'none';
  const nearSegment = (ax: number, ay: number, bx: number, by: number) => {
    const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay))) < 0.045;
  };
  return nearSegment(0.34, 0.43, 0.46, 0.54) || nearSegment(0.46, 0.54, 0.67, 0.32) ? 'tick' : 'bubble';
}

/** One icon as PNG bytes: the colour icon is a white mark on teal, the outline a white mark on nothing. */
export function renderIcon(kind: IconKind): Buffer {
  const size = ICON_SIZES[kind];
  const background = kind === 'color' ? TEAL : CLEAR;
  return encodePng(size, size, (x, y) => (inMark((x + 0.5) / size, (y + 0.5) / size) === 'bubble' ? WHITE : background));
}

/** Writes color.png and outline.png into `dir` (created if needed); returns the paths written. */
export function drawIcons(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return (Object.keys(ICON_FILES) as IconKind[]).map((kind) => {
    const file = path.join(dir, ICON_FILES[kind]);
    writeFileSync(file, renderIcon(kind));
    return file;
  });
}

/**
 * What is wrong with one icon file for Teams, as messages naming the file (empty: fine). Checks that
 * it exists, is a PNG of the required size and, for the outline, that every pixel is either fully
 * transparent or white and that some are transparent.
 */
export function iconProblems(file: string, kind: IconKind): string[] {
  const name = path.basename(file);
  if (!existsSync(file)) return [`${name} is missing (${file})`];
  const png = readFileSync(file);
  const size = pngSize(png);
  const want = ICON_SIZES[kind];
  if (!size) return [`${name} is not a PNG file`];
  if (size.width !== want || size.height !== want) return [`${name} is ${size.width}x${size.height}; the ${kind} icon must be ${want}x${want}`];
  return kind === 'outline' ? outlineProblems(name, png) : [];
}

function outlineProblems(name: string, png: Buffer): string[] {
  let image;
  try {
    image = decodePng(png);
  } catch (error) {
    return [`${name} cannot be checked: ${(error as Error).message}`];
  }
  let transparent = 0;
  const wrong: string[] = [];
  for (let i = 0; i < image.width * image.height; i++) {
    const [r, g, b, a] = image.rgba.subarray(i * 4, i * 4 + 4);
    if (a === 0) transparent++;
    else if (r !== 255 || g !== 255 || b !== 255) wrong.push(`(${i % image.width},${Math.floor(i / image.width)}) rgba(${r},${g},${b},${a})`);
  }
  const problems: string[] = [];
  if (wrong.length > 0) problems.push(`${name} must be white on transparent: ${wrong.length} pixel(s) are coloured, first at ${wrong[0]}`);
  if (transparent === 0) problems.push(`${name} must be white on transparent: it has no transparent pixels`);
  return problems;
}
