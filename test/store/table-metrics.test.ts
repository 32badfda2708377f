import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Writable } from 'node:stream';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { CloudAdapter } from 'botbuilder';
import type restify from 'restify';
import { ConfigError, readConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createServer } from '../../src/server';
import { createTableMetrics, TableMetrics } from '../../src/store/table-metrics';
import { ensureTables, openTables, TABLE_NAMES, Tables } from '../../src/store/tables';
import { testConnectionString } from '../support/azurite';

/**
 * The benchmark's table-call counter (BENCH_METRICS=1, `npm run bench`): every call of the store's TableClient
 * methods is counted per table and method, each page of a query as one round trip; the counters are served on a
 * loopback-only debug endpoint that does not exist without the variable.
 */
describe('table-call metrics for the benchmark', () => {
  const silent = createLogger('silent', new Writable({ write(_chunk, _encoding, done) { done(); } }));

  it('counts each call per table and method, and every page of a query', async () => {
    const metrics = createTableMetrics();
    const tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, `m${randomBytes(5).toString('hex')}`, metrics.hook);
    await ensureTables(tables);
    const cases = tables.cases;
    for (let i = 0; i < 5; i++) await cases.createEntity({ partitionKey: 'p', rowKey: `r${i}`, n: i });
    const row = await cases.getEntity('p', 'r0');
    await cases.updateEntity({ partitionKey: 'p', rowKey: 'r0', n: 10 }, 'Replace', { etag: row.etag });
    await cases.upsertEntity({ partitionKey: 'p', rowKey: 'r5', n: 5 }, 'Replace');
    await cases.getEntity('p', 'missing').catch(() => undefined);
    let rows = 0;
    for await (const page of cases.listEntities({ queryOptions: { filter: 'PartitionKey eq \'p\'' } }).byPage({ maxPageSize: 2 })) rows += page.length;
    await cases.submitTransaction([['create', { partitionKey: 'q', rowKey: 'a' }], ['create', { partitionKey: 'q', rowKey: 'b' }]]);
    await cases.deleteEntity('p', 'r1');
    await tables.inbox.getEntity('x', 'y').catch(() => undefined);

    assert.equal(rows, 6);
    const report = metrics.report();
    assert.deepEqual(report.calls.cases, {
      createTable: 1, createEntity: 5, getEntity: 2, updateEntity: 1, upsertEntity: 1, listEntities: 1, listPage: 3, submitTransaction: 1, deleteEntity: 1,
    });
    assert.deepEqual(report.calls.inbox, { createTable: 1, getEntity: 1 });
    for (const name of TABLE_NAMES) assert.equal(report.calls[name]?.createTable, 1, name);
    // cases 15 (the query itself is not a round trip, its 3 pages are), inbox 2, and createTable on every other table.
    assert.equal(report.roundTrips, 15 + 2 + (TABLE_NAMES.length - 2));

    metrics.reset();
    assert.deepEqual(metrics.report().calls, {});
    assert.equal(metrics.report().roundTrips, 0);
  });

  it('leaves the table clients untouched without a hook', () => {
    const tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, 'untouched');
    assert.equal(Object.hasOwn(tables.cases, 'getEntity'), false);
    assert.equal(Object.hasOwn(tables.cases, 'listEntities'), false);
  });

  describe('GET /debug/metrics', () => {
    let server: restify.Server | undefined;
    afterEach(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    });

    /** The real HTTP surface around a stand-in adapter whose turn reads one row, answers, then reads another. */
    async function start(options: { metrics?: TableMetrics; tables?: Tables; host?: string } = {}): Promise<string> {
      const adapter = {
        async processActivity() {
          await options.tables?.cases.getEntity('p', 'during').catch(() => undefined);
          // The server answers as soon as the turn returns (a microtask), before this runs.
          setImmediate(() => void options.tables?.cases.getEntity('p', 'after').catch(() => undefined));
          return undefined;
        },
      } as unknown as CloudAdapter;
      server = createServer({
        adapter, app: {} as Application<TurnState>, logger: silent, ready: async () => true, ...(options.metrics ? { metrics: options.metrics } : {}),
      });
      const host = options.host ?? '127.0.0.1';
      await new Promise<void>((resolve) => server!.listen(0, host, resolve));
      return `http://${host}:${(server.address() as AddressInfo).port}`;
    }

    const activity = {
      type: 'message', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' },
    };

    it('does not exist without BENCH_METRICS', async () => {
      const url = await start();
      assert.equal((await fetch(`${url}/debug/metrics`)).status, 404);
      assert.equal((await fetch(`${url}/debug/metrics/reset`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    });

    it('serves the counters, the calls of the last turn before its answer, and memory; resets on POST', async () => {
      const metrics = createTableMetrics();
      const tables = openTables({ kind: 'connectionString', connectionString: testConnectionString() }, `m${randomBytes(5).toString('hex')}`, metrics.hook);
      await ensureTables(tables);
      const url = await start({ metrics, tables });
      assert.equal((await fetch(`${url}/debug/metrics/reset`, { method: 'POST' })).status, 204);
      const turn = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
      assert.equal(turn.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const answer = await fetch(`${url}/debug/metrics`);
      assert.equal(answer.status, 200);
      const report = await answer.json() as ReturnType<TableMetrics['report']>;
      assert.deepEqual(report.calls, { cases: { getEntity: 2 } });
      assert.equal(report.requests, 1);
      assert.deepEqual(report.lastRequest?.calls, { cases: { getEntity: 1 } }, 'the read after the answer is not the turn\'s');
      assert.ok(report.memory.rss > 0 && report.memory.heapUsed > 0);
    });

    it('is not answered to a caller that is not on loopback', async function () {
      const external = Object.values(os.networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal);
      if (!external) this.skip();
      const url = await start({ metrics: createTableMetrics(), host: external!.address });
      assert.equal((await fetch(`${url}/debug/metrics`)).status, 404);
      assert.equal((await fetch(`${url}/debug/metrics/reset`, { method: 'POST' })).status, 404);
    });
  });

  describe('configuration', () => {
    it('is off unless BENCH_METRICS is set', () => {
      assert.equal(readConfig({}).benchMetrics, undefined);
      assert.equal(readConfig({ BENCH_METRICS: '0' }).benchMetrics, undefined);
      assert.equal(readConfig({ BENCH_METRICS: '1' }).benchMetrics, true);
      assert.throws(() => readConfig({ BENCH_METRICS: 'maybe' }), ConfigError);
    });

    it('lifts Teams send pacing only for an anonymous benchmark run', () => {
      assert.equal(readConfig({}).connectorPacing, undefined);
      assert.equal(readConfig({ BENCH_METRICS: '1', BENCH_CONNECTOR_PACING: 'off' }).connectorPacing, 'off');
      assert.throws(() => readConfig({ BENCH_CONNECTOR_PACING: 'off' }), /BENCH_CONNECTOR_PACING/);
      assert.throws(() => readConfig({
        BENCH_METRICS: '1', BENCH_CONNECTOR_PACING: 'off', MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TENANT_ID: 'tenant',
      }), /BENCH_CONNECTOR_PACING/);
    });
  });
});
