import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * Draws the app icons Teams requires, so the package never depends on hand-made binaries:
 * color.png 192x192 (full colour) and outline.png 32x32 (white on transparent).
 * The mark is a speech bubble with a tick: a conversation that gets a decision.
 */
type Rgba = [number, number, number, number];

function png(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x++) Buffer.from(pixel(x, y)).copy(raw, y * (width * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc;
}

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

const dir = path.resolve(process.argv[2] ?? 'appPackage');
mkdirSync(dir, { recursive: true });
const TEAL: Rgba = [0, 94, 110, 255];
writeFileSync(path.join(dir, 'color.png'), png(192, 192, (x, y) => {
  const mark = inMark((x + 0.5) / 192, (y + 0.5) / 192);
  return mark === 'bubble' ? [255, 255, 255, 255] : TEAL;
}));
writeFileSync(path.join(dir, 'outline.png'), png(32, 32, (x, y) => {
  const mark = inMark((x + 0.5) / 32, (y + 0.5) / 32);
  return mark === 'bubble' ? [255, 255, 255, 255] : [0, 0, 0, 0];
}));
console.log(`Icons written to ${dir}`);
