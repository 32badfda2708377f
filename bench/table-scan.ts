import { odata, TableClient, TransactionAction } from '@azure/data-tables';
import { startAzurite } from '../src/store/azurite-process';
import { azuriteConnectionString } from '../src/store/tables';
import { numberAfter, valueAfter } from './lib/args';
import { cpuMillisOf, findPid } from './lib/processes';

/**
 * How Azurite's cost of a table call grows with the table (bench/NOTES.md, "Azurite scans the whole table for every
 * query"): one table filled to `--sizes` rows in partitions of 20 (a case's rows), and at each size `--calls` partition
 * queries, point reads and upserts, with Azurite's CPU time a call read from /proc. A second, small table beside it
 * shows whether the big one slows the calls of another table. Run: `npm run build && node dist/bench/table-scan.js`.
 */
async function main(args: readonly string[]): Promise<void> {
  const sizes = (valueAfter(args, '--sizes') ?? '1000,10000,50000,150000').split(',').map(Number);
  const calls = numberAfter(args, '--calls', 300);
  const azurite = await startAzurite({ port: 0 });
  const pid = findPid(['--tablePort', String(azurite.port)]);
  if (!pid) throw new Error('Azurite\'s process was not found');
  const client = (name: string) => TableClient.fromConnectionString(azuriteConnectionString(azurite.port), name, { allowInsecureConnection: true });
  const big = client('scanbig');
  const small = client('scansmall');
  try {
    await Promise.all([big.createTable(), small.createTable()]);
    await fill(small, 0, 1000);
    let rows = 0;
    console.log('| rows in the table | partition query, CPU ms | point read | upsert | partition query in a 1,000-row table beside it |');
    console.log('|---:|---:|---:|---:|---:|');
    for (const size of sizes) {
      await fill(big, rows, size);
      rows = Math.max(rows, size);
      const partitions = rows / 20;
      const query = async (table: TableClient, i: number, of: number) => {
        for await (const row of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${`case${i % of}`}` } })) void row;
      };
      const perCall = (millis: number) => (millis / calls).toFixed(2);
      const queried = await cpuOf(pid, calls, (i) => query(big, i, partitions));
      const read = await cpuOf(pid, calls, (i) => big.getEntity(`case${i % partitions}`, 'r1'));
      const written = await cpuOf(pid, calls, (i) => big.upsertEntity({ partitionKey: `case${i % partitions}`, rowKey: 'r1', value: i }, 'Replace'));
      const beside = await cpuOf(pid, calls, (i) => query(small, i, 50));
      console.log(`| ${rows} | ${perCall(queried)} | ${perCall(read)} | ${perCall(written)} | ${perCall(beside)} |`);
    }
  } finally {
    await azurite.stop();
  }
}

/** Rows `from` .. `to` of a table: partitions of 20 rows (`case<n>`, `r0` .. `r19`), written 8 transactions at a time. */
async function fill(table: TableClient, from: number, to: number): Promise<void> {
  const batches: TransactionAction[][] = [];
  for (let first = from; first < to; first += 20) {
    batches.push(Array.from({ length: 20 }, (_, j): TransactionAction => ['upsert', { partitionKey: `case${first / 20}`, rowKey: `r${j}`, body: 'x'.repeat(300) }, 'Replace']));
  }
  for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map((batch) => table.submitTransaction(batch)));
}

/** Azurite's CPU milliseconds (user + system, from /proc) over `count` calls made one after another. */
async function cpuOf(pid: number, count: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const before = cpuMillisOf(pid) ?? 0;
  for (let i = 0; i < count; i++) await call(i);
  return (cpuMillisOf(pid) ?? 0) - before;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
