import assert from 'node:assert/strict';
import { createConversationRateLimiter } from '../../src/bot/rate-limit';

/** A fake clock: sleeping moves time on instantly, so the test measures the schedule, not the machine. */
function fakeClock() {
  let time = 0;
  return { now: () => time, sleep: async (millis: number) => { time += millis; }, get time() { return time; } };
}

describe('per-conversation rate limit (Teams: 7/s, 8/2 s, 60/30 s, 1,800/h)', () => {
  it('lets 7 messages through at once, then spaces the next so no window is exceeded', async () => {
    const clock = fakeClock();
    const limiter = createConversationRateLimiter(clock);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      await limiter.acquire('chat-1');
      times.push(clock.time);
    }
    assert.deepEqual(times.slice(0, 7), [0, 0, 0, 0, 0, 0, 0]);
    assert.equal(times[7], 1000, 'the 8th waits a second (7 per second)');
    assert.equal(times[8], 2000, 'the 9th waits for the 2-second window (8 per 2 s)');
  });

  it('never sends more than 60 in any 30 seconds', async () => {
    const clock = fakeClock();
    const limiter = createConversationRateLimiter(clock);
    const times: number[] = [];
    for (let i = 0; i < 130; i++) {
      await limiter.acquire('chat-1');
      times.push(clock.time);
    }
    for (const start of times) assert.ok(times.filter((time) => time >= start && time < start + 30_000).length <= 60);
    for (const start of times) assert.ok(times.filter((time) => time >= start && time < start + 2_000).length <= 8);
  });

  it('does not make one conversation wait for another', async () => {
    const clock = fakeClock();
    const limiter = createConversationRateLimiter(clock);
    for (let i = 0; i < 7; i++) await limiter.acquire('chat-1');
    await limiter.acquire('chat-2');
    assert.equal(clock.time, 0);
  });

  it('keeps the order of concurrent sends to one conversation', async () => {
    const clock = fakeClock();
    const limiter = createConversationRateLimiter(clock);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.acquire('chat-1').then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('forgets people it has not messaged for over an hour, so memory does not grow with every person ever messaged', async () => {
    let time = 0;
    const limiter = createConversationRateLimiter({ now: () => time, sleep: async (millis) => { time += millis; } });
    for (let i = 0; i < 2_000; i++) await limiter.acquire(`chat-${i}`);
    assert.equal(limiter.tracked(), 2_000, 'all within the last hour');
    time += 3_600_001;
    for (let i = 0; i < 500; i++) await limiter.acquire(`later-${i}`);
    assert.ok(limiter.tracked() <= 500, `only the people messaged in the last hour are remembered, not ${limiter.tracked()}`);
    for (let i = 0; i < 7; i++) await limiter.acquire('later-1');
    const before = time;
    await limiter.acquire('later-1');
    assert.ok(time > before, 'a remembered conversation is still paced');
  });
});
