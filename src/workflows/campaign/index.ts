import type { CaseRules, WorkflowModule, WorkflowTools } from '../../cases/definition';
import { campaignActions, CampaignPorts } from './actions';
import { CAMPAIGN_TEMPLATES } from './cards';
import { campaignEffects, campaignParticipants } from './effects';
import { campaignExport } from './export';
import { Campaign, CampaignCommand, CampaignEvent, canSeeCampaign, decide, evolve, mayRunCampaigns } from './model';
import { acknowledgementView, campaignView } from './view';
export type { CampaignPorts } from './actions';
export { createNewStarterEnrolment, type NewStarterEnrolment } from './enrolment';

const STATE_LABELS: Readonly<Record<string, { label: string; color: string }>> = {
  open: { label: 'Open: cards out, acknowledgements coming in', color: 'good' },
  closed: { label: 'Closed', color: 'default' },
};

const rules: CaseRules = {
  prefix: 'AC',
  name: 'campaign',
  closedStates: ['closed'],
  // A campaign names only who started it; recipients' rows (src/store/campaign-recipients.ts) hold the rest.
  namedRoles: ['startedBy'],
  deleteClosedAfterMonths: 120,
  disclosure: { detailsAuthor: 'startedBy', labels: { startedBy: 'the Communications Team member who started the campaign', other: 'a Communications Team member' } },
  stateLabel: (state) => STATE_LABELS[state] ?? { label: state, color: 'default' },
};

const NOT_FOUND = 'I can\'t find that campaign.';

/**
 * Policy acknowledgement campaigns (DESIGN.md 7, issue 15): the Communications Team or an administrator sends a
 * policy version to everyone, a department or new starters; each person acknowledges it (the consent to monitoring
 * the policy asks for) or asks a question. The cards go out through the queue (fan-out.ts), not through this case.
 * `ports`: the recipients table, the queue and the concern workflow, from the composition root; without them (a
 * bot whose storage has no queue service) every campaign verb says plainly that campaigns are not set up here.
 */
export function campaignModule(ports?: CampaignPorts): WorkflowModule<Campaign, CampaignCommand, CampaignEvent> {
  return {
    rules,
    cardTemplates: CAMPAIGN_TEMPLATES,
    help: {
      full: [
        { command: 'my policy', purpose: 'The Social Media Policy version waiting for your acknowledgement, with the buttons to acknowledge it or ask a question.' },
        { command: 'team policy', purpose: 'Line managers: who in your team has acknowledged the current policy version.' },
        { command: 'start campaign', purpose: 'Communications Team and administrators: send a policy version to everyone, a department or new starters.', role: 'comms' },
        { command: 'campaigns', purpose: 'Communications Team and administrators: the campaigns and their progress; "campaign AC-2026-00001 csv" for the file.', role: 'comms' },
      ],
    },
    create(tools: WorkflowTools) {
      const { renderer } = tools;
      return {
        rules,
        notFound: () => NOT_FOUND,
        workflow: { decide, evolve, effects: campaignEffects, stateOf: (campaign) => campaign.state, participants: campaignParticipants, canSee: canSeeCampaign },
        presenter: {
          card: (campaign, viewer, now, headline) => (mayRunCampaigns(viewer)
            ? renderer.render('campaign', campaignView(campaign, viewer, now, undefined, undefined, headline ?? ''))
            : renderer.render('campaign-acknowledgement', acknowledgementView(campaign, { notice: headline ?? '' }))),
          inboxEntries: (campaign) => campaignParticipants(campaign).map(({ userId, role }) => ({
            userId, role, reference: campaign.reference, state: campaign.state, summary: `Policy campaign: version ${campaign.details.policyVersion}`,
            nextStep: campaign.state === 'open' ? 'Acknowledgements coming in' : 'Closed', awaitingMe: false,
          })),
          undeliverable: () => undefined,
        },
        // For those who run campaigns the progress is counted when the card is shown (its automatic refresh runs
        // `campaign.progress`); anyone else sees the policy card itself.
        caseCard: (campaign, viewer, now, step) => (mayRunCampaigns(viewer)
          ? renderer.render('campaign', campaignView(campaign, viewer, now, undefined, undefined, step?.notice ?? step?.headline ?? ''))
          : renderer.render('campaign-acknowledgement', acknowledgementView(campaign, { notice: step?.notice ?? step?.headline ?? '', noticeStyle: step?.noticeStyle ?? 'good' }))),
        // The campaign's timers are the fan-out's (fan-out.ts `timerHandlers`): they queue sends, they change no case.
        timers: {},
        decisions: {
          close: { command: () => ({ type: 'close' }), done: 'Closed: nobody more gets its card, and nobody is reminded.' },
        },
        actions: (service) => campaignActions(service, tools, () => ports),
        exports: (service) => [campaignExport(tools, service, () => ports?.recipients)],
        commands: [
          { pattern: /^(start (a )?(policy )?campaign|new (policy )?campaign|policy campaign)$/, verb: 'menu.startCampaign' },
          { pattern: /^((policy )?campaigns|campaign progress)$/, verb: 'menu.campaigns' },
          { pattern: /^((my )?team('s)? policy|team acknowledgements|my team'?s acknowledgements)$/, verb: 'menu.teamPolicy' },
          { pattern: /^(my policy|acknowledge (the )?policy|policy acknowledgement)$/, verb: 'menu.myPolicy' },
        ],
      };
    },
  };
}
