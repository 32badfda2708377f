import { ActivityTypes, CardFactory, FileConsentCardResponse, MessageFactory, TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render';
import { addressRefreshTo, TeamsUser } from './refresh-users';
export { messageCard, type MessageView } from '../cards/message-card';
export { formToken, textInput } from '../cases/card-input';
import type { CardLocation } from '../domain/effects';
import type { Actor } from '../domain/people';
import type { CasePrefix } from '../domain/references';

/** What every handler gets: who acts (from the directory, never from card data) and when. */
export interface Turn {
  readonly context: TurnContext;
  readonly actor: Actor;
  readonly now: Date;
  /**
   * What was pressed or typed, for the log line of a refusal: the card verb, `case.show` for a typed
   * reference, `message` for other typed commands. Never the text itself.
   */
  readonly verb: string;
}

/** A card button press: `data` is the button's data merged with the card's inputs, all untrusted. */
export interface ActionTurn extends Turn {
  readonly data: Readonly<Record<string, unknown>>;
}

/** The clicked card stays as it is; Teams shows `toast` for a moment (the handler sent a card as a new message). */
export interface KeepClickedCard {
  readonly keepClickedCard: true;
  readonly toast: string;
}

/** Handles one Action.Execute verb; the card it returns replaces the clicked card for the clicker. */
export type ActionHandler = (turn: ActionTurn) => Promise<AdaptiveCardJson | KeepClickedCard>;

export function keepsClickedCard(answer: AdaptiveCardJson | KeepClickedCard): answer is KeepClickedCard {
  return answer.keepClickedCard === true;
}

/** Handles a typed command such as "request access". */
export interface Command {
  /** Matched against the message text, lower-cased, trimmed, punctuation at the ends removed. */
  readonly pattern: RegExp;
  readonly handle: (turn: Turn, match: RegExpExecArray) => Promise<void>;
  /**
   * Also answered in channels and group chats, where everyone present sees the reply. Off by default:
   * requests, reports and lists carry personal or confidential details and stay in the 1:1 chat.
   */
  readonly sharedSpaces?: boolean;
}

/** Opens a case of one workflow by reference (`case.show`, "show AR-2026-00001"). */
export interface CaseViewer {
  readonly prefix: CasePrefix;
  /** `remember`: the card replaces a clicked one, so later changes should update that message too. */
  show(turn: Turn | ActionTurn, reference: string, remember: boolean): Promise<AdaptiveCardJson>;
  /** How this workflow's states read in lists that mix workflows ("my cases"). */
  stateLabel?(state: string): { label: string; color: string };
}

/** What one workflow adds to the bot. */
export interface WorkflowRoutes {
  readonly actions: Readonly<Record<string, ActionHandler>>;
  readonly commands: readonly Command[];
  readonly viewer?: CaseViewer;
  /** Handles a message that carries files (evidence for a report). */
  readonly onFiles?: (turn: Turn) => Promise<boolean>;
  /**
   * Handles "Allow" or "Decline" on a file consent card the workflow sent (`fileConsent/invoke`); true when
   * it was this workflow's card. `response.context` is untrusted: re-check the actor and rebuild the file.
   */
  readonly onFileConsent?: (turn: Turn, response: FileConsentCardResponse) => Promise<boolean>;
}

export async function replyWithCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(addressRefreshTo(card, sender(context)))));
}

/** Whoever this turn answers: a reply or an invoke response goes to them. */
function sender(context: TurnContext): TeamsUser {
  const from = context.activity.from as { id?: unknown; aadObjectId?: unknown } | undefined;
  return {
    ...(typeof from?.aadObjectId === 'string' ? { aadObjectId: from.aadObjectId } : {}),
    ...(typeof from?.id === 'string' ? { mri: from.id } : {}),
  };
}

/**
 * Answers an Action.Execute invoke with a card that replaces the clicked one for the clicker only. We
 * send the invoke response ourselves so teams-ai never switches a verb to "replace for everyone"
 * (it does when a returned card has `refresh`); copies for others are updated by the effect relay.
 */
export async function answerWithCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: addressRefreshTo(card, sender(context)) } },
  });
}

/** Answers an Action.Execute invoke leaving the clicked card as it is, with a short message Teams shows for a moment. */
export async function answerWithMessage(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  });
}

/** A typed command answered by a card verb: the card it gives, whether it replaces a card or is a new message. */
export async function replyWithAnswer(context: TurnContext, answer: AdaptiveCardJson | KeepClickedCard): Promise<void> {
  if (!keepsClickedCard(answer)) await replyWithCard(context, answer);
}

/** The clicked card's place, from the invoke itself (never from card data). */
export function clickedCard(turn: ActionTurn): CardLocation | undefined {
  const { conversation, replyToId } = turn.context.activity;
  return conversation?.id && replyToId ? { conversationId: conversation.id, activityId: replyToId } : undefined;
}
