import { londonTimeOfDay } from '../../domain/london-time';
import { randomUUID } from 'node:crypto';
import { messageCard } from '../../cards/message-card';
import { formToken, oneOf, textInput } from '../../cases/card-input';
import type { CaseAction, CaseRules, DecisionVerb, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { Actor, hasRole } from '../../domain/people';
import { customerPostActions } from './actions';
import { DESK_LISTS, openPosts } from './desk';
import { CUSTOMER_POST_TIMERS, customerPostEffects } from './effects';
import { deadlinesFrom, endOfWorkingDay, LogPostFormInput, startOfWorkingDay, validateLogPostForm } from './form';
import { logPostFormView } from './form-view';
import { POST_STATE_LABELS } from './labels';
import { canSeePost, CustomerPost, CustomerPostCommand, CustomerPostEvent, decide, evolve, LINE_MAX, MODERATIONS } from './model';
import { customerPostParticipants, customerPostPresenter } from './presenter';
import { deskReportExport } from './report-export';
import { CLOSED_STATES } from './steps';
import { customerPostCardView, nextStep } from './view';

const rules: CaseRules = {
  prefix: 'CP',
  // Like access requests and takedown notices (their default): kept 2 years after closing, then deleted.
  deleteClosedAfterMonths: 24,
  name: 'customerPost',
  // Reopening is a step of its own: until then nothing more is owed on these.
  closedStates: CLOSED_STATES,
  // The customer is not named (the minimum is stored); the owner is the person the post is "about" for subject access.
  namedRoles: ['owner', 'loggedBy'],
  disclosure: {
    detailsAuthor: 'loggedBy',
    labels: {
      owner: 'the Communications Team member who owns the post', loggedBy: 'the Communications Team member who logged the post', other: 'a member of staff',
    },
    formerLabels: { owner: 'a previous owner of the post' },
  },
  stateLabel: (state) => POST_STATE_LABELS[state as CustomerPost['state']] ?? { label: state, color: 'default' },
};

const NOT_FOUND = 'I can\'t find that customer post, or you don\'t have a part in it.';
/** Text from a card, bounded before the model checks it against its own, smaller, limits. */
const INPUT_MAX = 2000;

/** Customer posts on the Communications Team's desk, on the policy's 24-hour and 5-working-day clocks (issue 12). */
export const customerPost: WorkflowModule<CustomerPost, CustomerPostCommand, CustomerPostEvent> = {
  rules,
  help: {
    full: [
      { command: 'log post', purpose: 'Communications Team: record a customer\'s post (complaint, problem or enquiry, compliment, offensive, misinformation) and start its clock.', role: 'comms' },
      { command: 'desk', purpose: 'Communications Team: open customer posts, soonest due first ("desk complaints", "desk enquiries", "desk mine", "desk owner patti").', role: 'comms' },
      {
        command: 'desk report', role: 'comms',
        purpose: 'Communications Team: each customer post and whether its 24-hour or 5-working-day clock was kept, as a CSV file in your OneDrive ("desk report 2026-01-01 2026-06-30 json" for other dates or JSON).',
      },
    ],
    // No short lines: the short list for the team stays "issue takedown", "takedowns" (test/bot/understanding.test.ts).
  },
  lists: Object.fromEntries(Object.entries(DESK_LISTS).map(([name, list]) => [name, list.verb])),
  create(tools: WorkflowTools) {
    const { renderer, workingTime, directory } = tools;
    const commsOnly = () => messageCard(renderer, {
      title: 'Communications Team only', message: 'Only the Communications Team logs and follows customer posts.', style: 'warning',
    });
    const form = (action: Pick<CaseAction, 'now'>, options: { input?: LogPostFormInput; errors?: Readonly<Record<string, string>>; formId?: string | undefined } = {}) =>
      renderer.render('customer-post-form', logPostFormView({
        ...options, formId: options.formId ?? randomUUID(), today: workingTime.londonDate(action.now), timeNow: londonTimeOfDay(action.now),
      }));
    const line = (action: CaseAction, name: string) => textInput(action.data, name, INPUT_MAX);
    /** Nobody chosen on the card: the person pressing "Assign to me". */
    const ownerFrom = async (action: CaseAction): Promise<Actor | undefined> => {
      const chosen = textInput(action.data, 'owner', 200);
      if (!chosen) return action.actor;
      const found = await directory.find(chosen);
      return found ? { id: found.id, name: found.name, roles: found.roles } : undefined;
    };
    const step = (command: DecisionVerb<CustomerPostCommand>['command'], done: string, ...kept: string[]): DecisionVerb<CustomerPostCommand> =>
      ({ command, done, keeps: Object.fromEntries(kept.map((name) => [name, LINE_MAX])) });

    return {
      rules,
      notFound: () => NOT_FOUND,
      workflow: {
        decide, evolve, effects: customerPostEffects(workingTime), stateOf: (post) => post.state, participants: customerPostParticipants, canSee: canSeePost,
      },
      presenter: customerPostPresenter(renderer, workingTime),
      caseCard: (post, viewer, now, shown) => renderer.render('customer-post', customerPostCardView(post, viewer, now, workingTime, shown)),
      timers: {
        [CUSTOMER_POST_TIMERS.remind]: (basis) => ({ type: 'remind', basis }),
        [CUSTOMER_POST_TIMERS.overdue]: (basis) => ({ type: 'markOverdue', basis }),
        [CUSTOMER_POST_TIMERS.lookAgain]: (basis) => ({ type: 'lookAgain', basis }),
      },
      decisions: {
        assign: step(async (action) => ({ type: 'assign', owner: await ownerFrom(action) }), 'The owner is set; if that is not you, they have been told.'),
        respond: step((action) => ({ type: 'respond', response: line(action, 'response') }), 'First response recorded.', 'response'),
        extend: step((action) => {
          const newDate = textInput(action.data, 'newDate', 40);
          const dueAt = endOfWorkingDay(newDate, workingTime);
          return { type: 'extend', newDate, reason: line(action, 'longerReason'), ...(dueAt ? { dueAt } : {}) };
        }, 'Recorded: the customer was told it will take longer, and why. The clock now runs to the new date.', 'newDate', 'longerReason'),
        resolve: step((action) => ({ type: 'resolve', outcome: line(action, 'outcome') }), 'Resolved: the post is closed.', 'outcome'),
        monitor: step((action) => {
          const lookAgainOn = textInput(action.data, 'lookAgainOn', 40);
          const lookAgainAt = startOfWorkingDay(lookAgainOn, workingTime);
          return { type: 'monitor', reason: line(action, 'monitorReason'), lookAgainOn, ...(lookAgainAt ? { lookAgainAt } : {}) };
        }, 'Recorded: no comment for now. You will be told when to look again.', 'monitorReason', 'lookAgainOn'),
        moderate: step((action) => {
          const moderation = oneOf(MODERATIONS, action.data.moderation);
          return { type: 'moderate', note: line(action, 'moderationNote'), ...(moderation ? { action: moderation } : {}) };
        }, 'Recorded under the house rules. No response is owed.', 'moderationNote'),
        handToComplaints: step((action) => ({ type: 'handToComplaints', complaintsReference: textInput(action.data, 'complaintsReference', 200) }),
          'Handed to the Group Complaints Policy: the post is closed here.', 'complaintsReference'),
        reopen: step((action) => ({ type: 'reopen', reason: line(action, 'reopenReason'), deadlines: deadlinesFrom(action.now, workingTime) }), 'Reopened.', 'reopenReason'),
      },
      opening: {
        verb: 'customerPost.log',
        allowed: (actor) => hasRole(actor, 'comms'),
        refusal: commsOnly,
        async command(action) {
          const checked = validateLogPostForm(action.data as LogPostFormInput, action.now, workingTime);
          return checked.ok ? { type: 'log', reference: '', details: checked.details, deadlines: checked.deadlines } : checked;
        },
        formAgain: async (action, errors) => form(action, { input: action.data as LogPostFormInput, errors, formId: formToken(action.data) }),
        opened: (post) => `Logged as ${post.reference}. ${nextStep(post, new Date(post.loggedAt), workingTime)}`,
        repeated: 'This post was already logged.',
        stillOpening: { title: 'Already being logged', message: 'This post is being logged. Type "desk" in a moment to see it.' },
      },
      actions: (service) => customerPostActions(tools, service, { commsOnly, form: (action) => form(action) }),
      commands: [
        { pattern: /^(log (a )?(customer )?post|new (customer )?post|customer post)$/, verb: 'menu.logPost' },
        { pattern: /^(desk|the desk|comms desk|the comms desk|open posts|customer posts)$/, verb: 'menu.desk' },
        { pattern: /^desk complaints?$/, verb: 'menu.deskComplaints' },
        { pattern: /^desk (enquiries|enquiry|problems?( and enquiries)?)$/, verb: 'menu.deskEnquiries' },
        { pattern: /^(desk mine|desk my posts|my posts|my customer posts)$/, verb: 'menu.deskMine' },
        { pattern: /^desk (?:owner|of|owned by) ?(.{0,60})$/, verb: 'menu.deskOwner', data: (match) => ({ owner: match[1] ?? '' }) },
      ],
      exports: (service) => [deskReportExport(tools, service)],
      teamQueue: { team: 'Communications Team', waiting: (actor) => openPosts(tools.inbox, actor) },
    };
  },
};

