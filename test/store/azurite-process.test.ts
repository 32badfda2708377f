import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AzuriteProcess, startAzurite } from '../../src/store/azurite-process';
import { openWorkQueue } from '../../src/store/campaign-queue';
import { azuriteConnectionString } from '../../src/store/tables';

describe('the local Azurite processes', function () {
  this.timeout(60_000);
  let queueDataDir: string;
  let azurite: AzuriteProcess | undefined;

  beforeEach(() => {
    queueDataDir = mkdtempSync(path.join(tmpdir(), 'azurite-queue-'));
  });

  afterEach(async () => {
    await azurite?.stop();
    azurite = undefined;
    rmSync(queueDataDir, { recursive: true, force: true });
  });

  function queueOf(running: AzuriteProcess) {
    return openWorkQueue({ kind: 'connectionString', connectionString: azuriteConnectionString(running.port, '127.0.0.1', running.queuePort) }, 'diskqueue');
  }

  it('keeps the queue service on disk when asked, the tables in memory, and its messages in shared extent files', async () => {
    azurite = await startAzurite({ port: 0, queuePort: 0, queueDataDir });
    const queue = queueOf(azurite);
    await queue.ensure();
    await queue.add(Array.from({ length: 200 }, (_, i) => `card ${i}`));
    // In memory every message is an extent of its own, which Azurite's collector removes one by one (the bench's stalls).
    const extentFiles = readdirSync(path.join(queueDataDir, '__queuestorage__'));
    assert.ok(extentFiles.length >= 1 && extentFiles.length <= 4, `200 messages in ${extentFiles.length} extent files`);
    assert.equal(readdirSync(queueDataDir).some((name) => name.includes('table')), false, 'the tables stay in memory');
    await azurite.stop();

    azurite = await startAzurite({ port: 0, queuePort: 0, queueDataDir });
    assert.equal(await queueOf(azurite).approximateCount(), 200);
  });
});
