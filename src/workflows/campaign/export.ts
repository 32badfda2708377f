import type { CaseService } from '../../cases/case-service';
import type { FileExport, WorkflowTools } from '../../cases/definition';
import { csvFile } from '../../domain/csv';
import { reject } from '../../domain/outcome';
import { parseReference } from '../../domain/references';
import type { RecipientStore } from '../../store/campaign-recipients';
import { CAMPAIGNS_OFF_MESSAGE } from './actions';
import { Campaign, CampaignCommand, mayRunCampaigns } from './model';
import { isOverdue, personRows, RECIPIENT_STATE_WORDS } from './progress';

const COLUMNS = ['reference', 'policyVersion', 'personId', 'name', 'department', 'state', 'sentAt', 'acknowledgedAt', 'acknowledgedVersion', 'overdue', 'detail'] as const;

/** "campaign AC-2026-00001 csv": who got the card and who acknowledged, one line a person, for Excel. */
export function campaignExport(tools: WorkflowTools, service: CaseService<Campaign, CampaignCommand>, recipients: () => RecipientStore | undefined): FileExport {
  return {
    name: 'campaignProgress',
    pattern: /^(?:export )?campaign (ac-\d{4}-\d{5,})(?: csv| file)?$/,
    allowed: mayRunCampaigns,
    refusal: { title: 'Communications Team only', message: 'Only the Communications Team or an administrator sees a campaign\'s progress.' },
    retry: 'campaign AC-2026-00001 csv',
    fromCommand: (match) => ({ reference: (match[1] ?? '').toUpperCase() }),
    async build(request, now) {
      const store = recipients();
      if (!store) return reject('wrong_state', CAMPAIGNS_OFF_MESSAGE);
      const reference = parseReference(String(request.reference ?? '').toUpperCase());
      const campaign = reference ? await service.load(reference) : undefined;
      if (!campaign) return reject('not_found', 'I can\'t find that campaign: type "campaigns" for the list.');
      const rows = personRows(await store.list(campaign.reference));
      const people = new Map((await tools.directory.everyone()).map((person) => [person.id, person]));
      const lines = rows.map((row) => ({
        reference: campaign.reference, policyVersion: campaign.details.policyVersion, personId: row.personId,
        name: people.get(row.personId)?.name ?? '', department: people.get(row.personId)?.department ?? '', state: RECIPIENT_STATE_WORDS[row.state],
        sentAt: row.sentAt ?? '', acknowledgedAt: row.acknowledgedAt ?? '', acknowledgedVersion: row.acknowledgedVersion ?? '',
        overdue: isOverdue(campaign, row, now) ? 'yes' : 'no', detail: row.detail ?? '',
      }));
      return {
        ok: true, fileName: `${campaign.reference}-${tools.workingTime.londonDate(now)}.csv`, contentType: 'text/csv; charset=utf-8',
        body: csvFile(COLUMNS, lines, { bom: true }), rowCount: lines.length, request: { reference: campaign.reference },
        description: `${campaign.reference} (version ${campaign.details.policyVersion}): ${lines.length} people, their state and acknowledgements (CSV).`,
        whenEmpty: 'Nobody is in this campaign yet.',
      };
    },
  };
}
