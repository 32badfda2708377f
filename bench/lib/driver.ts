import { randomUUID } from 'node:crypto';
import type { DirectoryPerson } from '../../src/directory/directory';
import { assertNever } from '../../src/domain/outcome';
import type { BenchConnector, ConnectorCall } from './connector';
import { postJson } from './http';

export const TENANT = 'bench-tenant-0000-0000-000000000000';
const BOT = { id: '28:desk-bot', name: 'Social Media Desk' };

/** The steps of the workflows, in the order a user goes through them. */
export const WORKFLOW_STEPS = {
  ar: ['ar.open', 'ar.submit', 'ar.approve'],
  ainm: ['ainm.open', 'ainm.submit', 'ainm.ack'],
  td: ['td.open', 'td.issue', 'td.confirm', 'td.verify'],
  cp: ['cp.open', 'cp.log', 'cp.respond', 'cp.resolve'],
  sc: ['sc.open', 'sc.raise', 'sc.moderate'],
  ir: ['ir.open', 'ir.ask', 'ir.answer'],
} as const;
export type WorkflowName = keyof typeof WORKFLOW_STEPS;
export type StepName = (typeof WORKFLOW_STEPS)[WorkflowName][number] | 'base.message' | 'base.invoke';

export const STEP_LABELS: Readonly<Record<StepName, string>> = {
  'ar.open': 'access request: "request access" (form)',
  'ar.submit': 'access request: submit form',
  'ar.approve': 'access request: manager approves',
  'ainm.open': 'abuse report: "report abuse" (form)',
  'ainm.submit': 'abuse report: submit form',
  'ainm.ack': 'abuse report: manager acknowledges',
  'td.open': 'takedown: "issue takedown" (form)',
  'td.issue': 'takedown: Comms issues notice',
  'td.confirm': 'takedown: recipient confirms removal',
  'td.verify': 'takedown: Comms verifies',
  'cp.open': 'customer post: "log post" (form)',
  'cp.log': 'customer post: Comms logs a complaint',
  'cp.respond': 'customer post: Comms records the first response',
  'cp.resolve': 'customer post: Comms resolves it',
  'sc.open': 'staff concern: "raise a concern" (form)',
  'sc.raise': 'staff concern: submit form (to the Communications Team)',
  'sc.moderate': 'staff concern: Comms records moderation',
  'ir.open': 'information request: Comms presses "Ask a colleague" (form)',
  'ir.ask': 'information request: Comms sends the question',
  'ir.answer': 'information request: colleague answers',
  'base.message': 'baseline: message, card reply',
  'base.invoke': 'baseline: card action',
};

export const isCardAction = (step: StepName) => !step.endsWith('.open') && step !== 'base.message';

/** One simulated user: a member of staff and their line manager, and the Comms member who issues them notices. */
export interface BenchUser {
  readonly index: number;
  readonly requester: DirectoryPerson;
  readonly manager: DirectoryPerson;
  readonly comms: DirectoryPerson;
  /**
   * The open customer post the Comms member asks the member of staff about (the information request's "Ask a
   * colleague" is a button on a case's card): logged once before the runs, by {@link Driver.logPostToAskAbout}.
   */
  readonly askAbout?: { readonly reference: string; readonly card: string };
}

/** `pairs` members of staff with their own managers, a Communications Team of 2 and an Incident team of 2. */
export function benchDirectory(pairs: number): { people: DirectoryPerson[]; users: BenchUser[] } {
  const head: DirectoryPerson = { id: 'bench-head', name: 'Hana Head', roles: ['admin'] };
  const comms: DirectoryPerson[] = [0, 1].map((i) => ({ id: `bench-comms-${i}`, name: `Comms Member ${i}`, managerId: head.id, roles: ['comms'] }));
  const incident: DirectoryPerson[] = [0, 1].map((i) => ({ id: `bench-incident-${i}`, name: `Incident Lead ${i}`, managerId: head.id, roles: ['incident'] }));
  const users: BenchUser[] = [];
  const people: DirectoryPerson[] = [head, ...comms, ...incident];
  for (let i = 0; i < pairs; i++) {
    const manager: DirectoryPerson = { id: `bench-m-${i}`, name: `Manager ${i}`, managerId: head.id, roles: [] };
    const requester: DirectoryPerson = { id: `bench-r-${i}`, name: `Staff Member ${i}`, managerId: manager.id, roles: [] };
    people.push(requester, manager);
    users.push({ index: i, requester, manager, comms: comms[i % comms.length]! });
  }
  return { people, users };
}

/** What one turn cost, as the simulated person saw it. */
export interface TurnSample {
  readonly step: StepName;
  /** Request sent -> HTTP response read, ms. */
  readonly response: number;
  /** Request sent -> the last connector call the step caused, ms (the response time when it caused none). */
  readonly lastCall: number;
  /** Largest card JSON of the step: the invoke answer or a card sent or updated. */
  readonly cardBytes: number;
  /** Connector calls the step caused (that arrived within the wait). */
  readonly calls: number;
  /** The step's connector calls that did not arrive within the wait. */
  readonly missingCalls: number;
}

export interface DriverOptions {
  readonly botUrl: string;
  readonly connector: BenchConnector;
  /** Connector calls each step causes (measured in the calibration run); unknown steps wait for quiet instead. */
  readonly expectedCalls: Map<StepName, number>;
  readonly waitTimeoutMs: number;
  readonly onSample: (sample: TurnSample) => void;
  /** Runs before each step is sent and after its connector calls arrived (the calibration run counts table calls). */
  readonly around?: { before(step: StepName): Promise<void>; after(step: StepName): Promise<void> };
}

/** A step that did not do what a person would expect: which step, and what went wrong. */
export class StepFailure extends Error {
  constructor(readonly step: StepName, readonly detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'StepFailure';
  }
}

/** Any error of a step (a refused request, a card that never came, a dropped connection) as a {@link StepFailure}. */
function asStepFailure(step: StepName, error: unknown): StepFailure {
  if (error instanceof StepFailure) return error;
  const { name, message } = error as { name?: string; message?: string };
  return new StepFailure(step, `${name ?? 'Error'}: ${String(message ?? error).slice(0, 300)}`);
}

const BUSINESS_CASE = 'I answer tenants who message the housing team on Facebook and LinkedIn.';
const ABUSE_DESCRIPTION = 'A man keeps commenting under my posts on the housing page that he knows where I park every morning.';
const CONCERN_WORRY = 'A customer posted a photo of a tenant\'s front door in Govan under our post, with the street name visible.';
const QUESTION = 'Did the repairs team visit Flat 2 last week, and is a new boiler part on order?';

function londonDate(offsetDays = 0): string {
  const at = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * Drives the bot over HTTP like Teams does: messages and `adaptiveCard/action` invokes from each person's 1:1
 * chat, clicking on the message the card arrived in (its id is the stand-in's answer to the bot's send).
 */
export class Driver {
  private counter = 0;
  constructor(private readonly options: DriverOptions) {}

  activity(person: DirectoryPerson, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      id: `b-${++this.counter}-${randomUUID().slice(0, 8)}`,
      channelId: 'msteams',
      serviceUrl: this.options.connector.url,
      timestamp: new Date().toISOString(),
      conversation: { id: conversationOf(person), conversationType: 'personal', tenantId: TENANT },
      from: { id: `29:${person.id}`, aadObjectId: person.id, name: person.name },
      recipient: BOT,
      channelData: { tenant: { id: TENANT } },
      ...fields,
    };
  }

  async install(person: DirectoryPerson): Promise<void> {
    const answer = await postJson(`${this.options.botUrl}/api/messages`, this.activity(person, { type: 'installationUpdate', action: 'add' }));
    if (answer.status !== 200) throw new Error(`install of ${person.id} answered ${answer.status}`);
  }

  /** A typed message; the step's calls are the replies to it. Returns the id of the (last) reply. */
  async message(step: StepName, person: DirectoryPerson, text: string): Promise<string> {
    return this.messageStep(step, person, text).catch((error: unknown) => { throw asStepFailure(step, error); });
  }

  private async messageStep(step: StepName, person: DirectoryPerson, text: string): Promise<string> {
    const activity = this.activity(person, { type: 'message', text });
    await this.options.around?.before(step);
    const started = performance.now();
    const answer = await postJson(`${this.options.botUrl}/api/messages`, activity);
    const response = performance.now() - started;
    if (answer.status !== 200) throw new StepFailure(step, `HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
    return this.replyTo(step, activity, started, response, 'no reply');
  }

  /** Waits for the bot's reply to `activity` (its last connector call), records the step, and returns the reply's id. */
  private async replyTo(step: StepName, activity: { id?: unknown }, started: number, response: number, missing: string): Promise<string> {
    const calls = await this.callsOf(step, `reply:${String(activity.id)}`, started);
    this.record(step, started, response, calls, 0);
    await this.options.around?.after(step);
    const reply = calls.at(-1);
    if (!reply) throw new StepFailure(step, missing);
    return reply.activityId;
  }

  /**
   * Presses a card button; `expect` must appear in the card shown in its place. Returns the reference on that
   * card and the step's connector calls (the cards it sent or updated).
   */
  async click(
    step: StepName, person: DirectoryPerson, verb: string, data: Record<string, unknown>, replyToId: string, expect: RegExp,
  ): Promise<{ reference: string; calls: ConnectorCall[] }> {
    return this.clickStep(step, person, verb, data, replyToId, expect).catch((error: unknown) => { throw asStepFailure(step, error); });
  }

  private async clickStep(
    step: StepName, person: DirectoryPerson, verb: string, data: Record<string, unknown>, replyToId: string, expect: RegExp,
  ): Promise<{ reference: string; calls: ConnectorCall[] }> {
    const { started, response, answer, body } = await this.press(step, person, verb, data, replyToId);
    if (answer.status !== 200 || body?.type !== 'application/vnd.microsoft.card.adaptive' || !body.value) {
      throw new StepFailure(step, `HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    const cardJson = JSON.stringify(body.value);
    if (!expect.test(cardJson)) throw new StepFailure(step, `the card shown does not say ${expect}: ${cardJson.slice(0, 300)}`);
    const reference = /\b[A-Z]{2,5}-\d{4}-\d{5,}\b/.exec(cardJson)?.[0];
    if (!reference) throw new StepFailure(step, 'no reference on the card');
    const calls = await this.callsOf(step, `ref:${reference}`, started);
    this.record(step, started, response, calls, Buffer.byteLength(cardJson));
    await this.options.around?.after(step);
    return { reference, calls };
  }

  /**
   * Presses a button whose answer is a new message (a form opened from a case card): the clicked card stays, Teams
   * shows `toast`, and the card comes as a reply to the press. Returns the id of that reply.
   */
  async clickForNewMessage(step: StepName, person: DirectoryPerson, verb: string, data: Record<string, unknown>, replyToId: string, toast: RegExp): Promise<string> {
    return this.newMessageStep(step, person, verb, data, replyToId, toast).catch((error: unknown) => { throw asStepFailure(step, error); });
  }

  private async newMessageStep(step: StepName, person: DirectoryPerson, verb: string, data: Record<string, unknown>, replyToId: string, toast: RegExp): Promise<string> {
    const { activity, started, response, answer, body } = await this.press(step, person, verb, data, replyToId);
    if (answer.status !== 200 || body?.type !== 'application/vnd.microsoft.activity.message' || !toast.test(String(body.value))) {
      throw new StepFailure(step, `HTTP ${answer.status}, not the toast ${toast}: ${answer.text.slice(0, 200)}`);
    }
    return this.replyTo(step, activity, started, response, 'no new message');
  }

  /** Sends a card button's press (an Action.Execute invoke) and times the bot's answer. */
  private async press(step: StepName, person: DirectoryPerson, verb: string, data: Record<string, unknown>, replyToId: string) {
    const activity = this.activity(person, {
      type: 'invoke', name: 'adaptiveCard/action', replyToId, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    });
    await this.options.around?.before(step);
    const started = performance.now();
    const answer = await postJson(`${this.options.botUrl}/api/messages`, activity);
    const response = performance.now() - started;
    return { activity, started, response, answer, body: safeJson(answer.text) as { type?: string; value?: unknown } | undefined };
  }

  private async callsOf(step: StepName, key: string, since: number): Promise<ConnectorCall[]> {
    const expected = this.options.expectedCalls.get(step);
    if (expected !== undefined) return this.options.connector.waitFor(key, since, expected, this.options.waitTimeoutMs);
    // Not calibrated yet: wait until nothing more arrives for a while.
    let seen = -1;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const calls = this.options.connector.callsOf(key, since);
      if (calls.length === seen) return calls;
      seen = calls.length;
    }
  }

  private record(step: StepName, started: number, response: number, calls: readonly ConnectorCall[], answerCardBytes: number): void {
    const last = calls.reduce((latest, call) => Math.max(latest, call.at - started), Number.NEGATIVE_INFINITY);
    const expected = this.options.expectedCalls.get(step);
    this.options.onSample({
      step, response, lastCall: calls.length > 0 ? last : response,
      cardBytes: Math.max(answerCardBytes, ...calls.map((call) => call.cardBytes)), calls: calls.length,
      missingCalls: expected === undefined ? 0 : Math.max(0, expected - calls.length),
    });
  }

  /* ---- The workflows, step by step, as the people in them would go through them ---- */

  /** Access request for view access -> the line manager approves. */
  async accessRequest(user: BenchUser): Promise<void> {
    const { requester, manager } = user;
    const formId = await this.message('ar.open', requester, 'request access');
    const form = {
      formId: randomUUID(), reference: '', sites: 'facebook,linkedin', otherSite: '', kind: 'view', businessCase: BUSINESS_CASE,
      startDate: londonDate(), endDate: '', approver: manager.id, ackPolicy: 'true', ackMonitoring: 'true',
    };
    const submitted = await this.click('ar.submit', requester, 'accessRequest.submit', form, formId, /Sent to /);
    const card = messageTo(submitted.calls, manager, 'ar.submit');
    const approved = await this.click('ar.approve', manager, 'accessRequest.approve', { reference: submitted.reference, comment: '' }, card, /You approved this request/);
    this.options.connector.forget(`ref:${approved.reference}`);
  }

  /** Abuse report -> the line manager acknowledges it (the Incident team is told of it). */
  async abuseReport(user: BenchUser): Promise<void> {
    const { requester, manager } = user;
    const formId = await this.message('ainm.open', requester, 'report abuse');
    const report = {
      formId: randomUUID(), category: 'harassment', source: 'member_of_public', platform: 'facebook', platformOther: '',
      links: 'https://www.facebook.com/wheatleyhousing/posts/pfbid0abc123', happenedOn: londonDate(-1), description: ABUSE_DESCRIPTION,
      immediateDanger: 'false', wantsSupport: 'false', manager: manager.id, managerSearch: '',
    };
    const submitted = await this.click('ainm.submit', requester, 'abuseReport.submit', report, formId, /AINM-/);
    const card = messageTo(submitted.calls, manager, 'ainm.submit');
    const acknowledged = await this.click('ainm.ack', manager, 'abuseReport.acknowledge', { reference: submitted.reference, note: '' }, card, /You acknowledged this report/);
    this.options.connector.forget(`ref:${acknowledged.reference}`);
  }

  /** Takedown notice from a Comms member -> the member of staff confirms removal -> Comms verifies. */
  async takedown(user: BenchUser): Promise<void> {
    const { requester: recipient, comms } = user;
    const formId = await this.message('td.open', comms, 'issue takedown');
    const notice = {
      formId: randomUUID(), recipient: recipient.id, recipientSearch: '', link: 'https://www.facebook.com/staff/posts/pfbid02xyz',
      platform: 'facebook', platformOther: '', clauses: 'about_stakeholders,identifying_people',
      explanation: 'The post names a tenant of ours and shows their front door.', deadline: 'days1',
    };
    const issued = await this.click('td.issue', comms, 'takedown.issue', notice, formId, /Sent to /);
    const recipientCard = messageTo(issued.calls, recipient, 'td.issue');
    const confirmed = await this.click('td.confirm', recipient, 'takedown.confirmRemoval', { reference: issued.reference, note: '' }, recipientCard, /Thank you/);
    const commsCard = messageTo(confirmed.calls, comms, 'td.confirm');
    const verified = await this.click('td.verify', comms, 'takedown.verify', { reference: issued.reference, note: '' }, commsCard, /Removal verified/);
    this.options.connector.forget(`ref:${verified.reference}`);
  }

  /** The desk: a Comms member logs a customer's complaint, records the first response, and resolves it. */
  async customerPost(user: BenchUser): Promise<void> {
    const { comms } = user;
    const formId = await this.message('cp.open', comms, 'log post');
    const post = {
      formId: randomUUID(), platform: 'facebook', platformOther: '', link: 'https://www.facebook.com/wheatleyhousing/posts/pfbid0desk', postedOn: londonDate(),
      postedTime: '00:05', kind: 'complaint', summary: 'Says nobody came to fix the boiler at Flat 2 last week.', handle: '',
    };
    const logged = await this.click('cp.log', comms, 'customerPost.log', post, formId, /Logged as CP-/);
    await this.click('cp.respond', comms, 'customerPost.respond', { reference: logged.reference, response: 'Sorry: the repairs team will call today.' }, formId, /First response recorded/);
    const resolved = await this.click('cp.resolve', comms, 'customerPost.resolve', { reference: logged.reference, outcome: 'Repair booked for Friday.' }, formId, /Resolved/);
    this.options.connector.forget(`ref:${resolved.reference}`);
  }

  /** A member of staff raises a concern about a customer's post -> a Comms member records that they moderated it (the raiser is told). */
  async staffConcern(user: BenchUser): Promise<void> {
    const { requester, comms } = user;
    const formId = await this.message('sc.open', requester, 'raise a concern');
    const concern = {
      formId: randomUUID(), link: 'https://www.facebook.com/wheatleyhousing/posts/pfbid0concern', platform: 'facebook', platformOther: '',
      about: 'customer', colleague: '', colleagueSearch: '', worry: CONCERN_WORRY,
    };
    const raised = await this.click('sc.raise', requester, 'concern.raise', concern, formId, /Sent to the Communications Team/);
    const card = messageTo(raised.calls, comms, 'sc.raise');
    const moderated = await this.click('sc.moderate', comms, 'concern.moderate', { reference: raised.reference, note: 'Hid the comment under the house rules.' }, card, /Recorded\. The member of staff has been told/);
    this.options.connector.forget(`ref:${moderated.reference}`);
  }

  /**
   * Set-up of the information request, not a run: the user's Comms member logs a customer post and keeps it open,
   * to ask about in every run. Its steps are recorded as the customer post's, so the caller's driver must not be measuring.
   */
  async logPostToAskAbout(user: BenchUser): Promise<BenchUser> {
    const formId = await this.message('cp.open', user.comms, 'log post');
    const post = {
      formId: randomUUID(), platform: 'facebook', platformOther: '', link: 'https://www.facebook.com/wheatleyhousing/posts/pfbid0asked', postedOn: londonDate(),
      postedTime: '00:05', kind: 'complaint', summary: `Staff Member ${user.index}'s tenant says the boiler at Flat 2 is still broken.`, handle: '',
    };
    const logged = await this.click('cp.log', user.comms, 'customerPost.log', post, formId, /Logged as CP-/);
    return { ...user, askAbout: { reference: logged.reference, card: formId } };
  }

  /**
   * A Comms member asks the member of staff a question from an open customer post -> they answer (it lands on the
   * post). The answer's last call is the question's (the asker told): the post's card, updated with the answer, is
   * not waited for (the stand-in does not file customer posts' calls), though calibration counts its table calls.
   */
  async informationRequest(user: BenchUser): Promise<void> {
    const { requester: colleague, comms, askAbout } = user;
    if (!askAbout) throw new StepFailure('ir.open', 'no customer post to ask about: the bench logs one for each user before the runs');
    const formId = await this.clickForNewMessage('ir.open', comms, 'infoRequest.new', { about: askAbout.reference }, askAbout.card, /The question form is below/);
    const question = { formId: randomUUID(), about: askAbout.reference, link: '', question: QUESTION, colleague: colleague.id, colleagueSearch: '', due: 'days1' };
    const asked = await this.click('ir.ask', comms, 'infoRequest.ask', question, formId, /Sent to /);
    const card = messageTo(asked.calls, colleague, 'ir.ask');
    const answered = await this.click('ir.answer', colleague, 'infoRequest.answer', { reference: asked.reference, answer: 'Yes: on Tuesday; the part comes on Friday.' }, card, /your answer was sent/);
    this.options.connector.forget(`ref:${answered.reference}`);
  }

  async workflow(name: WorkflowName, user: BenchUser): Promise<void> {
    switch (name) {
      case 'ar': return this.accessRequest(user);
      case 'ainm': return this.abuseReport(user);
      case 'td': return this.takedown(user);
      case 'cp': return this.customerPost(user);
      case 'sc': return this.staffConcern(user);
      case 'ir': return this.informationRequest(user);
      default: return assertNever(name);
    }
  }

  /** The baselines' two turns: a message answered with a card through the connector, and a card action. */
  async baselineTurns(user: BenchUser, n: number): Promise<void> {
    await this.message('base.message', user.requester, 'hello');
    const activity = this.activity(user.requester, {
      type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card', value: { action: { type: 'Action.Execute', verb: 'echo', data: { n } }, trigger: 'manual' },
    });
    const started = performance.now();
    const answer = await postJson(`${this.options.botUrl}/api/messages`, activity);
    const response = performance.now() - started;
    const body = safeJson(answer.text) as { type?: string; value?: unknown } | undefined;
    if (answer.status !== 200 || body?.type !== 'application/vnd.microsoft.card.adaptive') throw new StepFailure('base.invoke', `HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
    this.record('base.invoke', started, response, [], Buffer.byteLength(JSON.stringify(body.value)));
  }
}

export function conversationOf(person: DirectoryPerson): string {
  return `personal-${person.id}`;
}

/** The id of the new message the step sent into this person's chat (the card they click next). */
function messageTo(calls: readonly ConnectorCall[], person: DirectoryPerson, step: StepName): string {
  const call = calls.filter((candidate) => candidate.method === 'POST' && candidate.conversationId === conversationOf(person)).at(-1);
  if (!call) throw new StepFailure(step, `${person.id} got no card (${calls.length} calls arrived)`);
  return call.activityId;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
