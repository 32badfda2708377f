import { ChildProcess, spawn } from 'node:child_process';
import { QueueClient } from '@azure/storage-queue';
import path from 'node:path';
import { freePort } from '../src/store/azurite-process';
import { azuriteConnectionString } from '../src/store/tables';
import { numberAfter, valueAfter } from './lib/args';

/**
 * Reproduction of the campaign bench's stalls without the bots: Azurite's queue service alone, `--messages` messages
 * added, then received and deleted at `--rate` a second (the bench's pace), while a probe asks for the queue's
 * properties every half second and prints every answer slower than 500 ms. `--debug FILE` passes Azurite's debug log.
 */
async function main(args: readonly string[]): Promise<void> {
  const messages = numberAfter(args, '--messages', 10_000);
  const rate = numberAfter(args, '--rate', 48);
  const debug = valueAfter(args, '--debug');
  const extra = valueAfter(args, '--azurite-args')?.split(' ').filter(Boolean) ?? [];
  const nodeArgs = valueAfter(args, '--node-args')?.split(' ').filter(Boolean) ?? [];
  const seconds = numberAfter(args, '--seconds', 3600);
  // `--location DIR`: the queue service's default, data on disk, instead of the bench's and tests' in-memory store.
  const location = valueAfter(args, '--location');
  const storage = location ? ['--location', location] : ['--inMemoryPersistence'];
  const port = await freePort();
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/queue/main.js');
  const child = spawn(process.execPath, [...nodeArgs, main, '--queueHost', '127.0.0.1', '--queuePort', String(port), '--disableTelemetry', '--silent', '--skipApiVersionCheck', ...storage, ...(debug ? ['--debug', debug] : []), ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  const started = Date.now();
  const at = () => ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  try {
    const client = new QueueClient(azuriteConnectionString(1, '127.0.0.1', port), `stall${Date.now()}`);
    for (;;) { try { await client.createIfNotExists(); break; } catch { await sleep(100); } }
    console.log(`[${at()} s] queue up; adding ${messages}`);
    for (let i = 0; i < messages; i += 32) {
      await Promise.all(Array.from({ length: Math.min(32, messages - i) }, (_, j) => client.sendMessage(JSON.stringify({ k: 'card', c: 'AC-2026-00001', p: `aad-${String(i + j).padStart(6, '0')}` }), { messageTimeToLive: -1 })));
    }
    console.log(`[${at()} s] added; receiving and deleting at ${rate}/s`);
    let deleted = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t0 = performance.now();
        const count = (await client.getProperties()).approximateMessagesCount;
        const took = performance.now() - t0;
        if (took > 500) console.log(`[${at()} s] getProperties took ${(took / 1000).toFixed(1)} s (count ${count}, deleted ${deleted})`);
        await sleep(500);
      }
    })();
    const t0 = performance.now();
    while (deleted < messages && performance.now() - t0 < seconds * 1000) {
      const batch = (await client.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 })).receivedMessageItems;
      for (const message of batch) {
        const due = t0 + (deleted / rate) * 1000;
        if (due > performance.now()) await sleep(due - performance.now());
        void client.deleteMessage(message.messageId, message.popReceipt);
        deleted++;
      }
      if (batch.length === 0) await sleep(200);
    }
    console.log(`[${at()} s] ${deleted} deleted, ${(deleted / ((performance.now() - t0) / 1000)).toFixed(1)}/s; waiting 75 s more for the next collection`);
    await sleep(75_000);
    probing = false;
    await probe;
  } finally {
    await stop(child);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => { child.once('exit', () => resolve()); child.kill('SIGINT'); setTimeout(() => child.kill('SIGKILL'), 5000).unref(); });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
