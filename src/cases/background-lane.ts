/**
 * The lane of the effect relay's table-only work (inbox lines, timers, the register, the outbox's clean-up): at
 * most `width` tasks at a time, in the order they came, so that after a burst of transitions the table service
 * and this process answer the next click and send the other party's card before they write everybody's inbox
 * lines. Nothing waits for this lane that a person is looking at.
 *
 * Under sustained overload the queue would only grow (the clicks it gives way to keep coming), holding snapshots
 * in memory and delaying inbox lines without end: from `backlog` queued tasks on, a task runs at once instead of
 * queueing, so the lane gives up its priority rather than fall further behind.
 */
export interface BackgroundLane {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running and waiting (tests, metrics). */
  readonly size: number;
}

export function createBackgroundLane(width: number, backlog: number): BackgroundLane {
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    active--;
    const wake = waiting.shift();
    if (wake) {
      active++;
      wake();
    }
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= width && waiting.length < backlog) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        next();
      }
    },
    get size() {
      return active + waiting.length;
    },
  };
}

/** Table-only effects at once: enough to keep the table service busy, few enough that a click's calls are not queued behind a burst. */
export const BACKGROUND_WIDTH = 4;
/** Queued tasks from which the lane stops queueing (see {@link createBackgroundLane}). */
export const BACKGROUND_BACKLOG = 256;
