import type { AdaptiveCardJson } from '../cards/render';
import type { CardCopy } from '../store/case-store';

/**
 * How the engine reaches people: sending a card to someone's 1:1 chat and updating one in place. The engine
 * defines it; the Teams folder (src/bot/notifier.ts) carries it out, so the engine never sees the SDK.
 *
 * What became of one proactive message. DESIGN.md: 403 codes are final until the person interacts again;
 * 429 and 5xx are retried by the connector client, then recorded as failed and retried from the outbox.
 */
export type Delivery =
  | { readonly status: 'sent'; readonly conversationId: string; readonly activityId: string }
  | { readonly status: 'not_installed' | 'blocked' | 'disabled' | 'failed' | 'gone'; readonly detail: string };

export interface Notifier {
  /** Sends a card to the person's 1:1 chat with the bot, opening the chat if the app is installed for them. */
  sendCard(userId: string, card: AdaptiveCardJson): Promise<Delivery>;
  /** Replaces an earlier card in place. */
  updateCard(copy: CardCopy, card: AdaptiveCardJson): Promise<Delivery>;
}

