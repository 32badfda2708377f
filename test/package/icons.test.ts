import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { drawIcons, iconProblems, renderIcon } from '../../scripts/icons';
import { decodePng, encodePng, pngSize } from '../../scripts/png';
import { PROJECT_ROOT } from './fixtures';

/** A PNG whose rows use the given filter types (1 Sub, 2 Up, 3 Average, 4 Paeth), as image editors write them. */
function filteredPng(width: number, height: number, rgba: Buffer, filters: number[]): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length]!;
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const at = (dy: number, dx: number) => (y + dy >= 0 && x + dx >= 0 ? rgba[(y + dy) * stride + x + dx]! : 0);
      const [a, b, c] = [at(0, -4), at(-1, 0), at(-1, -4)];
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      raw[y * (stride + 1) + 1 + x] = (rgba[y * stride + x]! - predictor) & 0xff;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const frame = Buffer.alloc(4);
    frame.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([frame, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('Teams app icons', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'smdesk-icons-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are the project\'s own drawing, at the sizes Teams requires', () => {
    for (const kind of ['color', 'outline'] as const) {
      const file = path.join(PROJECT_ROOT, 'appPackage', `${kind}.png`);
      assert.deepEqual(readFileSync(file), renderIcon(kind), `${kind}.png differs from scripts/icons.ts: run npx tsx scripts/make-icons.ts`);
      assert.deepEqual(iconProblems(file, kind), []);
    }
    assert.deepEqual(pngSize(renderIcon('color')), { width: 192, height: 192 });
    assert.deepEqual(pngSize(renderIcon('outline')), { width: 32, height: 32 });
  });

  it('drawIcons writes both icons into a directory', () => {
    drawIcons(dir);
    assert.deepEqual(iconProblems(path.join(dir, 'color.png'), 'color'), []);
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), []);
  });

  it('fails a missing icon, naming it', () => {
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), [`outline.png is missing (${path.join(dir, 'outline.png')})`]);
  });

  it('fails an icon of the wrong size, and a file that is not a PNG', () => {
    writeFileSync(path.join(dir, 'color.png'), encodePng(100, 100, () => [0, 94, 110, 255]));
    assert.deepEqual(iconProblems(path.join(dir, 'color.png'), 'color'), ['color.png is 100x100; the color icon must be 192x192']);
    writeFileSync(path.join(dir, 'outline.png'), renderIcon('color'));
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), ['outline.png is 192x192; the outline icon must be 32x32']);
    writeFileSync(path.join(dir, 'color.png'), 'GIF89a');
    assert.deepEqual(iconProblems(path.join(dir, 'color.png'), 'color'), ['color.png is not a PNG file']);
  });

  it('fails an outline with a coloured pixel', () => {
    const outline = decodePng(renderIcon('outline'));
    writeFileSync(path.join(dir, 'outline.png'), encodePng(32, 32, (x, y) => (x === 5 && y === 7 ? [0, 94, 110, 255]
      : [...outline.rgba.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 4)] as [number, number, number, number])));
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), ['outline.png must be white on transparent: 1 pixel(s) are coloured, first at (5,7) rgba(0,94,110,255)']);
  });

  it('fails an outline with no transparency, and accepts white at any opacity', () => {
    writeFileSync(path.join(dir, 'outline.png'), encodePng(32, 32, () => [255, 255, 255, 255]));
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), ['outline.png must be white on transparent: it has no transparent pixels']);
    writeFileSync(path.join(dir, 'outline.png'), encodePng(32, 32, (x) => (x < 16 ? [0, 0, 0, 0] : [255, 255, 255, 128])));
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), []);
  });

  it('reads outlines saved with any PNG row filter', () => {
    const outline = decodePng(renderIcon('outline'));
    const refiltered = filteredPng(32, 32, outline.rgba, [1, 2, 3, 4, 0]);
    assert.deepEqual(decodePng(refiltered).rgba, outline.rgba);
    const noisy = Buffer.from(Array.from({ length: 9 * 7 * 4 }, (_, i) => (i * 97 + (i >> 3) * 31) & 0xff));
    assert.deepEqual(decodePng(filteredPng(9, 7, noisy, [4, 3, 2, 1, 0])).rgba, noisy);
    writeFileSync(path.join(dir, 'outline.png'), refiltered);
    assert.deepEqual(iconProblems(path.join(dir, 'outline.png'), 'outline'), []);
  });
});
