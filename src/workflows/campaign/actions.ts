import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson } from '../../cards/render';
import { messageCard } from '../../cards/message-card';
import type { CaseService } from '../../cases/case-service';
import type { CaseAction, CaseActionHandler, WorkflowTools } from '../../cases/definition';
import { textInput } from '../../cases/card-input';
import { cleanFreeText } from '../../domain/free-text';
import { formatLondonDateTime } from '../../domain/london-time';
import type { Rejection } from '../../domain/outcome';
import type { Actor } from '../../domain/people';
import { logRefusal } from '../../logger';
import { parseReference } from '../../domain/references';
import type { RecipientStore, StoredRecipient } from '../../store/campaign-recipients';
import { CampaignFormInput, FORM_FIELDS, validateCampaignForm } from './form';
import { AUDIENCES, Campaign, CampaignCommand, isForNewStarters, mayRunCampaigns } from './model';
import { personRows, tally } from './progress';
import { acknowledgementView, AUDIENCE_WORDS, campaignView, teamLines } from './view';

/** What the campaign workflow needs beyond the engine: given by the composition root (src/runtime.ts). */
export interface CampaignPorts {
  readonly recipients: RecipientStore;
  /** Queues the enrolment of a new campaign's audience (the fan-out, src/workflows/campaign/fan-out.ts). */
  enqueueEnrolment(reference: string): Promise<void>;
  /** "I have a question": opened as a staff concern to the Communications Team; its reference, or why not. */
  raiseQuestion(action: CaseAction, campaign: Campaign, question: string): Promise<{ readonly reference: string } | Rejection>;
}

export const QUESTION_MIN = 10;
export const QUESTION_MAX = 2000;

type Service = CaseService<Campaign, CampaignCommand>;

/** Verbs for those who run campaigns only: each refuses anyone else before it reads or writes anything. */
const COMMS_VERBS = new Set(['menu.startCampaign', 'campaign.start', 'menu.campaigns']);

/** Said to the Communications Team and administrators when this bot has no campaign storage (src/workflows/campaign/storage.ts). */
export const CAMPAIGNS_OFF_MESSAGE = 'Policy campaigns are not set up on this bot: they need an Azure Storage queue beside the tables, and the '
  + 'storage connection string names none. Add its QueueEndpoint=... to AZURE_TABLES_CONNECTION_STRING (an Azure Storage account\'s '
  + 'own connection string, or AZURE_TABLES_ACCOUNT_URL with managed identity, has it; `npm start` runs the local queue service), '
  + 'then restart the bot. Nothing was stored.';

/**
 * The campaign verbs. `configured` is undefined when this bot runs without campaign storage (a tables-only emulator
 * connection string): every verb then answers plainly instead of failing the turn, and nothing is stored.
 */
export function campaignActions(service: Service, tools: WorkflowTools, configured: () => CampaignPorts | undefined): Record<string, CaseActionHandler> {
  const handlers = configuredActions(service, tools, () => configured()!);
  const { renderer } = tools;
  const off = async (verb: string, action: CaseAction): Promise<AdaptiveCardJson> => {
    if (mayRunCampaigns(action.actor)) return messageCard(renderer, { title: 'Policy campaigns are not set up here', message: CAMPAIGNS_OFF_MESSAGE, style: 'warning' });
    // Anyone else is refused before storage is touched, as when campaigns are on.
    if (COMMS_VERBS.has(verb)) return handlers[verb]!(action) as Promise<AdaptiveCardJson>;
    return messageCard(renderer, { title: 'Nothing to acknowledge', message: 'No policy campaign is waiting for you.' });
  };
  return Object.fromEntries(Object.entries(handlers).map(([verb, handler]) => [verb, (action: CaseAction) => (configured() ? handler(action) : off(verb, action))]));
}

function configuredActions(service: Service, tools: WorkflowTools, ports: () => CampaignPorts): Record<string, CaseActionHandler> {
  const { renderer, directory, workingTime, logger } = tools;
  const commsOnly = () => messageCard(renderer, {
    title: 'Communications Team only', message: 'Only the Communications Team or an administrator runs policy campaigns. Type "my policy" for your own.', style: 'warning',
  });
  const notYours = () => messageCard(renderer, { title: 'Not available', message: 'I can\'t find that policy card, or it was not sent to you. Type "my policy" for yours.', style: 'warning' });

  async function allCampaigns(): Promise<Campaign[]> {
    const found: Campaign[] = [];
    for await (const campaign of service.snapshots()) found.push(campaign);
    return found.sort((a, b) => a.reference.localeCompare(b.reference, 'en', { numeric: true }));
  }

  async function namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const people = await Promise.all([...new Set(ids)].map((id) => directory.find(id)));
    return new Map(people.flatMap((person) => (person ? [[person.id, person.name] as const] : [])));
  }

  async function progressCard(campaign: Campaign, actor: Actor, now: Date, notice = ''): Promise<AdaptiveCardJson> {
    const progress = tally(campaign, await ports().recipients.list(campaign.reference), now);
    return renderer.render('campaign', campaignView(campaign, actor, now, progress, await namesOf(progress.notReached.slice(0, 20).map((row) => row.personId)), notice));
  }

  function form(formId: string, values: Record<string, string> = {}, errors: Readonly<Record<string, string>> = {}, notice = ''): AdaptiveCardJson {
    const filled: Record<string, string | number> = { ...Object.fromEntries(FORM_FIELDS.map((field) => [field, values[field] ?? ''])), audience: values.audience || 'everyone' };
    // Input.Number shows only a number: "10" as text leaves the field empty in Teams (and the form then refused).
    const days = Number(values.dueWorkingDays || '10');
    filled.dueWorkingDays = Number.isFinite(days) ? days : '';
    return renderer.render('campaign-form', {
      formId, notice,
      values: filled,
      errors: Object.fromEntries(FORM_FIELDS.map((field) => [field, errors[field] ?? ''])),
      audienceChoices: AUDIENCES.map((value) => ({ title: AUDIENCE_WORDS[value], value })),
    });
  }

  async function start(action: CaseAction): Promise<AdaptiveCardJson> {
    if (!mayRunCampaigns(action.actor)) return commsOnly();
    const typed = Object.fromEntries(FORM_FIELDS.map((field) => [field, textInput(action.data, field, 1000)]));
    const checked = validateCampaignForm(action.data as CampaignFormInput);
    const formId = typeof action.data.formId === 'string' ? action.data.formId : randomUUID();
    if (!checked.ok) return form(formId, typed, checked.fieldErrors ?? {}, checked.message);
    const reminderAt = workingTime.addWorkingDays(action.now, Math.max(1, Math.floor(checked.details.dueWorkingDays / 2))).toISOString();
    const dueAt = workingTime.addWorkingDays(action.now, checked.details.dueWorkingDays).toISOString();
    // A new policy version starts a new campaign: the open ones of any other version close.
    const supersedes = (await allCampaigns()).filter((other) => other.state === 'open' && other.details.policyVersion !== checked.details.policyVersion).map((other) => other.reference);
    const outcome = await service.open(action, { type: 'start', reference: '', details: checked.details, reminderAt, dueAt, supersedes });
    if (outcome.kind === 'invalid') return form(formId, typed, outcome.rejection.fieldErrors ?? {}, outcome.rejection.message);
    if (!outcome.snapshot) return messageCard(renderer, { title: 'Already being started', message: 'This campaign is on its way. Type "campaigns" in a moment to see it.' });
    if (outcome.kind === 'opened') await ports().enqueueEnrolment(outcome.snapshot.reference);
    const notice = outcome.kind === 'opened'
      ? `Started. Cards are on their way at Teams' pace${supersedes.length ? `; ${supersedes.join(', ')} closed (an earlier version)` : ''}.`
      : 'This campaign was already started.';
    return progressCard(outcome.snapshot, action.actor, action.now, notice);
  }

  /** Re-reads and writes until the row is acknowledged: the fan-out may be writing it too (a reminder's mark). */
  async function acknowledge(campaign: Campaign, row: StoredRecipient, now: Date): Promise<StoredRecipient | undefined> {
    let current: StoredRecipient | undefined = row;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (current.state === 'acknowledged') return current;
      const written = await ports().recipients.update(current, { state: 'acknowledged', acknowledgedAt: now.toISOString(), acknowledgedVersion: campaign.details.policyVersion });
      if (written !== 'conflict') return written;
      current = await ports().recipients.get(row.reference, row.personId);
    }
    return undefined;
  }

  /** A recipient's own campaign and row, from the reference on their card and who they are (never from card data alone). */
  async function ownCard(action: CaseAction): Promise<{ campaign: Campaign; row: StoredRecipient } | undefined> {
    const reference = parseReference(action.data.reference);
    const campaign = reference ? await service.load(reference) : undefined;
    const row = campaign ? await ports().recipients.get(campaign.reference, action.actor.id) : undefined;
    return campaign && row ? { campaign, row } : undefined;
  }

  const ack = (campaign: Campaign, row: StoredRecipient, notice = '', noticeStyle = 'good') =>
    renderer.render('campaign-acknowledgement', acknowledgementView(campaign, { row, notice, noticeStyle }));

  return {
    'menu.startCampaign': async (action) => (mayRunCampaigns(action.actor) ? form(randomUUID()) : commsOnly()),
    'campaign.start': start,
    'campaign.progress': async (action) => {
      const reference = parseReference(action.data.reference);
      const campaign = reference ? await service.loadFor(reference, action.actor, action.verb) : undefined;
      if (!campaign) return messageCard(renderer, { title: 'Not available', message: 'I can\'t find that campaign.', style: 'warning' });
      if (mayRunCampaigns(action.actor)) return progressCard(campaign, action.actor, action.now);
      logRefusal(logger, { reference: campaign.reference, verb: action.verb, actorId: action.actor.id, code: 'forbidden' });
      return messageCard(renderer, { title: 'Communications Team only', message: 'Only the Communications Team or an administrator sees a campaign\'s progress. Type "my policy" for your own card.', style: 'warning' });
    },
    'campaign.acknowledge': async (action) => {
      const own = await ownCard(action);
      if (!own) return notYours();
      const { campaign, row } = own;
      if (row.state === 'acknowledged') return ack(campaign, row, `You already acknowledged this on ${formatLondonDateTime(row.acknowledgedAt ?? '')}.`, 'emphasis');
      if (campaign.supersededBy) return ack(campaign, row, `A newer version replaced this one (${campaign.supersededBy}): type "my policy" to acknowledge it.`, 'warning');
      const done = await acknowledge(campaign, row, action.now);
      if (!done) throw new Error(`${campaign.reference}: acknowledgement kept conflicting`);
      logger.info({ reference: campaign.reference, verb: action.verb }, 'policy acknowledged');
      return ack(campaign, done, 'Thank you: your acknowledgement is recorded, with the version and the time.');
    },
    'campaign.question': async (action) => {
      const own = await ownCard(action);
      if (!own) return notYours();
      return renderer.render('campaign-question', { reference: own.campaign.reference, title: own.campaign.details.title, formId: randomUUID(), question: '', error: '' });
    },
    'campaign.askQuestion': async (action) => {
      const own = await ownCard(action);
      if (!own) return notYours();
      const question = cleanFreeText(action.data.question);
      const again = (error: string) => renderer.render('campaign-question', {
        reference: own.campaign.reference, title: own.campaign.details.title, formId: typeof action.data.formId === 'string' ? action.data.formId : randomUUID(), question: question.slice(0, QUESTION_MAX), error,
      });
      if (question.length < QUESTION_MIN || question.length > QUESTION_MAX) return again(`Ask your question in ${QUESTION_MIN} to ${QUESTION_MAX.toLocaleString('en-GB')} characters.`);
      const raised = await ports().raiseQuestion(action, own.campaign, question);
      if ('ok' in raised) return again(raised.message);
      return ack(own.campaign, own.row, `Your question went to the Communications Team as ${raised.reference}: they will answer you. You can still acknowledge below.`, 'emphasis');
    },
    'menu.campaigns': async (action) => {
      if (!mayRunCampaigns(action.actor)) return commsOnly();
      const campaigns = (await allCampaigns()).reverse();
      return renderer.render('case-list', {
        title: 'Policy campaigns', emptyText: 'No campaign yet. Type "start campaign" to send a policy version.', itemVerb: 'campaign.progress', list: '',
        items: campaigns.slice(0, 15).map((campaign) => ({
          reference: campaign.reference, summary: `${campaign.details.title} (version ${campaign.details.policyVersion})`,
          stateLabel: campaign.state === 'open' ? 'Open' : 'Closed', stateColor: campaign.state === 'open' ? 'good' : 'default',
          nextStep: `Due ${formatLondonDateTime(campaign.dueAt)}`, mark: '',
        })),
        moreText: campaigns.length > 15 ? `${campaigns.length - 15} more: type a reference such as ${campaigns[15]?.reference}.` : '',
      });
    },
    'menu.teamPolicy': async (action) => {
      const open = (await allCampaigns()).filter((campaign) => campaign.state === 'open');
      const perCampaign = await Promise.all(open.map(async (campaign) => ({ campaign, rows: personRows(await ports().recipients.list(campaign.reference)).filter((row) => row.managerId === action.actor.id) })));
      const withTeam = perCampaign.filter(({ rows }) => rows.length > 0);
      const names = await namesOf(withTeam.flatMap(({ rows }) => rows.map((row) => row.personId)));
      return renderer.render('campaign-team', {
        heading: 'Your team and the Social Media Policy',
        intro: withTeam.length ? 'Each open campaign, and where each member of your team is.' : 'No open policy campaign includes anyone who reports to you.',
        campaigns: withTeam.map(({ campaign, rows }) => teamLines(campaign, rows, names, action.now)),
      });
    },
    'menu.myPolicy': async (action) => {
      const open = (await allCampaigns()).filter((campaign) => campaign.state === 'open').reverse();
      const rows = await ports().recipients.campaignsOf(action.actor.id, open.map((campaign) => campaign.reference));
      const latest = open.find((campaign) => rows.some((row) => row.reference === campaign.reference));
      const row = rows.find((candidate) => candidate.reference === latest?.reference);
      if (!latest || !row) {
        const current = open.find(isForNewStarters);
        return messageCard(renderer, { title: 'Nothing to acknowledge', message: current ? `You are not in ${current.reference} yet: the Communications Team can add you.` : 'No policy campaign is waiting for you.' });
      }
      return ack(latest, row);
    },
  };
}
