import assert from 'node:assert/strict';
import { londonWallClock } from '../../src/domain/working-time';

/**
 * The working-time clock reads London's wall clock from a cached UTC offset per hour (the profile of
 * `npm run bench` showed `Intl` formatting, called several times per working day walked, as the bot's own
 * hottest code). It must agree with `Intl` at every instant: across both clock changes of several years, at
 * the exact change instants, and far from today.
 */
describe('London wall clock', () => {
  const intl = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const expected = (instant: Date) => {
    const parts = Object.fromEntries(intl.formatToParts(instant).map((part) => [part.type, part.value]));
    const millis = ((instant.getTime() % 1000) + 1000) % 1000;
    return { day: `${parts.year}-${parts.month}-${parts.day}`, msOfDay: ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + millis };
  };
  const check = (instant: Date) => assert.deepEqual(londonWallClock(instant), expected(instant), instant.toISOString());

  it('agrees with Intl every 3 hours 7 minutes 13.5 seconds from 2024 to 2031', () => {
    for (let t = Date.parse('2024-01-01T00:00:00Z'); t < Date.parse('2031-01-01T00:00:00Z'); t += 11_233_500) check(new Date(t));
  });

  it('agrees with Intl around each clock change, second by second', () => {
    for (const change of ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2027-03-28T01:00:00Z', '2027-10-31T01:00:00Z']) {
      const at = Date.parse(change);
      for (let t = at - 2 * 3_600_000; t <= at + 2 * 3_600_000; t += 997) check(new Date(t));
      for (const edge of [at - 1, at, at + 1]) check(new Date(edge));
    }
  });

  it('agrees with Intl long ago and far ahead', () => {
    for (const iso of ['1847-12-01T00:00:00Z', '1847-12-01T00:01:14Z', '1847-12-01T00:01:16Z', '1941-05-04T01:30:00Z', '1969-06-01T12:00:00Z', '1970-01-01T00:00:00Z', '2099-07-01T16:59:59.999Z', '9999-12-31T23:59:59Z']) {
      check(new Date(iso));
    }
  });
});
