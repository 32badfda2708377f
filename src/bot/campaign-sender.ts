import { CardFactory, CloudAdapter, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render';
import type { Logger } from '../logger';
import type { ConversationStore } from '../store/conversations';
import type { CampaignSender, SendResult } from '../workflows/campaign/fan-out';

export interface CampaignSenderOptions {
  readonly adapter: CloudAdapter;
  readonly botAppId: string;
  readonly conversations: ConversationStore<Partial<ConversationReference>>;
  readonly logger: Logger;
}

const FINAL_CODES = ['ConversationBlockedByUser', 'BotDisabledByAdmin'];

/**
 * Sends a campaign card as a new message in a person's 1:1 chat, exactly one HTTP request: `adapter` is one whose
 * connector clients do not retry (src/runtime.ts; the default pipeline retries 429 after Retry-After and 5xx, holding
 * the send), so a 429 comes back to the fan-out, which puts the message back in the queue for Retry-After where any instance may
 * take it (src/workflows/campaign/fan-out.ts). A person with no known chat gets one opened, which Teams allows only
 * where the app is installed for them.
 */
export function createCampaignSender(options: CampaignSenderOptions): CampaignSender {
  const { adapter, botAppId, conversations } = options;

  async function referenceFor(personId: string): Promise<Partial<ConversationReference> | undefined> {
    const known = await conversations.personal(personId);
    if (known?.conversation?.id) return known;
    const any = await conversations.anyReference();
    if (!any) return undefined;
    const { tenantId } = any;
    let created: Partial<ConversationReference> | undefined;
    await adapter.createConversationAsync(botAppId, any.channelId, any.serviceUrl, '', {
      isGroup: false, bot: { id: any.bot?.id ?? botAppId, name: any.bot?.name ?? '' }, members: [{ id: personId, name: '' }],
      tenantId, channelData: tenantId ? { tenant: { id: tenantId } } : undefined, activity: undefined as never,
    }, async (context) => {
      created = TurnContext.getConversationReference(context.activity);
    });
    if (created) await conversations.savePersonal(personId, { ...created, user: { id: personId, name: '', aadObjectId: personId } });
    return created;
  }

  return {
    async send(personId, card: AdaptiveCardJson): Promise<SendResult> {
      let reference: Partial<ConversationReference> | undefined;
      try {
        reference = await referenceFor(personId);
      } catch (error) {
        const result = classify(error);
        return result.status === 'failed' && !result.final ? { status: 'notInstalled', detail: 'could not open a chat' } : result;
      }
      const conversationId = reference?.conversation?.id;
      if (!reference || !conversationId) return { status: 'notInstalled', detail: 'no chat with this person' };
      try {
        let activityId = '';
        await adapter.continueConversationAsync(botAppId, reference, async (context) => {
          activityId = (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))))?.id ?? '';
        });
        return { status: 'sent', conversationId, activityId };
      } catch (error) {
        return classify(error);
      }
    },
  };
}

function classify(error: unknown): SendResult {
  const { statusCode, message, code, response } = error as { statusCode?: number; message?: unknown; code?: unknown; response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: unknown } };
  const text = [code, message, response?.bodyAsText].filter((part) => typeof part === 'string').join(' ');
  if (statusCode === 429) return { status: 'throttled', retryAfterSeconds: retryAfter(response?.headers?.get?.('retry-after')) };
  if (text.includes('BotNotInConversationRoster') || statusCode === 403 && !FINAL_CODES.some((final) => text.includes(final))) return { status: 'notInstalled', detail: 'not installed' };
  const final = FINAL_CODES.find((candidate) => text.includes(candidate));
  if (final) return { status: 'failed', detail: final, final: true };
  if (statusCode === 404) return { status: 'notInstalled', detail: 'no chat' };
  // No answer: the connector may have delivered it; an answer with an error status delivered nothing.
  if ((error as { name?: unknown }).name === 'AbortError') return { status: 'failed', detail: 'timed out', final: false, uncertain: true };
  return statusCode ? { status: 'failed', detail: `HTTP ${statusCode}`, final: false } : { status: 'failed', detail: 'network error', final: false, uncertain: true };
}

/** Retry-After in seconds (or an HTTP date); 1 s when missing or unreadable, at most 5 minutes. */
function retryAfter(header: string | undefined): number {
  if (!header) return 1;
  const seconds = Number(header);
  const wait = Number.isFinite(seconds) ? seconds : (Date.parse(header) - Date.now()) / 1000;
  return Math.min(300, Math.max(1, Math.ceil(Number.isFinite(wait) ? wait : 1)));
}
