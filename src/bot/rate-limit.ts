/**
 * Teams' limits for one bot in one conversation (DESIGN.md): 7 messages a second, 8 per 2 seconds,
 * 60 per 30 seconds, 1,800 an hour. Sending slower than that avoids 429s instead of recovering from them.
 */
export const TEAMS_CONVERSATION_LIMITS: readonly { readonly count: number; readonly perMillis: number }[] = [
  { count: 7, perMillis: 1_000 },
  { count: 8, perMillis: 2_000 },
  { count: 60, perMillis: 30_000 },
  { count: 1_800, perMillis: 3_600_000 },
];

/** How often (in sends) conversations quiet for longer than every window are forgotten. */
const SWEEP_EVERY = 500;

export interface RateLimiterOptions {
  readonly limits?: typeof TEAMS_CONVERSATION_LIMITS;
  readonly now?: () => number;
  readonly sleep?: (millis: number) => Promise<void>;
}

/** Waits, per conversation, until one more send fits every window. Sends to different people never wait on each other. */
export function createConversationRateLimiter(options: RateLimiterOptions = {}) {
  const limits = options.limits ?? TEAMS_CONVERSATION_LIMITS;
  const longest = Math.max(...limits.map((limit) => limit.perMillis));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis)));
  const sent = new Map<string, number[]>();
  const queues = new Map<string, Promise<void>>();
  let sendsSinceSweep = 0;

  /** A long-running instance messages thousands of people: it forgets those it has not messaged within every window. */
  function forgetQuietConversations(at: number): void {
    sendsSinceSweep = 0;
    for (const [conversationId, history] of sent) {
      if ((history.at(-1) ?? 0) <= at - longest) sent.delete(conversationId);
    }
  }

  function waitNeeded(history: readonly number[], at: number): number {
    let wait = 0;
    for (const { count, perMillis } of limits) {
      const inWindow = history.filter((time) => time > at - perMillis);
      if (inWindow.length >= count) wait = Math.max(wait, inWindow[inWindow.length - count]! + perMillis - at);
    }
    return wait;
  }

  async function take(conversationId: string): Promise<void> {
    for (;;) {
      const at = now();
      const history = (sent.get(conversationId) ?? []).filter((time) => time > at - longest);
      const wait = waitNeeded(history, at);
      if (wait <= 0) {
        sent.set(conversationId, [...history, at]);
        if (++sendsSinceSweep >= SWEEP_EVERY) forgetQuietConversations(at);
        return;
      }
      await sleep(wait);
    }
  }

  return {
    /** Resolves when a message may be sent to this conversation; calls for one conversation queue in order. */
    acquire(conversationId: string): Promise<void> {
      const previous = queues.get(conversationId) ?? Promise.resolve();
      const turn = previous.then(() => take(conversationId));
      const tail = turn.finally(() => {
        if (queues.get(conversationId) === tail) queues.delete(conversationId);
      });
      queues.set(conversationId, tail);
      return turn;
    },
    /** How many conversations' recent sends are remembered (for the memory check). */
    tracked(): number {
      return sent.size;
    },
  };
}

export type ConversationRateLimiter = ReturnType<typeof createConversationRateLimiter>;
