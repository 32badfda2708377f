import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STAGE_DIR, stageWebApp } from '../../scripts/stage-webapp';

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(path.join(dir, entry.name), relative) : [relative];
  }).sort();
}

describe('scripts/stage-webapp.ts (what `atk deploy` zips for App Service)', () => {
  let project: string;

  beforeEach(() => {
    project = mkdtempSync(path.join(os.tmpdir(), 'stage-webapp-'));
    const files: Record<string, string> = {
      'package.json': '{"name":"x","main":"dist/src/index.js"}',
      'package-lock.json': '{}',
      'dist/src/index.js': '',
      'dist/src/store/tables.js': '',
      'dist/scripts/seed-directory.js': '',
      'dist/web/dashboard/app.js': '',
      'dist/web/dashboard/index.html': '',
      'dist/test/leftover.test.js': '',
      'cards/welcome.json': '{}',
      '.webappignore': '*.map\n',
      'src/index.ts': '',
      'test/unit/a.test.ts': '',
      '.data/azurite/__azurite_db_table__.json': '{}',
      'env/.env.dev.user': 'SECRET_X=1',
      '.localConfigs': 'HOST=127.0.0.1',
      'node_modules/typescript/package.json': '{}',
      'directory.example.json': '[]',
    };
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      writeFileSync(path.join(project, file), content);
    }
  });

  afterEach(() => rmSync(project, { recursive: true, force: true }));

  it('copies only the run-time files: package files, the built bot, scripts and dashboard page, the card templates', () => {
    const copied = stageWebApp(project);
    assert.deepEqual(copied, ['package.json', 'package-lock.json', 'dist/src', 'dist/scripts', 'dist/web', 'cards', '.webappignore']);
    assert.deepEqual(filesUnder(path.join(project, DEFAULT_STAGE_DIR)), [
      '.webappignore', 'cards/welcome.json', 'dist/scripts/seed-directory.js', 'dist/src/index.js', 'dist/src/store/tables.js',
      'dist/web/dashboard/app.js', 'dist/web/dashboard/index.html', 'package-lock.json', 'package.json',
    ]);
  });

  it('starts from a clean folder every time', () => {
    const target = path.join(project, DEFAULT_STAGE_DIR);
    mkdirSync(path.join(target, 'node_modules', 'stale'), { recursive: true });
    writeFileSync(path.join(target, 'old.js'), '');
    stageWebApp(project);
    assert.ok(!existsSync(path.join(target, 'old.js')));
    assert.ok(!existsSync(path.join(target, 'node_modules')));
  });

  it('refuses to run before a build, or to stage outside the project', () => {
    assert.throws(() => stageWebApp(project, '..'), /inside the project/);
    assert.throws(() => stageWebApp(project, '.'), /inside the project/);
    assert.throws(() => stageWebApp(project, path.join(os.tmpdir(), 'elsewhere')), /inside the project/);
    rmSync(path.join(project, 'dist'), { recursive: true });
    assert.throws(() => stageWebApp(project), /npm run build/);
  });
});
