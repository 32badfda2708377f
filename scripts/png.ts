import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * Just enough PNG for the app icons: write 8-bit RGBA images, read any PNG's size from its header,
 * and decode the common non-interlaced 8-bit formats to RGBA so the outline icon can be checked pixel
 * by pixel. No dependency: the format is small and the icons are tiny.
 */
export type Rgba = [number, number, number, number];

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 bytes, row by row. */
  readonly rgba: Buffer;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
/** Channels per pixel by colour type: grey, RGB, palette, grey + alpha, RGBA. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const stride = width * 4 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * stride + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Width and height from the IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Decodes 8-bit, non-interlaced PNGs of any colour type; throws with the reason for anything else. */
export function decodePng(png: Buffer): DecodedPng {
  const size = pngSize(png);
  if (!size) throw new Error('not a PNG file');
  const [bitDepth, colourType, , , interlace] = png.subarray(24, 29);
  const channels = CHANNELS[colourType!];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new Error(`unsupported PNG format (bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}); save it as 8-bit RGBA`);
  }
  const chunks = readChunks(png);
  const pixels = unfilter(inflateSync(Buffer.concat(chunks.get('IDAT') ?? [])), size.width, size.height, channels);
  const palette = chunks.get('PLTE')?.[0] ?? Buffer.alloc(0);
  const paletteAlpha = chunks.get('tRNS')?.[0] ?? Buffer.alloc(0);
  const rgba = Buffer.alloc(size.width * size.height * 4);
  for (let i = 0; i < size.width * size.height; i++) {
    const p = pixels.subarray(i * channels, (i + 1) * channels);
    const colour: Rgba = colourType === 6 ? [p[0]!, p[1]!, p[2]!, p[3]!]
      : colourType === 4 ? [p[0]!, p[0]!, p[0]!, p[1]!]
      : colourType === 2 ? [p[0]!, p[1]!, p[2]!, 255]
      : colourType === 0 ? [p[0]!, p[0]!, p[0]!, 255]
      : [palette[p[0]! * 3] ?? 0, palette[p[0]! * 3 + 1] ?? 0, palette[p[0]! * 3 + 2] ?? 0, paletteAlpha[p[0]!] ?? 255];
    rgba.set(colour, i * 4);
  }
  return { ...size, rgba };
}

function readChunks(png: Buffer): Map<string, Buffer[]> {
  const chunks = new Map<string, Buffer[]>();
  for (let offset = 8; offset + 8 <= png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    chunks.set(type, [...(chunks.get(type) ?? []), png.subarray(offset + 8, offset + 8 + length)]);
    offset += 12 + length;
  }
  return chunks;
}

/** Reverses the per-row filters (None, Sub, Up, Average, Paeth) of 8-bit samples. */
function unfilter(data: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  if (data.length < (stride + 1) * height) throw new Error('PNG image data is truncated');
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const raw = data[y * (stride + 1) + 1 + x]!;
      const left = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const up = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const upLeft = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      const predictor = filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : filter === 4 ? paeth(left, up, upLeft) : 0;
      out[y * stride + x] = (raw + predictor) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
