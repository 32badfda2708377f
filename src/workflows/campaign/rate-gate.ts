/**
 * Paces sends across every bot instance: Teams allows about 50 requests a second per bot per tenant (DESIGN.md,
 * "Known Teams pitfalls"), whoever sends them. Each instance takes an equal share of the configured rate: the rate
 * divided by the instances that sent within the last few seconds (their heartbeats, src/store/campaign-recipients.ts).
 * When one stops, its heartbeat goes stale and the others take its share. A 429 pauses this instance for Retry-After.
 */
export interface RateGate {
  /** Resolves when one more send fits this instance's share. Calls are served in order. */
  take(): Promise<void>;
  /** Nothing more is sent for `millis` (a 429's Retry-After: the tenant's budget is spent, whoever spent it). */
  pause(millis: number): void;
  /** The share changed: this many instances send now. */
  setSenders(count: number): void;
  /** Sends a second this instance allows itself now. */
  share(): number;
}

export interface RateGateOptions {
  readonly perSecond: number;
  readonly now?: () => number;
  readonly sleep?: (millis: number) => Promise<void>;
}

const CATCH_UP = 4;

export function createRateGate(options: RateGateOptions): RateGate {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis)));
  let senders = 1;
  /** The earliest moment the next send may start. */
  let next = 0;
  let queue: Promise<void> = Promise.resolve();
  const interval = () => (1000 * senders) / options.perSecond;

  async function one(): Promise<void> {
    for (;;) {
      const at = now();
      if (at >= next) {
        // Timers fire late on a busy machine: up to CATCH_UP intervals missed are made up, so the average holds; a
        // gate idle for longer does not bank more than that for a burst (the tenant's budget is a second's worth).
        next = Math.max(next, at - CATCH_UP * interval()) + interval();
        return;
      }
      await sleep(next - at);
    }
  }

  return {
    take() {
      const turn = queue.then(one);
      queue = turn.catch(() => undefined);
      return turn;
    },
    pause(millis) {
      next = Math.max(next, now() + millis);
    },
    setSenders(count) {
      senders = Math.max(1, count);
    },
    share: () => options.perSecond / senders,
  };
}
