import { CardFactory, CloudAdapter, ConversationReference, MessageFactory, TeamsInfo, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import type { Delivery, Notifier } from '../cases/delivery';
import type { ConversationStore } from '../store/conversations';
export type { Delivery, Notifier } from '../cases/delivery';
import { ConversationRateLimiter, createConversationRateLimiter } from './rate-limit';
import { addressRefreshTo, TeamsUser } from './refresh-users';

export interface NotifierOptions {
  readonly adapter: CloudAdapter;
  readonly botAppId: string;
  readonly conversations: ConversationStore<Partial<ConversationReference>>;
  readonly logger: Logger;
  readonly limiter?: ConversationRateLimiter;
}

type Undelivered = Exclude<Delivery, { status: 'sent' }>;

const FINAL_CODES: ReadonlyArray<[string, Undelivered['status']]> = [
  ['BotNotInConversationRoster', 'not_installed'],
  ['ConversationBlockedByUser', 'blocked'],
  ['BotDisabledByAdmin', 'disabled'],
];

export function createNotifier(options: NotifierOptions): Notifier {
  const { adapter, botAppId, conversations, logger } = options;
  const limiter = options.limiter ?? createConversationRateLimiter();

  /** One attempt: the connector client already retries 429 and 5xx (honouring Retry-After); what still fails stays in the outbox. */
  async function attempt(what: string, send: () => Promise<string | undefined>): Promise<{ activityId?: string } | Undelivered> {
    try {
      return { activityId: await send() };
    } catch (error) {
      const failure = classify(error);
      logger.warn({ what, status: failure.delivery.status, httpStatus: failure.httpStatus }, 'proactive message not delivered');
      return failure.delivery;
    }
  }

  async function referenceFor(userId: string): Promise<Partial<ConversationReference> | undefined> {
    return (await conversations.personal(userId)) ?? openPersonalChat(userId);
  }

  /** Teams lets a bot open a 1:1 chat with anyone the app is installed for, given the tenant's service URL. */
  async function openPersonalChat(userId: string): Promise<Partial<ConversationReference> | undefined> {
    const known = await conversations.anyReference();
    if (!known) return undefined;
    const { tenantId } = known;
    let created: Partial<ConversationReference> | undefined;
    let mri: string | undefined;
    await adapter.createConversationAsync(botAppId, known.channelId, known.serviceUrl, '', {
      isGroup: false, bot: { id: known.bot?.id ?? botAppId, name: known.bot?.name ?? '' }, members: [{ id: userId, name: '' }],
      tenantId, channelData: tenantId ? { tenant: { id: tenantId } } : undefined, activity: undefined as never,
    }, async (context) => {
      created = TurnContext.getConversationReference(context.activity);
      mri = await teamsIdOf(context, userId);
    });
    if (!created) return undefined;
    const reference = { ...created, user: { id: mri ?? userId, name: '', aadObjectId: userId } };
    await conversations.savePersonal(userId, reference);
    return reference;
  }

  /** The chat's id for a person (their MRI), which cards' `refresh.userIds` need; unknown is not fatal. */
  async function teamsIdOf(context: TurnContext, userId: string): Promise<string | undefined> {
    try {
      return (await TeamsInfo.getMember(context, userId)).id || undefined;
    } catch (error) {
      logger.debug({ httpStatus: (error as { statusCode?: number }).statusCode }, 'Teams user id not found for a new chat');
      return undefined;
    }
  }

  return {
    async sendCard(userId, card) {
      let reference: Partial<ConversationReference> | undefined;
      try {
        reference = await referenceFor(userId);
      } catch (error) {
        return classify(error).delivery.status === 'failed' ? { status: 'not_installed', detail: 'could not open a chat' } : classify(error).delivery;
      }
      if (!reference?.conversation?.id) return { status: 'not_installed', detail: 'no conversation with this person' };
      const conversationId = reference.conversation.id;
      await limiter.acquire(conversationId);
      const result = await attempt('send', async () => {
        let id: string | undefined;
        await adapter.continueConversationAsync(botAppId, reference, async (context) => {
          id = (await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(addressRefreshTo(card, teamsUserOf(reference, userId))))))?.id;
        });
        return id;
      });
      if ('status' in result) return result;
      return { status: 'sent', conversationId, activityId: result.activityId ?? '' };
    },

    async updateCard(copy, card) {
      const reference = await conversations.personal(copy.viewerId);
      if (!reference || reference.conversation?.id !== copy.conversationId) {
        return { status: 'gone', detail: 'the conversation of this copy is no longer known' };
      }
      await limiter.acquire(copy.conversationId);
      const result = await attempt('update', async () => {
        await adapter.continueConversationAsync(botAppId, reference, async (context) => {
          await context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(addressRefreshTo(card, teamsUserOf(reference, copy.viewerId)))), id: copy.activityId });
        });
        return copy.activityId;
      });
      if ('status' in result) return result;
      return { status: 'sent', conversationId: copy.conversationId, activityId: copy.activityId };
    },
  };
}

/** A saved chat names the person by their Teams id (MRI) once they have written, or once the bot looked it up. */
function teamsUserOf(reference: Partial<ConversationReference>, userId: string): TeamsUser {
  const id = reference.user?.id;
  return { aadObjectId: userId, ...(id && id !== userId ? { mri: id } : {}) };
}

interface Failure {
  readonly delivery: Undelivered;
  readonly httpStatus?: number;
}

function classify(error: unknown): Failure {
  const httpStatus = (error as { statusCode?: number }).statusCode;
  const text = describe(error);
  const final = FINAL_CODES.find(([code]) => text.includes(code));
  if (final) return { delivery: { status: final[1], detail: final[0] }, httpStatus };
  if (httpStatus === 403) return { delivery: { status: 'not_installed', detail: 'forbidden' }, httpStatus };
  if (httpStatus === 404) return { delivery: { status: 'gone', detail: 'not found' }, httpStatus };
  // The connector request was abandoned after CONNECTOR_TIMEOUT_MS (runtime.ts): the connector never answered.
  if ((error as { name?: unknown }).name === 'AbortError') return { delivery: { status: 'failed', detail: 'timed out' } };
  return { delivery: { status: 'failed', detail: httpStatus ? `HTTP ${httpStatus}` : 'network error' }, httpStatus };
}

function describe(error: unknown): string {
  const { code, message, response } = error as { code?: unknown; message?: unknown; response?: { bodyAsText?: unknown } };
  return [code, message, response?.bodyAsText].filter((part) => typeof part === 'string').join(' ');
}
