import { caseListCard } from '../../cards/case-list';
import { messageCard } from '../../cards/message-card';
import type { CardRenderer } from '../../cards/render';
import { platformName } from '../../domain/platforms';
import { accessRegisterExport, activeAccess, registerEntry, siteNamed } from './register';
import type { CaseAction, CaseRules, DecisionVerb, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { textInput } from '../../cases/card-input';
import { Actor, hasRole } from '../../domain/people';
import { InboxEntry, teamInbox } from '../../store/inbox';
import { accessRequestActions, myRequests } from './actions';
import { accessRequestForm } from './form-card';
import { ACCESS_TIMERS, accessRequestEffects } from './effects';
import type { AccessRequestFormInput } from './form';
import { STATE_LABELS } from './labels';
import { AccessRequest, AccessRequestCommand, AccessRequestEvent, decide, evolve } from './model';
import { accessRequestParticipants, accessRequestPresenter } from './presenter';
import { submissionFrom } from './submission';
import { accessRequestCardView, canSeeAccessRequest } from './view';

const rules: CaseRules = {
  prefix: 'AR',
  name: 'accessRequest',
  closedStates: ['rejected', 'withdrawn', 'revoked', 'expired'],
  namedRoles: ['requester', 'approver', 'lineManager', 'actingFor'],
  disclosure: {
    detailsAuthor: 'requester',
    labels: {
      requester: 'the requester', approver: 'the approver (the requester\'s line manager)', actingFor: 'the approver named, out of office',
      lineManager: 'the requester\'s line manager', other: 'a Communications Team member',
    },
    formerLabels: { approver: 'a previous approver' },
  },
  stateLabel: (state) => STATE_LABELS[state as AccessRequest['state']] ?? { label: state, color: 'default' },
};

const comment = (action: CaseAction) => textInput(action.data, 'comment', 500);

/** A decision button whose comment box is kept on the card if the step is refused. */
const withComment = (command: (action: CaseAction) => AccessRequestCommand, done: string): DecisionVerb<AccessRequestCommand> =>
  ({ command, done, keeps: { comment: 500 } });

/** Access to the Group's social media accounts: the requester asks, an approver decides, and posting also needs the Communications Team. */
/** Its lines of "help", its list. */
const help = {
  full: [
    { command: 'request access', purpose: 'Ask your line manager for business access to a social media site, with a business case.' },
    { command: 'my requests', purpose: 'See your access requests and where each one is.' },
    { command: 'access register', purpose: 'Communications Team: who has business access to which sites, until when ("access register facebook" for one site, "access register csv" for a file).', role: 'comms' as const },
  ],
  short: [{ command: 'request access', purpose: 'Business access to a social media site.' }],
};

export const accessRequest: WorkflowModule<AccessRequest, AccessRequestCommand, AccessRequestEvent> = {
  rules,
  help,
  lists: { myRequests: 'menu.myRequests', accessRegister: 'menu.accessRegister' },
  create(tools: WorkflowTools) {
    const { renderer, workingTime, directory } = tools;
    const form = accessRequestForm(tools);

    return {
      rules,
      notFound: (reference) => `I can't find ${reference ?? 'that request'}, or you don't have a part in it.`,
      workflow: {
        decide, evolve, effects: accessRequestEffects(workingTime), stateOf: (request) => request.state,
        participants: accessRequestParticipants, canSee: canSeeAccessRequest,
      },
      presenter: accessRequestPresenter(renderer, workingTime),
      caseCard: (request, viewer, now, shown) => renderer.render('access-request', accessRequestCardView(request, viewer, now, workingTime, shown)),
      timers: {
        [ACCESS_TIMERS.remindApprover]: (basis) => ({ type: 'remindApprover', basis }),
        [ACCESS_TIMERS.escalate]: (basis) => ({ type: 'escalate', basis }),
        [ACCESS_TIMERS.remindExpiry]: () => ({ type: 'remindExpiry' }),
        [ACCESS_TIMERS.expire]: () => ({ type: 'expire' }),
      },
      decisions: {
        approve: withComment((action) => ({ type: 'approve', comment: comment(action) }), 'You approved this request. The requester has been told.'),
        reject: withComment((action) => ({ type: 'reject', comment: comment(action) }), 'You rejected this request. The requester has been told.'),
        requestInfo: withComment(
          (action) => ({ type: 'requestInfo', comment: comment(action) }), 'You asked for more information. The requester has been told and can edit the request.',
        ),
        commsSignOff: withComment(
          (action) => ({ type: 'commsSignOff', comment: comment(action) }), 'You signed off this request: access is now active. The requester has been told.',
        ),
        commsReject: withComment(
          (action) => ({ type: 'commsReject', comment: comment(action) }), 'You rejected this request. The requester and their manager have been told.',
        ),
        withdraw: withComment(() => ({ type: 'withdraw' }), 'You withdrew this request. The approver has been told.'),
        revoke: withComment((action) => ({ type: 'revoke', comment: comment(action) }), 'You revoked this access. The requester has been told.'),
      },
      opening: {
        verb: 'accessRequest.submit',
        command: (action) => submissionFrom(action.data as AccessRequestFormInput, action.actor, action.now, tools),
        formAgain: (action, errors) => form(action, { input: action.data as AccessRequestFormInput, errors, ...(typeof action.data.formId === 'string' ? { formId: action.data.formId } : {}) }),
        opened: (request) => request.actingFor
          ? `Sent to ${request.approver.name} for approval: ${request.actingFor.name} is away, and ${request.approver.name} decides for them.`
          : `Sent to ${request.approver.name} for approval.`,
        repeated: 'This request was already sent.',
        stillOpening: { title: 'Already being sent', message: 'This request is already on its way. Type "my requests" in a moment to see it.' },
      },
      actions: (service) => ({
        ...accessRequestActions(tools, service),
        // From a takedown notice: the recipient's access, as a message of its own so the notice's card stays.
        'menu.accessOf': async (action) => {
          if (!hasRole(action.actor, 'comms')) return commsOnly(renderer);
          const person = typeof action.data.person === 'string' && action.data.person ? await directory.find(action.data.person.slice(0, 200)) : undefined;
          if (!person) return messageCard(renderer, { title: 'Access register', message: 'I can\'t find that person in the staff directory.', style: 'warning' });
          const entries = (await activeAccess(service)).filter((request) => request.requester.id === person.id).map(registerEntry);
          const list = caseListCard(renderer, `${person.name}: business access`, entries, rules.stateLabel, `${person.name} has no business access.`, 'case.show', 'accessRegister');
          return { newMessage: list, toast: `${person.name}'s access is below.` };
        },
        'menu.accessRegister': async (action) => {
          if (!hasRole(action.actor, 'comms')) return commsOnly(renderer);
          const named = typeof action.data.site === 'string' ? action.data.site : '';
          const site = siteNamed(named);
          if (named.trim() && !site) {
            return messageCard(renderer, { title: 'Access register', message: `I don't know the site "${named.slice(0, 40)}". Type "access register" for every site, or name one such as "access register facebook".` });
          }
          const entries = (await activeAccess(service, site)).map(registerEntry);
          const title = site ? `Access register: ${platformName(site)}` : 'Access register';
          return caseListCard(renderer, title, entries, rules.stateLabel, 'Nobody has business access at the moment.', 'case.show', 'accessRegister');
        },
      }),
      exports: (service) => [accessRegisterExport(tools, service)],
      commands: [
        { pattern: /^(request( social media)? access|new (access )?request|access request|ask for access)$/, verb: 'menu.requestAccess' },
        { pattern: /^(my requests|my access requests|status)$/, verb: 'menu.myRequests' },
        { pattern: /^(?:the )?access register(?: (?:for |on )?(?!csv$|file$)([a-z][a-z ()]{0,30}))?$/, verb: 'menu.accessRegister', data: (match) => ({ site: match[1] ?? '' }) },
      ],
      teamQueue: { team: 'Communications Team', waiting: (actor) => awaiting(tools, actor) },
    };
  },
};

/**
 * What waits for this person: requests to approve, and for the Communications Team, sign-offs. A Comms member
 * never gives the second sign-off on a request they made or approved as line manager (model.ts).
 */
async function awaiting(tools: WorkflowTools, actor: Actor): Promise<InboxEntry[]> {
  const own = await tools.inbox.list(actor.id, { awaitingOnly: true });
  const team = hasRole(actor, 'comms') ? await tools.inbox.list(teamInbox('comms'), { awaitingOnly: true }) : [];
  const notForMe = team.length > 0 ? new Set([
    ...(await myRequests(tools, actor)).map((entry) => entry.reference),
    ...(await tools.inbox.list(actor.id, { role: 'approver' })).map((entry) => entry.reference),
  ]) : new Set<string>();
  return [...own, ...team.filter((entry) => !notForMe.has(entry.reference))].filter((entry) => entry.reference.startsWith(`${rules.prefix}-`));
}

function commsOnly(renderer: CardRenderer) {
  return messageCard(renderer, { title: 'Communications Team only', message: 'Only the Communications Team keeps the access register.', style: 'warning' });
}
