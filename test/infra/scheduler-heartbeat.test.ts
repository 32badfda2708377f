import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import {
  createScheduler, SCHEDULER_HEARTBEAT_EVENT, SCHEDULER_HEARTBEAT_MILLIS, TimerHandler,
} from '../../src/scheduler/scheduler';
import { createTimerStore } from '../../src/store/timers';
import { freshTables } from '../support/azurite';
import { parseBicep, property, resourcesOfType } from './bicep-text';

/**
 * The "scheduler stalled" alert of infra/azure.bicep counts console lines that contain a marker. This checks
 * the other half against a real table service: the scheduler really writes a line with that marker, at info,
 * often enough for the alert's window, and nothing personal in it.
 */
const template = parseBicep(readFileSync(path.resolve(__dirname, '..', '..', 'infra', 'azure.bicep'), 'utf8'));
const MINUTE = 60_000;

/** The `contains "..."` marker and the window of the log alert on the scheduler's heartbeat. */
function stalledRule(): { marker: string; windowMinutes: number } {
  const vars = [...template.vars.values()].join('\n');
  for (const rule of resourcesOfType(template, 'Microsoft.Insights/scheduledQueryRules')) {
    const query = property(rule.body, 'query') ?? '';
    const filters = query.replace(/\$\{(\w+)\}/g, (_whole, name: string) => (template.vars.has(name) ? template.vars.get(name)! : ''));
    const marker = filters.match(/ResultDescription contains "([^"]+)"/)?.[1];
    const window = property(rule.body, 'windowSize')?.match(/^'PT(\d+)M'$/)?.[1];
    if (marker && window) return { marker, windowMinutes: Number(window) };
  }
  throw new Error(`no log alert filters ResultDescription with contains "...": ${vars.slice(0, 200)}`);
}

/** Every line the logger writes, as written (what App Service puts in AppServiceConsoleLogs.ResultDescription). */
function consoleLines() {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk).trim()); done(); } });
  return { logger: createLogger('info', sink), lines };
}

describe('the scheduler heartbeat that the "scheduler stalled" alert reads', () => {
  it('writes a line with the alert\'s marker on the first tick, then at most once per interval, counting fired timers', async () => {
    const { tables } = await freshTables();
    const timers = createTimerStore(tables.timers);
    const output = consoleLines();
    let now = new Date('2026-03-04T12:00:00.000Z');
    const remind: TimerHandler = async () => undefined;
    const scheduler = createScheduler({ timers, handlers: { 'accessRequest.remindApprover': remind }, now: () => now, logger: output.logger });
    await timers.schedule({ reference: 'AR-2026-00001', timer: 'accessRequest.remindApprover', dueAt: '2026-03-04T12:02:00.000Z' });
    const { marker } = stalledRule();
    const beats = () => output.lines.filter((line) => line.toLowerCase().includes(marker.toLowerCase()));

    await scheduler.tick();
    assert.equal(beats().length, 1, 'the first tick says the scheduler runs');
    for (let minute = 1; minute < SCHEDULER_HEARTBEAT_MILLIS / MINUTE; minute++) {
      now = new Date(now.getTime() + MINUTE);
      await scheduler.tick();
    }
    assert.equal(beats().length, 1, 'not a line a minute: at most one per interval');
    now = new Date(now.getTime() + MINUTE);
    await scheduler.tick();
    assert.equal(beats().length, 2);

    const line = JSON.parse(beats()[1]!) as Record<string, unknown>;
    assert.equal(line.event, SCHEDULER_HEARTBEAT_EVENT);
    assert.equal(line.level, 30, 'info: the production log level keeps it');
    assert.equal(line.fired, 1, 'the reminder due at 12:02 was fired since the last line');
    const fields = Object.keys(line).filter((key) => !['level', 'time', 'pid', 'hostname', 'app', 'msg'].includes(key));
    assert.deepEqual(fields.sort(), ['event', 'fired'], 'counts only: no reference, id or text');
  });

  it('beats often enough that a running scheduler never leaves the alert\'s window empty', () => {
    const { marker, windowMinutes } = stalledRule();
    assert.equal(marker, SCHEDULER_HEARTBEAT_EVENT);
    assert.equal(windowMinutes, 15);
    assert.ok(SCHEDULER_HEARTBEAT_MILLIS * 3 <= windowMinutes * MINUTE, 'three beats per window absorb ingestion delay');
  });
});
