import type { CloudAdapter, InvokeResponse, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { Activity } from 'botbuilder';

/** How a turn ended, for the HTTP answer: the invoke response, or a refused channel token. */
export type TurnAnswer =
  | { readonly kind: 'answered'; readonly invokeResponse?: InvokeResponse }
  | { readonly kind: 'tokenRefused'; readonly reason: string };

interface ActivityProcessing {
  processActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
}

/**
 * Runs one turn for an activity already read and checked by the server. `CloudAdapter.process` would do the
 * same, but it prints every refused token with `console.error` (a stack trace on stderr for each probe) and
 * echoes the error text to the caller; calling its `processActivity` (protected in the typings, public at run
 * time, and what `process` itself calls) lets the server answer and log a refusal in its own words.
 */
export async function processActivity(adapter: CloudAdapter, authHeader: string, body: Record<string, unknown>, logic: (context: TurnContext) => Promise<void>): Promise<TurnAnswer> {
  try {
    const invokeResponse = await (adapter as unknown as ActivityProcessing).processActivity(authHeader, withDates(body), logic);
    return invokeResponse ? { kind: 'answered', invokeResponse } : { kind: 'answered' };
  } catch (error) {
    if (error instanceof AuthenticationError) return { kind: 'tokenRefused', reason: tokenFree(error.message) };
    throw error;
  }
}

/** botbuilder's own fix-up in `process`: the timestamps as dates, the raw text kept. */
function withDates(body: Record<string, unknown>): Activity {
  const activity: Record<string, unknown> = { ...body };
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['expiration', 'rawExpiration'], ['localTimestamp', 'rawLocalTimestamp']] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field] as string);
    }
  }
  return activity as unknown as Activity;
}

/** A refusal's reason without anything token-like in it, short enough for one log line. */
function tokenFree(message: string): string {
  return message.replace(/[\w-]{20,}\.[\w-]{10,}\.[\w-]*/g, '[token]').replace(/\s+/g, ' ').slice(0, 160);
}
