import { odata } from '@azure/data-tables';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { adminRoutes } from '../../src/bot/admin-routes';
import { outOfOfficeRoutes } from '../../src/bot/out-of-office';
import { myActionsRoutes } from '../../src/bot/my-actions';
import { myCasesRoutes } from '../../src/bot/my-cases';
import type { DirectoryPerson } from '../../src/directory/directory';
import { createTableDirectory } from '../../src/store/directory-table';
import type { Actor } from '../../src/domain/people';
import { createCaseStore } from '../../src/store/case-store';
import type { WorkflowTools } from '../../src/cases/definition';
import { prefixOf } from '../../src/domain/references';
import { WORKFLOWS } from '../../src/workflows';
import { definedWorkflowRoutes } from '../support/defined-workflow-routes';
import { BotHarness, CardJson, cardText, PEOPLE, TENANT } from '../support/bot-harness';
import { activityFrom, hasInput, newCardsIn, NOW, referencesIn, teamsFile, validForm, validReport } from '../bot/conversation-helpers';

/**
 * The authorisation matrix (DESIGN.md, "Security": every action re-checks the actor against stored state;
 * card data never decides who may act). Every card action and typed command of every workflow, run over
 * HTTP as every role, against one case of each workflow in each state that matters:
 *
 *   acts    the case changes (its snapshot version goes up), or a new case is opened in the actor's own name
 *   refused a clear refusal on the card, and the case does not change
 *   hidden  exactly the answer given for a case that does not exist, and the case does not change
 *   sees    the case card (or the form, or the list) is shown, and the case does not change
 *
 * Every answer is also checked for leaks: any case reference on it must be one the person may see.
 * A verb or command added to the routes without a row here fails the coverage test.
 */

const OTHER_TENANT = '99999999-8888-7777-6666-555555555555';

/** People beyond the harness's: a manager of someone other than Alex, a pure administrator, and someone to erase. */
const EXTRA = {
  oscar: { id: 'aad-oscar', name: 'Oscar Owusu', managerId: 'aad-isaiah', roles: [] },
  nina: { id: 'aad-nina', name: 'Nina Newhire', managerId: 'aad-oscar', roles: [] },
  ada: { id: 'aad-ada', name: 'Ada Admin', roles: ['admin'] },
} satisfies Record<string, DirectoryPerson>;

const ROLES = ['requester', 'manager', 'otherManager', 'comms', 'incident', 'admin', 'stranger', 'otherTenant'] as const;
type Role = (typeof ROLES)[number];
type LocalRole = Exclude<Role, 'otherTenant'>;

/** Who plays each role. Alex requests, reports and receives notices; Megan is his line manager (and approver). */
const CAST: Record<LocalRole, DirectoryPerson> = {
  requester: PEOPLE.alex, manager: PEOPLE.megan, otherManager: EXTRA.oscar, comms: PEOPLE.adele,
  incident: PEOPLE.isaiah, admin: EXTRA.ada, stranger: PEOPLE.stranger,
};

type Expect = 'acts' | 'refused' | 'hidden' | 'sees';
const CODES: Record<string, Expect> = { a: 'acts', r: 'refused', h: 'hidden', s: 'sees' };

/** The cases the rows act on, in the states that matter. */
type CaseKind =
  | 'arSubmitted' | 'arInfo' | 'arActive' | 'arPost'
  | 'ainmReported' | 'ainmInvestigating'
  | 'tdIssued' | 'tdConfirmed' | 'tdDisputed' | 'tdOverdue'
  | 'scRaised' | 'irAsked'
  | 'cpComplaint' | 'cpEnquiry' | 'cpOffensive' | 'cpResolved'
  | 'acOpen';

interface Row {
  /** A card verb (Action.Execute) or a typed command. */
  readonly verb?: string;
  readonly command?: string | ((refs: Record<CaseKind, string>) => string);
  readonly on?: CaseKind;
  /** The card data besides `reference`: fresh for every press (form tokens). */
  readonly data?: () => Record<string, unknown>;
  /**
   * Expectations for requester, manager, other manager, Comms, Incident team, admin, stranger (in that
   * order: a = acts, r = refused, h = hidden, s = sees). The other tenant is always refused.
   */
  readonly who: string;
  /** What `sees` means when there is no case card: the form, list or notice expected. */
  readonly shows?: (card: CardJson) => boolean;
  /** What `acts` changes when there is no case to change (opening a case, erasing a person). */
  readonly opens?: 'requester' | 'reporter' | 'issuer' | 'raiser' | 'asker' | 'loggedBy' | 'erased' | 'startedBy';
  /** Done as the person just before the press (e.g. attaching files in the chat). */
  readonly before?: (person: DirectoryPerson, tenantId: string) => Promise<void>;
}

const titled = (pattern: RegExp) => (card: CardJson) => pattern.test(cardText(card));
const withInput = (id: string) => (card: CardJson) => hasInput(card, id);
const COMMENT = { comment: 'A reason that is long enough to be accepted.' };
const NOTE = { note: 'A note that is long enough to be accepted by every rule.' };
const OUTSIDE_CHAIN_REASON = 'My line manager is away; Megan runs the pages I will answer on.';

/** An access request form as Teams sends it back on a working day after NOW (dates default to today). */
const arForm = (overrides: Record<string, unknown> = {}) => validForm({ startDate: '', endDate: '', ...overrides });
const reportForm = () => validReport({ happenedOn: '' });
const POST_LINK = 'https://www.facebook.com/wheatleyhousing/posts/pfbid0concern';
const concernForm = () => ({
  formId: randomUUID(), link: POST_LINK, platform: 'facebook', platformOther: '', worry: 'A tenant posted a photo of a colleague at a front door.', about: 'customer',
});
const postForm = (kind = 'complaint') => ({
  formId: randomUUID(), platform: 'facebook', platformOther: '', link: POST_LINK, postedOn: '2026-11-25', postedTime: '09:00', kind,
  summary: 'Says nobody came to fix the boiler at Flat 2.', handle: '',
});
const questionForm = () => ({
  formId: randomUUID(), about: shared.tdIssued, link: POST_LINK, question: 'Did you speak to this tenant yesterday about the repair?', colleague: PEOPLE.megan.id, due: 'days1',
});
const campaignForm = () => ({
  formId: randomUUID(), policyVersion: '2026.2', title: 'Social Media Policy, December 2026', link: 'https://holmes.wheatley-group.com/policies/social-media',
  summary: 'Monitoring of business accounts now covers Viva Engage.', dueWorkingDays: '10', audience: 'everyone', department: '',
});
const takedownForm = () => ({
  formId: randomUUID(), recipient: PEOPLE.alex.id, recipientSearch: '', link: 'https://www.facebook.com/alex.wilber/posts/pfbid02xyz',
  platform: 'facebook', platformOther: '', clauses: 'about_stakeholders', explanation: 'The post names a tenant and shows their front door.', deadline: 'days1',
});

let bot: BotHarness;

/* The rows: the whole table, every verb of every workflow. */
const ROWS: readonly Row[] = [
  // Access requests                                           R M O C I A S
  { verb: 'menu.requestAccess', who: 'sssssss', shows: withInput('businessCase') },
  { verb: 'menu.myRequests', who: 'sssssss', shows: titled(/My access requests/) },
  { verb: 'menu.approvals', who: 'sssssss', shows: titled(/Waiting for you/) },
  // Everyone names Megan (Alex's line manager, outside the others' management chains), so with a reason (issue 13).
  { verb: 'accessRequest.submit', data: () => arForm({ approverReason: OUTSIDE_CHAIN_REASON }), who: 'araaaaa', opens: 'requester' },
  { verb: 'accessRequest.resubmit', on: 'arInfo', data: () => arForm({ businessCase: 'I answer tenants on Facebook and LinkedIn for the housing team.' }), who: 'arhrhrh' },
  { verb: 'accessRequest.edit', on: 'arInfo', who: 'srhrhrh', shows: withInput('businessCase') },
  // The approver may pass a request on at any time; the requester may choose another only once it was escalated
  // (test/bot/timers.test.ts): before that, their choice is refused with when it will be possible.
  { verb: 'accessRequest.reassign', on: 'arSubmitted', who: 'sshhhhh', shows: titled(/Choose who should decide instead/) },
  { verb: 'accessRequest.changeApprover', on: 'arSubmitted', data: () => ({ approver: EXTRA.oscar.id }), who: 'rahrhrh' },
  { verb: 'accessRequest.renew', on: 'arActive', who: 'shhhhhh', shows: withInput('businessCase') },
  { verb: 'accessRequest.approve', on: 'arSubmitted', data: () => ({ comment: '' }), who: 'rahrhrh' },
  { verb: 'accessRequest.reject', on: 'arSubmitted', data: () => COMMENT, who: 'rahrhrh' },
  { verb: 'accessRequest.requestInfo', on: 'arSubmitted', data: () => COMMENT, who: 'rahrhrh' },
  { verb: 'accessRequest.commsSignOff', on: 'arPost', data: () => ({ comment: '' }), who: 'rrhahrh' },
  { verb: 'accessRequest.commsReject', on: 'arPost', data: () => COMMENT, who: 'rrhahrh' },
  { verb: 'accessRequest.withdraw', on: 'arSubmitted', who: 'arhrhrh' },
  { verb: 'accessRequest.revoke', on: 'arActive', data: () => COMMENT, who: 'rahahrh' },
  { verb: 'accessRequest.refresh', on: 'arSubmitted', who: 'sshshsh' },
  { verb: 'form.cancel', on: 'arSubmitted', who: 'sshshsh' },
  { verb: 'case.show', on: 'arPost', who: 'sshshsh' },
  { verb: 'menu.accessRegister', who: 'rrrsrrr', shows: titled(/Access register/) },
  { verb: 'menu.accessOf', data: () => ({ person: PEOPLE.alex.id }), who: 'rrrsrrr', shows: titled(/Alex Wilber: business access/) },
  { verb: 'list.show', data: () => ({ list: 'accessRegister' }), who: 'rrrsrrr', shows: titled(/Access register/) },

  // Abuse reports (AINM records): confidential to the reporter, their manager, the Incident team and admins
  { verb: 'menu.reportAbuse', who: 'sssssss', shows: withInput('description') },
  { verb: 'abuseReport.submit', data: reportForm, who: 'araaaaa', opens: 'reporter' },
  { verb: 'abuseReport.cancel', who: 'sssssss', shows: titled(/Report not sent/) },
  { verb: 'abuseReport.acknowledge', on: 'ainmReported', data: () => ({ note: '' }), who: 'rahhrrh' },
  { verb: 'abuseReport.addNote', on: 'ainmReported', data: () => NOTE, who: 'aahhaah' },
  { verb: 'abuseReport.startInvestigation', on: 'ainmReported', data: () => ({ note: '' }), who: 'rrhharh' },
  { verb: 'abuseReport.close', on: 'ainmInvestigating', data: () => ({ outcome: 'no_further_action', ...NOTE }), who: 'rrhharh' },
  { verb: 'abuseReport.refresh', on: 'ainmInvestigating', who: 'sshhssh' },
  { verb: 'abuseReport.attachEvidence', on: 'ainmReported', who: 'arhhrrh', before: attachFile },
  { verb: 'menu.myReports', who: 'sssssss', shows: titled(/My reports/) },
  { verb: 'menu.incidents', who: 'rrrrsrr', shows: titled(/Open AINM records/) },
  { verb: 'case.show', on: 'ainmReported', who: 'sshhssh' },

  // Takedown notices: the recipient, the Communications Team, admins, and the manager once overdue
  // Staff who ask for the takedown form get the concern form instead: they tell the Communications Team about the post.
  { verb: 'menu.issueTakedown', who: 'sssssss', shows: (card) => hasInput(card, 'explanation') || hasInput(card, 'worry') },
  { verb: 'takedown.issue', data: takedownForm, who: 'rrrarrr', opens: 'issuer' },
  { verb: 'takedown.cancel', who: 'sssssss', shows: titled(/Notice not sent/) },
  { verb: 'takedown.confirmRemoval', on: 'tdIssued', data: () => ({ note: '' }), who: 'ahhrhrh' },
  { verb: 'takedown.dispute', on: 'tdIssued', data: () => NOTE, who: 'ahhrhrh' },
  { verb: 'takedown.requestHelp', on: 'tdIssued', data: () => ({ note: '' }), who: 'ahhrhrh' },
  { verb: 'takedown.confirmRemoval', on: 'tdOverdue', data: () => ({ note: '' }), who: 'arhrhrh' },
  { verb: 'takedown.requestHelp', on: 'tdOverdue', data: () => ({ note: '' }), who: 'arhrhrh' },
  { verb: 'takedown.verify', on: 'tdConfirmed', data: () => ({ note: '' }), who: 'rhhahrh' },
  { verb: 'takedown.reopen', on: 'tdConfirmed', data: () => ({ ...NOTE, deadline: 'days1' }), who: 'rhhahrh' },
  { verb: 'takedown.uphold', on: 'tdDisputed', data: () => ({ ...NOTE, deadline: 'days1' }), who: 'rhhahrh' },
  { verb: 'takedown.withdraw', on: 'tdIssued', data: () => ({ note: '' }), who: 'rhhahrh' },
  { verb: 'takedown.withdraw', on: 'tdOverdue', data: () => ({ note: '' }), who: 'rrhahrh' },
  { verb: 'takedown.refresh', on: 'tdOverdue', who: 'sshshsh' },
  // Opening an issued notice is the recipient's first action: it marks the notice seen (acknowledged).
  { verb: 'case.show', on: 'tdIssued', who: 'ahhshsh' },
  { verb: 'menu.takedowns', who: 'rrrsrrr', shows: titled(/Open takedown notices/) },

  // Staff concerns: the raiser and the Communications Team only (the colleague a concern is about is never told)
  { verb: 'menu.raiseConcern', who: 'sssssss', shows: withInput('worry') },
  { verb: 'concern.raise', data: concernForm, who: 'aaaaaaa', opens: 'raiser' },
  { verb: 'concern.cancel', who: 'sssssss', shows: titled(/Concern not sent/) },
  { verb: 'menu.myConcerns', who: 'sssssss', shows: titled(/My concerns/) },
  { verb: 'menu.concerns', who: 'rrrsrrr', shows: titled(/Concerns raised by staff/) },
  { verb: 'concern.refresh', on: 'scRaised', who: 'shhshhh' },
  { verb: 'case.show', on: 'scRaised', who: 'shhshhh' },
  // Into another workflow's form: the concern's card stays, the form comes as a message of its own.
  { verb: 'concern.takedown', on: 'scRaised', data: () => ({ note: '' }), who: 'rhhahhh', shows: withInput('explanation') },
  { verb: 'concern.customerPost', on: 'scRaised', data: () => ({ note: '' }), who: 'rhhahhh', shows: withInput('summary') },
  { verb: 'concern.moderate', on: 'scRaised', data: () => ({ note: 'Hid the post from the page.' }), who: 'rhhahhh' },
  { verb: 'concern.suggestAbuseReport', on: 'scRaised', data: () => ({ note: '' }), who: 'rhhahhh' },
  { verb: 'concern.noAction', on: 'scRaised', data: () => ({ reason: 'within_policy', note: 'Checked: it is within the policy.' }), who: 'rhhahhh' },
  { verb: 'list.show', data: () => ({ list: 'concerns' }), who: 'rrrsrrr', shows: titled(/Concerns raised by staff/) },

  // Information from colleagues: the colleague asked now, the Communications Team, admins (Megan is the colleague)
  { verb: 'infoRequest.new', data: () => ({ about: shared.tdIssued, link: POST_LINK }), who: 'rrrsrrr', shows: withInput('question') },
  { verb: 'infoRequest.ask', data: questionForm, who: 'rrrarrr', opens: 'asker' },
  { verb: 'infoRequest.cancel', who: 'sssssss', shows: titled(/Question not sent/) },
  { verb: 'infoRequest.answer', on: 'irAsked', data: () => ({ answer: 'Yes: I told them the repair is booked for Friday.' }), who: 'hahrhrh' },
  { verb: 'infoRequest.passOn', on: 'irAsked', data: () => ({ newColleague: PEOPLE.patti.id, reason: 'Patti took that call, not me.' }), who: 'hahrhrh', shows: titled(/Passed on/) },
  { verb: 'infoRequest.withdraw', on: 'irAsked', data: () => ({}), who: 'hrhahrh' },
  { verb: 'infoRequest.refresh', on: 'irAsked', who: 'hshshsh' },
  { verb: 'case.show', on: 'irAsked', who: 'hshshsh' },

  // The Communications Team's desk of customer posts: the Communications Team only; to anyone else a post does not exist
  { verb: 'menu.logPost', who: 'rrrsrrr', shows: withInput('summary') },
  { verb: 'customerPost.log', data: () => postForm(), who: 'rrrarrr', opens: 'loggedBy' },
  { verb: 'customerPost.cancel', who: 'sssssss', shows: titled(/Post not logged/) },
  { verb: 'menu.desk', who: 'rrrsrrr', shows: titled(/The desk: open customer posts/) },
  { verb: 'menu.deskComplaints', who: 'rrrsrrr', shows: titled(/The desk: open complaints/) },
  { verb: 'menu.deskEnquiries', who: 'rrrsrrr', shows: titled(/The desk: open problems and enquiries/) },
  { verb: 'menu.deskMine', who: 'rrrsrrr', shows: titled(/The desk: your open posts/) },
  { verb: 'menu.deskOwner', data: () => ({ owner: 'Adele' }), who: 'rrrsrrr', shows: titled(/The desk: Adele Vance's open posts/) },
  { verb: 'list.show', data: () => ({ list: 'desk' }), who: 'rrrsrrr', shows: titled(/The desk: open customer posts/) },
  { verb: 'customerPost.chooseOwner', on: 'cpComplaint', who: 'hhhshhh' },
  { verb: 'customerPost.assign', on: 'cpComplaint', data: () => ({ owner: '' }), who: 'hhhahhh' },
  { verb: 'customerPost.respond', on: 'cpComplaint', data: () => ({ response: 'Sorry to hear this: we have asked the repairs team to call you today.' }), who: 'hhhahhh' },
  { verb: 'customerPost.extend', on: 'cpEnquiry', data: () => ({ newDate: '2026-12-09', longerReason: 'The contractor needs a part ordered.' }), who: 'hhhahhh' },
  { verb: 'customerPost.resolve', on: 'cpEnquiry', data: () => ({ outcome: 'Sorted with the repairs team.' }), who: 'hhhahhh' },
  { verb: 'customerPost.monitor', on: 'cpComplaint', data: () => ({ monitorReason: 'A police matter: we do not comment.', lookAgainOn: '2026-12-01' }), who: 'hhhahhh' },
  { verb: 'customerPost.moderate', on: 'cpOffensive', data: () => ({ moderation: 'hidden', moderationNote: 'Hidden under the house rules.' }), who: 'hhhahhh' },
  { verb: 'customerPost.handToComplaints', on: 'cpComplaint', data: () => ({ complaintsReference: 'GC-2026-1234' }), who: 'hhhahhh' },
  { verb: 'customerPost.reopen', on: 'cpResolved', data: () => ({ reopenReason: 'The customer wrote again.' }), who: 'hhhahhh' },
  { verb: 'customerPost.refresh', on: 'cpComplaint', who: 'hhhshhh' },
  { verb: 'case.show', on: 'cpComplaint', who: 'hhhshhh' },

  // Across workflows
  { verb: 'menu.myCases', who: 'sssssss', shows: titled(/My cases/) },
  { verb: 'menu.myActions', who: 'sssssss', shows: titled(/Waiting for you/) },
  // Out of office: each person sets their own (the next row ends it again, so later rows meet no delegation).
  { verb: 'menu.outOfOffice', who: 'sssssss', shows: titled(/Out of office/) },
  { verb: 'outOfOffice.set', data: () => ({ delegate: PEOPLE.patti.id, delegateSearch: '', until: '2026-12-04' }), who: 'sssssss', shows: titled(/Saved\. Until the end of 4 Dec 2026, Patti Fernandez/) },
  { verb: 'outOfOffice.end', who: 'sssssss', shows: titled(/Welcome back/) },
  // "Back to the list": card data names a list, the list is the clicker's own; a team list still refuses others.
  { verb: 'list.show', data: () => ({ list: 'myActions' }), who: 'sssssss', shows: titled(/Waiting for you/) },
  { verb: 'list.show', data: () => ({ list: 'takedowns' }), who: 'rrrsrrr', shows: titled(/Open takedown notices/) },

  // Typed commands                                             R M O C I A S
  { command: 'request access', who: 'sssssss', shows: withInput('businessCase') },
  { command: 'my requests', who: 'sssssss', shows: titled(/My access requests/) },
  // Policy campaigns: the Communications Team and administrators run them; every recipient acknowledges their own
  // card (a row of their own, not a step of the campaign case: "sees" here) or asks a question (a staff concern).
  { verb: 'menu.startCampaign', who: 'rrrsrsr', shows: withInput('policyVersion') },
  { verb: 'campaign.start', data: campaignForm, who: 'rrrarar', opens: 'startedBy' },
  { verb: 'campaign.progress', on: 'acOpen', who: 'rrrsrsr' },
  { verb: 'campaign.refresh', on: 'acOpen', who: 'sssssss' },
  { verb: 'campaign.close', on: 'acOpen', who: 'rrrarar' },
  { verb: 'case.show', on: 'acOpen', who: 'sssssss' },
  { verb: 'campaign.acknowledge', on: 'acOpen', who: 'sssssss', shows: titled(/acknowledgement is recorded|already acknowledged/) },
  { verb: 'campaign.question', on: 'acOpen', who: 'sssssss', shows: withInput('question') },
  { verb: 'campaign.askQuestion', on: 'acOpen', data: () => ({ formId: randomUUID(), question: 'Does monitoring cover my own Instagram account?' }), who: 'aaaaaaa', opens: 'raiser' },
  { verb: 'menu.campaigns', who: 'rrrsrsr', shows: titled(/Policy campaigns/) },
  { verb: 'menu.teamPolicy', who: 'sssssss', shows: titled(/Your team and the Social Media Policy/) },
  { verb: 'menu.myPolicy', who: 'sssssss', shows: titled(/Social Media Policy|Nothing to acknowledge/) },
  { command: 'start campaign', who: 'rrrsrsr', shows: withInput('policyVersion') },
  { command: 'campaigns', who: 'rrrsrsr', shows: titled(/Policy campaigns/) },
  { command: 'team policy', who: 'sssssss', shows: titled(/Your team and the Social Media Policy/) },
  { command: 'my policy', who: 'sssssss', shows: titled(/Social Media Policy|Nothing to acknowledge/) },
  { command: 'campaign ac-2026-00001 csv', who: 'rrrsrsr', shows: (card) => card.contentType === 'application/vnd.microsoft.teams.card.file.consent' },
  { command: 'access register', who: 'rrrsrrr', shows: titled(/Access register/) },
  { command: 'access register csv', who: 'rrrsrrr', shows: (card) => card.contentType === 'application/vnd.microsoft.teams.card.file.consent' },
  { command: 'approvals', who: 'sssssss', shows: titled(/Waiting for you/) },
  { command: 'out of office', who: 'sssssss', shows: titled(/Out of office/) },
  { command: 'my actions', who: 'sssssss', shows: titled(/Waiting for you/) },
  { command: 'report abuse', who: 'sssssss', shows: withInput('description') },
  { command: 'my reports', who: 'sssssss', shows: titled(/My reports/) },
  { command: 'incidents', who: 'rrrrsrr', shows: titled(/Open AINM records/) },
  { command: 'export', who: 'rrrrsrr', shows: (card) => card.contentType === 'application/vnd.microsoft.teams.card.file.consent' },
  { command: 'issue takedown', who: 'sssssss', shows: (card) => hasInput(card, 'explanation') || hasInput(card, 'worry') },
  { command: 'takedowns', who: 'rrrsrrr', shows: titled(/Open takedown notices/) },
  { command: 'my cases', who: 'sssssss', shows: titled(/My cases/) },
  { command: 'raise a concern', who: 'sssssss', shows: withInput('worry') },
  { command: 'log post', who: 'rrrsrrr', shows: withInput('summary') },
  { command: 'desk', who: 'rrrsrrr', shows: titled(/The desk: open customer posts/) },
  { command: 'desk complaints', who: 'rrrsrrr', shows: titled(/The desk: open complaints/) },
  { command: 'desk enquiries', who: 'rrrsrrr', shows: titled(/The desk: open problems and enquiries/) },
  { command: 'desk mine', who: 'rrrsrrr', shows: titled(/The desk: your open posts/) },
  { command: 'desk owner adele', who: 'rrrsrrr', shows: titled(/The desk: Adele Vance's open posts/) },
  { command: 'desk report', who: 'rrrsrrr', shows: (card) => card.contentType === 'application/vnd.microsoft.teams.card.file.consent' },
  { command: (refs) => `show ${refs.cpComplaint}`, on: 'cpComplaint', who: 'hhhshhh' },
  { command: 'my concerns', who: 'sssssss', shows: titled(/My concerns/) },
  { command: 'concerns', who: 'rrrsrrr', shows: titled(/Concerns raised by staff/) },
  { command: (refs) => `show ${refs.arActive}`, on: 'arActive', who: 'sshshsh' },
  { command: (refs) => refs.ainmInvestigating, on: 'ainmInvestigating', who: 'sshhssh' },
  { command: (refs) => `open ${refs.tdOverdue}`, on: 'tdOverdue', who: 'sshshsh' },
  { command: `erase person ${EXTRA.nina.id}`, who: 'rrrrrsr', shows: titled(/Erase Nina Newhire\?/) },
  { command: `erase person ${EXTRA.nina.id} confirm`, who: 'rrrrrar', opens: 'erased' },
];

/** The press or message of one row as one person, from a tenant. */
interface Attempt {
  readonly row: Row;
  readonly role: Role;
  readonly person: DirectoryPerson;
  readonly tenantId: string;
  readonly expect: Expect;
  readonly forged: boolean;
}

const privilegedFor = (row: Row): DirectoryPerson => {
  const acting = ROLES.find((role, i) => role !== 'otherTenant' && row.who[i] === 'a');
  return acting && acting !== 'otherTenant' ? CAST[acting] : PEOPLE.patti;
};

/** Card data that claims to come from the privileged person: none of it may count. */
function forgedData(row: Row): Record<string, unknown> {
  const privileged = privilegedFor(row);
  return {
    actorId: privileged.id, userId: privileged.id, aadObjectId: privileged.id, id: privileged.id,
    from: { id: `29:${privileged.id}`, aadObjectId: privileged.id, name: privileged.name },
    roles: ['comms', 'incident', 'admin'], role: 'admin', isAdmin: true, tenantId: TENANT,
    approver: privileged.id, requester: privileged.id, reporter: privileged.id, issuer: privileged.id,
    manager: privileged.id, recipient: privileged.id, by: { id: privileged.id, name: privileged.name },
  };
}

function attemptsOf(row: Row): Attempt[] {
  assert.equal(row.who.length, 7, `${rowName(row)}: seven expectations`);
  const local = (ROLES.slice(0, 7) as LocalRole[]).map((role, i): Attempt => ({
    row, role, person: CAST[role], tenantId: TENANT, expect: CODES[row.who[i]!]!, forged: false,
  }));
  const other: Attempt = { row, role: 'otherTenant', person: privilegedFor(row), tenantId: OTHER_TENANT, expect: 'refused', forged: false };
  // Forged card data is tried wherever it would matter: every refusal and hidden answer, and every new case.
  const forged = row.verb ? local.filter((a) => a.expect === 'refused' || a.expect === 'hidden' || (a.expect === 'acts' && row.opens)).map((a) => ({ ...a, forged: true })) : [];
  return [...local, other, ...forged];
}

const rowName = (row: Row) => `${row.verb ?? `"${typeof row.command === 'string' ? row.command : row.command?.(placeholderRefs())}"`}${row.on ? ` on ${row.on}` : ''}`;
const placeholderRefs = () => new Proxy({}, { get: (_t, key) => `<${String(key)}>` }) as Record<CaseKind, string>;

/* ---- Talking to the bot as anyone ---- */

const conversationOf = (person: DirectoryPerson, tenantId: string) => (tenantId === TENANT ? `personal-${person.id}` : `personal-${tenantId}-${person.id}`);

async function press(person: DirectoryPerson, verb: string, data: Record<string, unknown>, tenantId = TENANT): Promise<CardJson> {
  const answer = await bot.post('/api/messages', activityFrom(bot, person, {
    type: 'invoke', name: 'adaptiveCard/action', replyToId: `card-${randomUUID().slice(0, 8)}`,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  }, { tenantId, conversationId: conversationOf(person, tenantId) }));
  const body = answer.body as { type?: string; value?: CardJson } | undefined;
  assert.equal(answer.status, 200, `${verb} answered ${answer.status}`);
  await bot.idle();
  // A form opened from a case card leaves that card and comes as a message of its own: that message is the answer.
  if (body?.type === 'application/vnd.microsoft.activity.message') return newCardsIn(bot, conversationOf(person, tenantId)).at(-1)!;
  assert.equal(body?.type, 'application/vnd.microsoft.card.adaptive', `${verb} answered with a card`);
  return body!.value!;
}

/** Types a message; returns what the bot answered in that chat (the attachment, or nothing). */
async function say(person: DirectoryPerson, text: string, tenantId = TENANT): Promise<CardJson | undefined> {
  const conversationId = conversationOf(person, tenantId);
  const before = bot.connector.calls.length;
  const answer = await bot.post('/api/messages', activityFrom(bot, person, { type: 'message', text }, { tenantId, conversationId }));
  assert.equal(answer.status, 200, `"${text}" answered ${answer.status}`);
  await bot.idle();
  const replies = bot.connector.calls.slice(before).filter((call) => call.conversationId === conversationId && call.method === 'POST');
  assert.ok(replies.length <= 1, `"${text}" is answered at most once`);
  const attachment = (replies[0]?.body.attachments as { contentType: string; content: CardJson }[] | undefined)?.[0];
  if (!attachment) return replies[0] ? { type: 'text', text: String(replies[0].body.text ?? '') } : undefined;
  return attachment.contentType === 'application/vnd.microsoft.card.adaptive' ? attachment.content : { contentType: attachment.contentType, ...attachment.content };
}

async function attachFile(person: DirectoryPerson, tenantId: string): Promise<void> {
  const answer = await bot.post('/api/messages', activityFrom(bot, person, { type: 'message', text: '', attachments: [teamsFile(`screenshot-${randomUUID().slice(0, 6)}.png`, 'png')] }, {
    tenantId, conversationId: conversationOf(person, tenantId),
  }));
  assert.equal(answer.status, 200);
  await bot.idle();
}

/* ---- The store, read directly ---- */

async function versionOf(reference: string): Promise<number | undefined> {
  return (await createCaseStore(bot.tables.cases).load(reference))?.version;
}

async function snapshotOf<S>(reference: string): Promise<S | undefined> {
  return (await createCaseStore(bot.tables.cases).load<S>(reference))?.snapshot;
}

async function allReferences(): Promise<Set<string>> {
  const references = new Set<string>();
  for await (const row of bot.tables.cases.listEntities({ queryOptions: { filter: odata`RowKey eq 'case'`, select: ['PartitionKey'] } })) {
    references.add(row.partitionKey as string);
  }
  return references;
}

function actorOf(person: DirectoryPerson): Actor {
  return { id: person.id, name: person.name, roles: person.roles };
}

/** Each workflow's own visibility rule, as the engine asks it (built over no storage: `canSee` reads only the snapshot). */
const CAN_SEE = new Map(WORKFLOWS.map((module) => [module.rules.prefix, module.create({} as WorkflowTools).workflow.canSee]));

async function maySee(reference: string, person: DirectoryPerson): Promise<boolean> {
  const canSee = CAN_SEE.get(prefixOf(reference) ?? '');
  const snapshot = await snapshotOf<unknown>(reference);
  return snapshot !== undefined && canSee !== undefined && canSee(snapshot, actorOf(person));
}

/* ---- The cases ---- */

/** Builds one case in each state; every row that acts gets a fresh one, so the shared ones stay as they are. */
const MAKE: Record<Exclude<CaseKind, 'tdOverdue'>, () => Promise<string>> = {
  arSubmitted: async () => newCase(await press(PEOPLE.alex, 'accessRequest.submit', arForm()), 'AR'),
  arInfo: async () => step(await MAKE.arSubmitted(), PEOPLE.megan, 'accessRequest.requestInfo', COMMENT),
  arActive: async () => step(await MAKE.arSubmitted(), PEOPLE.megan, 'accessRequest.approve', {}),
  arPost: async () => step(newCase(await press(PEOPLE.alex, 'accessRequest.submit', arForm({ kind: 'post' })), 'AR'), PEOPLE.megan, 'accessRequest.approve', {}),
  ainmReported: async () => newCase(await press(PEOPLE.alex, 'abuseReport.submit', reportForm()), 'AINM'),
  ainmInvestigating: async () => step(await step(await MAKE.ainmReported(), PEOPLE.megan, 'abuseReport.acknowledge', {}), PEOPLE.isaiah, 'abuseReport.startInvestigation', {}),
  tdIssued: async () => newCase(await press(PEOPLE.adele, 'takedown.issue', takedownForm()), 'TD'),
  tdConfirmed: async () => step(await MAKE.tdIssued(), PEOPLE.alex, 'takedown.confirmRemoval', {}),
  tdDisputed: async () => step(await MAKE.tdIssued(), PEOPLE.alex, 'takedown.dispute', NOTE),
  scRaised: async () => newCase(await press(PEOPLE.alex, 'concern.raise', concernForm()), 'SC'),
  irAsked: async () => newCase(await press(PEOPLE.adele, 'infoRequest.ask', { ...questionForm(), about: await MAKE.tdIssued() }), 'IR'),
  cpComplaint: async () => newCase(await press(PEOPLE.adele, 'customerPost.log', postForm()), 'CP'),
  cpEnquiry: async () => newCase(await press(PEOPLE.adele, 'customerPost.log', postForm('problem_or_enquiry')), 'CP'),
  cpOffensive: async () => newCase(await press(PEOPLE.adele, 'customerPost.log', postForm('offensive')), 'CP'),
  cpResolved: async () => step(await MAKE.cpEnquiry(), PEOPLE.adele, 'customerPost.resolve', { outcome: 'Sorted with the repairs team.' }),
  // Its cards sent, so everyone in the directory has a row of their own to acknowledge.
  acOpen: async () => {
    const reference = newCase(await press(PEOPLE.adele, 'campaign.start', campaignForm()), 'AC');
    await bot.runtime.campaigns!.drain();
    return reference;
  },
};

const EXPECTED_STATE: Record<CaseKind, string> = {
  arSubmitted: 'submitted', arInfo: 'info_requested', arActive: 'active', arPost: 'awaiting_comms',
  ainmReported: 'reported', ainmInvestigating: 'investigating',
  tdIssued: 'issued', tdConfirmed: 'removal_confirmed', tdDisputed: 'disputed', tdOverdue: 'overdue',
  scRaised: 'raised', irAsked: 'asked',
  cpComplaint: 'open', cpEnquiry: 'open', cpOffensive: 'open', cpResolved: 'resolved',
  acOpen: 'open',
};

function newCase(card: CardJson, prefix: string): string {
  const reference = referencesIn(card).find((ref) => ref.startsWith(`${prefix}-`));
  assert.ok(reference, `a new ${prefix} case: ${cardText(card)}`);
  return reference;
}

async function step(reference: string | Promise<string>, person: DirectoryPerson, verb: string, data: Record<string, unknown>): Promise<string> {
  const ref = await reference;
  const before = await versionOf(ref);
  await press(person, verb, { reference: ref, ...data });
  assert.ok((await versionOf(ref))! > before!, `${verb} by ${person.name} moved ${ref} on`);
  return ref;
}

const shared = {} as Record<CaseKind, string>;
const overduePool: string[] = [];

async function caseFor(attempt: Attempt): Promise<string | undefined> {
  const kind = attempt.row.on;
  if (!kind) return undefined;
  if (attempt.expect !== 'acts' || attempt.forged) return shared[kind];
  const reference = kind === 'tdOverdue' ? overduePool.shift() : await MAKE[kind]();
  assert.ok(reference, `a fresh ${kind} case`);
  return reference;
}

const missingReference = (reference: string) => reference.replace(/-\d{5,}$/, '-99999');

/** The answer with this reference (and the missing one) written as REF, and nothing that changes between presses. */
function normalised(card: CardJson | undefined, ...references: string[]): string {
  let text = JSON.stringify(card ?? null);
  for (const reference of references) text = text.split(reference).join('REF');
  return text.replace(/"id":"[0-9a-f-]{36}"/g, '"id":"ID"');
}

/* ---- The checks ---- */

interface RefusalLine { readonly reference?: string; readonly verb?: string; readonly actorId?: string; readonly code?: string }

/** The "case action refused" lines logged since the log had `mark` lines. */
function refusalLinesSince(mark: number): RefusalLine[] {
  return bot.logLines.slice(mark).map((line) => JSON.parse(line) as RefusalLine & { msg?: string }).filter((line) => line.msg === 'case action refused');
}

/** Where a button starts a workflow step of another name, the log names the step. */
const STEP_OF_VERB: Readonly<Record<string, string>> = {
  'abuseReport.attachEvidence': 'abuseReport.addEvidence',
  'concern.takedown': 'concern.referToTakedown', 'concern.customerPost': 'concern.referToCustomerPost',
  'concern.moderate': 'concern.recordModeration', 'concern.noAction': 'concern.closeWithoutAction',
};

/**
 * Every refused or hidden action on a case leaves exactly one log line naming the case, the verb, the
 * person and a code (so probing is visible); nothing else logs one. Another tenant is refused before any case is read.
 */
function checkRefusalLog(attempt: Attempt, reference: string | undefined, logged: readonly RefusalLine[], context: string): void {
  const onCase = reference !== undefined && attempt.role !== 'otherTenant' && (attempt.expect === 'refused' || attempt.expect === 'hidden');
  if (!onCase) {
    assert.deepEqual(logged, [], `${context}\n  logged a refusal`);
    return;
  }
  const verb = attempt.row.verb ? STEP_OF_VERB[attempt.row.verb] ?? attempt.row.verb : 'case.show';
  assert.deepEqual(logged.map(({ reference: ref, verb: loggedVerb, actorId }) => ({ ref, verb: loggedVerb, actorId })), [{ ref: reference, verb, actorId: attempt.person.id }],
    `${context}\n  one refusal line for the case`);
  assert.ok(['forbidden', 'not_found', 'wrong_state', 'already_decided', 'invalid'].includes(String(logged[0]!.code)), `${context}\n  code ${logged[0]!.code}`);
}

const REFUSAL = /\bOnly\b|can't|Choose someone other than yourself|only\b/;
const HIDDEN_HINT = /can't find|Not available/;

async function run(attempt: Attempt): Promise<void> {
  const { row, person, tenantId } = attempt;
  const reference = await caseFor(attempt);
  if (reference) assert.equal((await snapshotOf<{ state: string }>(reference))?.state, EXPECTED_STATE[row.on!], `${reference} is ${row.on}`);
  const data = { ...(attempt.forged ? forgedData(row) : {}), ...(row.data?.() ?? {}), ...(reference ? { reference } : {}) };
  const casesBefore = await allReferences();
  const versionBefore = reference ? await versionOf(reference) : undefined;
  await row.before?.(person, tenantId);

  const text = typeof row.command === 'function' ? row.command(shared) : row.command;
  const logMark = bot.logLines.length;
  const card = row.verb ? await press(person, row.verb, data, tenantId) : await say(person, text!, tenantId);
  const refusalsLogged = refusalLinesSince(logMark);
  const versionAfter = reference ? await versionOf(reference) : undefined;
  const created = [...(await allReferences())].filter((ref) => !casesBefore.has(ref));
  const shown = cardText(card);
  const context = `${rowName(row)} as ${attempt.role} (${person.name}${attempt.forged ? ', forged card data' : ''}): ${shown.slice(0, 300)}`;

  // No answer names a case the person may not see (a reference they sent themselves is only echoed back).
  const echoed = new Set([...referencesIn(data), ...referencesIn(text), ...(reference ? [missingReference(reference)] : [])]);
  for (const ref of referencesIn(card)) {
    if (echoed.has(ref)) continue;
    assert.ok(tenantId === TENANT && await maySee(ref, person), `${context}\n  shows ${ref}, which is not theirs to see`);
  }

  if (attempt.expect !== 'acts') {
    assert.equal(versionAfter, versionBefore, `${context}\n  the case changed`);
    if (row.opens !== 'erased') assert.deepEqual(created, [], `${context}\n  a case was opened`);
  }
  checkRefusalLog(attempt, reference, refusalsLogged, context);
  if (attempt.role === 'otherTenant') {
    if (row.verb) assert.match(shown, /This app is not available to your organisation/, context);
    else assert.equal(card, undefined, `${context}\n  a message from another tenant is not answered`);
    return;
  }
  assert.ok(card, `${context}\n  no answer`);

  switch (attempt.expect) {
    case 'acts':
      if (row.opens === 'erased') {
        assert.match(shown, /Erased as /, context);
        assert.equal(await createTableDirectory(bot.tables.directory, 0).find(EXTRA.nina.id), undefined, 'the person is gone from the directory');
      } else if (row.opens) {
        assert.equal(created.length, 1, `${context}\n  one new case`);
        const opened = await snapshotOf<Record<string, { id: string }>>(created[0]!);
        assert.equal(opened?.[row.opens]?.id, person.id, `${context}\n  the new case is in the actor's own name, whatever the card data says`);
      } else {
        assert.ok(versionAfter! > versionBefore!, `${context}\n  the case did not change`);
        assert.ok(shown.includes(reference!) || row.shows?.(card!), `${context}\n  the answer shows the case (or, handed over, the form it leads to)`);
      }
      break;
    case 'refused':
      assert.match(shown, REFUSAL, `${context}\n  a clear refusal`);
      assert.doesNotMatch(shown, /can't find/, `${context}\n  a refusal, not "can't find"`);
      break;
    case 'sees':
      assert.doesNotMatch(shown, HIDDEN_HINT, context);
      if (row.shows) assert.ok(row.shows(card!), `${context}\n  the expected card`);
      else assert.ok(shown.includes(reference!), `${context}\n  the case card`);
      break;
    case 'hidden': {
      assert.match(shown, /can't find/, context);
      // Exactly what the same person gets for a case that does not exist: nothing tells them it does.
      const missing = missingReference(reference!);
      const missingData = { ...data, reference: missing };
      const answerForMissing = row.verb ? await press(person, row.verb, missingData, tenantId) : await say(person, text!.replace(reference!, missing), tenantId);
      assert.equal(normalised(card, reference!, missing), normalised(answerForMissing, reference!, missing), `${context}\n  differs from the answer for a missing case`);
      break;
    }
  }
}

/* ---- What the routes register ---- */

function registered(): { verbs: Set<string>; commands: RegExp[] } {
  const stub = {} as never;
  const workflows = definedWorkflowRoutes();
  const all = [...workflows, myActionsRoutes({ inbox: stub, renderer: stub, workflows, teamQueues: [] }), myCasesRoutes(stub, stub, workflows), adminRoutes(stub), outOfOfficeRoutes(stub)];
  return {
    // `case.show` and `list.show` are the bot's own (src/bot/app.ts): opening a case of any workflow, and going back to a list.
    verbs: new Set([...all.flatMap((routes) => Object.keys(routes.actions)), 'case.show', 'list.show']),
    commands: all.flatMap((routes) => routes.commands.map((command) => command.pattern)),
  };
}

describe('authorisation matrix: every action and command, as every role', function () {
  this.timeout(120_000);
  let clock = NOW;

  before(async () => {
    bot = await new BotHarness({
      now: () => clock, allowedTenantIds: [TENANT], people: [...Object.values(PEOPLE), ...Object.values(EXTRA)],
    }).start();
    // Overdue notices first: their deadline (1 working day) passes, the scheduler escalates them to Megan.
    const acting = ROWS.flatMap(attemptsOf).filter((a) => a.row.on === 'tdOverdue' && a.expect === 'acts' && !a.forged).length;
    const overdue = [];
    for (let i = 0; i <= acting; i++) overdue.push(await MAKE.tdIssued());
    clock = new Date(NOW.getTime() + 25 * 3_600_000); // Thursday 11:00, past Thursday 10:00
    await bot.runtime.scheduler.tick();
    await bot.idle();
    shared.tdOverdue = overdue.shift()!;
    overduePool.push(...overdue);
    for (const kind of Object.keys(MAKE) as (keyof typeof MAKE)[]) shared[kind] = await MAKE[kind]();
    for (const kind of Object.keys(EXPECTED_STATE) as CaseKind[]) {
      assert.equal((await snapshotOf<{ state: string }>(shared[kind]))?.state, EXPECTED_STATE[kind], kind);
    }
  });
  after(async () => bot?.stop());

  it('has a row for every card verb and every command the routes register', () => {
    const { verbs, commands } = registered();
    const covered = new Set(ROWS.flatMap((row) => (row.verb ? [row.verb] : [])));
    assert.deepEqual([...covered].sort(), [...verbs].sort(), 'verbs with no row, or rows for verbs that no longer exist');
    const typed = ROWS.flatMap((row) => (row.command ? [typeof row.command === 'string' ? row.command : row.command(placeholderRefs())] : []));
    for (const pattern of commands) {
      assert.ok(typed.some((text) => pattern.test(text.toLowerCase())), `no row types a command matching ${pattern}`);
    }
    for (const role of ROLES) assert.ok(ROWS.every((row) => attemptsOf(row).some((a) => a.role === role)), role);
  });

  // A reference in card data may name a case of another workflow: to the verb's own workflow it does not
  // exist, whoever presses (even the person who could act on it, or Patti with Comms and admin roles).
  describe('a verb of one workflow on a case of another', () => {
    const FOREIGN: readonly CaseKind[] = ['arActive', 'ainmReported', 'tdOverdue', 'scRaised', 'irAsked', 'cpComplaint'];
    const ownPrefix = (verb: string) => `${WORKFLOWS.find((module) => verb.startsWith(`${module.rules.name}.`))?.rules.prefix ?? 'AR'}-`;
    const verbs = [...new Set(ROWS.filter((row) => row.verb && row.on && row.verb !== 'case.show').map((row) => row.verb!))];
    for (const verb of verbs) {
      it(`${verb} on the other workflows' cases: hidden`, async () => {
        const row = ROWS.find((candidate) => candidate.verb === verb)!;
        for (const kind of FOREIGN) {
          const reference = shared[kind];
          if (reference.startsWith(ownPrefix(verb))) continue;
          for (const person of [privilegedFor(row), PEOPLE.patti, PEOPLE.isaiah]) {
            const data = { ...(row.data?.() ?? {}), reference };
            const before = await versionOf(reference);
            const card = await press(person, verb, data);
            const context = `${verb} on ${reference} as ${person.name}: ${cardText(card).slice(0, 200)}`;
            assert.equal(await versionOf(reference), before, `${context}\n  the case changed`);
            assert.match(cardText(card), /can't find|Not available|Nothing to add/, context);
            const missing = missingReference(reference);
            const answerForMissing = await press(person, verb, { ...data, reference: missing });
            assert.equal(normalised(card, reference, missing), normalised(answerForMissing, reference, missing), `${context}\n  differs from the answer for a missing case`);
          }
        }
      });
    }
  });

  for (const row of ROWS) {
    describe(rowName(row), () => {
      for (const attempt of attemptsOf(row)) {
        it(`${attempt.role}${attempt.forged ? ' with forged card data' : ''}: ${attempt.role === 'otherTenant' ? 'refused (another tenant)' : attempt.expect}`, async () => {
          await run(attempt);
        });
      }
    });
  }
});
