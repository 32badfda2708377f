import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { FAKE_DEFAULTS } from '../../scripts/app-manifest';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const COMMITTED_MANIFEST = path.join(PROJECT_ROOT, 'appPackage', 'manifest.json');

/** Every placeholder of the committed manifest with a schema-valid value. */
export const FILLED = { ...FAKE_DEFAULTS, APP_NAME_SUFFIX: ' (test)' };

export interface CommandList { scopes: string[]; commands: { title: string; description?: string }[] }
export interface ManifestJson {
  [key: string]: unknown;
  bots: { scopes?: string[]; commandLists: CommandList[]; [key: string]: unknown }[];
  description: { short: string; full: string };
}

export function committedManifest(): ManifestJson {
  return JSON.parse(readFileSync(COMMITTED_MANIFEST, 'utf8')) as ManifestJson;
}

/** A throwaway project root holding a copy of appPackage/ (manifest and icons); `cleanup` removes it. */
export function copyOfProject(): { root: string; appDir: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'smdesk-package-'));
  const appDir = path.join(root, 'appPackage');
  mkdirSync(appDir);
  for (const file of ['manifest.json', 'color.png', 'outline.png']) copyFileSync(path.join(PROJECT_ROOT, 'appPackage', file), path.join(appDir, file));
  return { root, appDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * The entries of a zip, name -> content: a small reader for the test, walking the central directory
 * and inflating each local file entry with node:zlib.
 */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  const entries = new Map<string, Buffer>();
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressedSize);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + skip;
  }
  return entries;
}
