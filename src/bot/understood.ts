import { randomUUID } from 'node:crypto';
import type { CardRenderer } from '../cards/render';
import type { Directory } from '../directory/directory';
import { hasRole } from '../domain/people';
import type { WorkingTime } from '../domain/working-time';
import type { Logger } from '../logger';
import type { Understander, Understanding } from '../understanding/understand';
import { abuseReportFormView } from '../workflows/abuse-report/form-view';
import { safetyCardView, SupportSettings } from '../workflows/abuse-report/settings';
import { accessRequestFormView } from '../workflows/access-request/form-view';
import { takedownFormView } from '../workflows/takedown/form-view';
import { logPostFormView } from '../workflows/customer-post/form-view';
import { londonTimeOfDay } from '../domain/london-time';
import { concernFormCard, FormLead, TAKEDOWN_IS_COMMS_ONLY } from '../workflows/concern/form-view';
import { notUnderstoodCard } from './short-help';
import { ActionHandler, messageCard, replyWithAnswer, replyWithCard, Turn } from './turn';
import { welcomeCard } from './welcome';

export interface UnderstoodRouteDeps {
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  readonly workingTime: WorkingTime;
  readonly logger: Logger;
  readonly understand: Understander;
  /** Where the policy card's "Read the full policy" opens (POLICY_URL). */
  readonly policyUrl: string;
  /** The support links and phone of the safety card (EAP_URL, HOLMES_URL, SUPPORT_PHONE). */
  readonly support: SupportSettings;
  /** The needs-my-action list (my-actions.ts): what "what's waiting" and "my stuff" show. */
  readonly myActions: ActionHandler;
}

/** Answers a message no typed command matched; `personal` is false in channels and group chats. */
export type FreeTextRoute = (turn: Turn, text: string, personal: boolean) => Promise<void>;

/** Answers that show or ask for personal details stay in the 1:1 chat, as typed commands do. */
const ANSWERED_ANYWHERE: readonly Understanding['intent'][] = ['policy', 'help', 'unknown'];

/** Free text -> {@link Understander} -> the flow it asks for, with what it names filled in. */
export function understoodRoute(deps: UnderstoodRouteDeps): FreeTextRoute {
  const { renderer, directory, workingTime } = deps;
  // The 999 line first, then support with its links: before any form (the receipt says the report is already recorded).
  const safetyCard = () => renderer.render('abuse-report-safety', safetyCardView(deps.support));
  // Appendix 1, section 9: "If you have any concerns regarding the posts on our social media sites talk to your manager
  // or a member of the Communications Team": staff who write about a post, or ask for one removed, get the concern form.
  const concernForm = (turn: Turn, understood: Understanding, lead?: FormLead) => concernFormCard({ renderer, directory }, turn.actor, {
    input: { platform: understood.platform ?? '', platformOther: understood.otherSite ?? '' }, ...(lead ? { lead } : {}),
  });

  const abuseForm = async (turn: Turn, understood: Understanding) => renderer.render('abuse-report-form', abuseReportFormView({
    actor: turn.actor, today: workingTime.londonDate(turn.now), formId: randomUUID(), people: await directory.everyone(),
    input: { platform: understood.platform ?? '', platformOther: understood.otherSite ?? '', immediateDanger: String(understood.danger) },
    safetyCardAbove: understood.danger,
  }));
  const accessForm = async (turn: Turn, understood: Understanding) => renderer.render('access-request-form', accessRequestFormView({
    actor: turn.actor, today: workingTime.londonDate(turn.now), formId: randomUUID(), people: await directory.everyone(),
    input: { sites: understood.sites.join(','), otherSite: understood.otherSite ?? '' },
  }));
  const takedownForm = async (turn: Turn, understood: Understanding) => renderer.render('takedown-form', takedownFormView({
    actor: turn.actor, formId: randomUUID(), people: await directory.everyone(),
    input: { platform: understood.platform ?? '', platformOther: understood.otherSite ?? '' },
  }));

  /** For the Communications Team, a customer's post is one to log on the desk: the form, with the site they named. */
  const logPostForm = (turn: Turn, understood: Understanding) => renderer.render('customer-post-form', logPostFormView({
    formId: randomUUID(), today: deps.workingTime.londonDate(turn.now), timeNow: londonTimeOfDay(turn.now),
    input: { platform: understood.platform ?? '', platformOther: understood.otherSite ?? '' },
  }));

  return async (turn, text, personal) => {
    const understood = deps.understand(text, turn.actor.roles);
    // Rule ids and known words only (understand.ts): never the text itself.
    deps.logger.info({ intent: understood.intent, danger: understood.danger, matched: understood.matched.slice(0, 20) }, 'free text understood');
    const { context, actor } = turn;
    // Safety before privacy: the 999 line and support are shown wherever danger is written.
    if (understood.danger) await replyWithCard(context, safetyCard());
    if (!personal && !ANSWERED_ANYWHERE.includes(understood.intent)) {
      return replyWithCard(context, messageCard(renderer, {
        title: 'Ask me in our 1:1 chat', message: 'That needs personal or confidential details, so I only answer it in your private chat with me.',
      }));
    }
    switch (understood.intent) {
      case 'danger':
      case 'reportAbuse': return replyWithCard(context, await abuseForm(turn, understood));
      case 'requestAccess': return replyWithCard(context, await accessForm(turn, understood));
      case 'takedown': return replyWithCard(context, hasRole(actor, 'comms') ? await takedownForm(turn, understood) : await concernForm(turn, understood, TAKEDOWN_IS_COMMS_ONLY));
      case 'concern': return replyWithCard(context, hasRole(actor, 'comms') ? logPostForm(turn, understood) : await concernForm(turn, understood));
      case 'policy': return replyWithCard(context, renderer.render('policy', { policyUrl: deps.policyUrl }));
      case 'myActions': return replyWithAnswer(context, await deps.myActions({ ...turn, data: {} }));
      case 'help': return replyWithCard(context, welcomeCard(renderer, actor));
      case 'unknown': return replyWithCard(context, notUnderstoodCard(renderer, actor));
      default: {
        const unhandled: never = understood.intent;
        throw new Error(`no route for intent ${String(unhandled)}`);
      }
    }
  };
}
