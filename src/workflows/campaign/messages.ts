/**
 * What the campaign queue carries: ids and references only, never names or card text (a queue message is visible to
 * anyone with access to the storage account, and is kept until it is handled).
 */
export type CampaignMessage =
  /**
   * Enrol the campaign's audience, one page at a time (people by id, after `a`): rows first, then a `card` message
   * each, then the next page's message. Each page is small enough to finish within its visibility, and safe to repeat.
   */
  | { readonly k: 'enrol'; readonly c: string; readonly a?: string }
  /** The campaign card to one person. */
  | { readonly k: 'card'; readonly c: string; readonly p: string }
  /** Reminder round `r` to one person (1: the reminder; 2: the final one). */
  | { readonly k: 'remind'; readonly c: string; readonly p: string; readonly r: 1 | 2 }
  /** At the final reminder: one line manager told which of their team have not acknowledged. */
  | { readonly k: 'manager'; readonly c: string; readonly m: string };

export function encodeMessage(message: CampaignMessage): string {
  return JSON.stringify(message);
}

/** A body from the queue, checked: anything else (a message some other program put there) is undefined and dropped. */
export function decodeMessage(body: string): CampaignMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return undefined;
  }
  const value = raw as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === 'string' && (value[key] as string).length > 0 && (value[key] as string).length <= 200 ? value[key] as string : undefined);
  const c = text('c');
  if (!c) return undefined;
  switch (value.k) {
    case 'enrol': { const a = text('a'); return a ? { k: 'enrol', c, a } : { k: 'enrol', c }; }
    case 'card': { const p = text('p'); return p ? { k: 'card', c, p } : undefined; }
    case 'remind': { const p = text('p'); return p && (value.r === 1 || value.r === 2) ? { k: 'remind', c, p, r: value.r } : undefined; }
    case 'manager': { const m = text('m'); return m ? { k: 'manager', c, m } : undefined; }
    default: return undefined;
  }
}
