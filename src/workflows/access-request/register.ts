import type { CaseService } from '../../cases/case-service';
import type { FileExport, WorkflowTools } from '../../cases/definition';
import type { CaseListEntry } from '../../cards/case-list';
import { csvFile } from '../../domain/csv';
import { formatLocalDate } from '../../domain/london-time';
import { hasRole } from '../../domain/people';
import { Platform, PLATFORMS, platformName } from '../../domain/platforms';
import { KIND_LABELS, sitesLabel } from './labels';
import type { AccessRequest, AccessRequestCommand } from './model';

/**
 * The access register (issue 12, "Access register (Comms)"): who has business access to which sites, to view or
 * to post on the Group's behalf, until when, approved by whom. Read from the requests themselves, so it can never
 * disagree with them: only active access is on it.
 */
export const REGISTER_COLUMNS = ['reference', 'person', 'sites', 'access', 'from', 'until', 'approvedBy', 'signedOffBy'] as const;
export type AccessRegisterRow = Readonly<Record<(typeof REGISTER_COLUMNS)[number], string>>;

/** Active access, by person then reference; with `site`, only access that includes it. */
export async function activeAccess(service: Pick<CaseService<AccessRequest>, 'snapshots'>, site?: Platform): Promise<AccessRequest[]> {
  const active: AccessRequest[] = [];
  for await (const request of service.snapshots()) {
    if (request.state === 'active' && (!site || request.details.sites.includes(site))) active.push(request);
  }
  return active.sort((a, b) => a.requester.name.localeCompare(b.requester.name) || a.reference.localeCompare(b.reference, 'en', { numeric: true }));
}

export function registerRow(request: AccessRequest): AccessRegisterRow {
  const signedOff = [...request.history].reverse().find((step) => step.action === 'SignedOffByComms');
  return {
    reference: request.reference,
    person: request.requester.name,
    sites: sitesLabel(request.details),
    access: KIND_LABELS[request.details.kind],
    from: request.details.startDate,
    until: request.details.endDate,
    approvedBy: request.managerApproval?.by.name ?? '',
    signedOffBy: signedOff?.by.name ?? '',
  };
}

/** A register line as a list line: opens the request (Comms may revoke it there). */
export function registerEntry(request: AccessRequest): CaseListEntry {
  const row = registerRow(request);
  return {
    userId: '', role: 'register', reference: request.reference, state: request.state, awaitingMe: false, updatedAt: '',
    summary: `${row.person}: ${row.access.toLowerCase()}, ${row.sites}`,
    nextStep: `Until ${formatLocalDate(request.details.endDate)}; approved by ${row.approvedBy || 'the line manager'}${row.signedOffBy ? `, signed off by ${row.signedOffBy}` : ''}.`,
  };
}

/** "access register facebook": the site named after the command, by its label or code; undefined for none or an unknown one. */
export function siteNamed(text: string | undefined): Platform | undefined {
  const wanted = (text ?? '').trim().toLowerCase().replace(/\s+/g, '_');
  if (!wanted) return undefined;
  return PLATFORMS.find((site) => site === wanted || platformName(site).toLowerCase().startsWith(wanted.replace(/_/g, ' ')) || (site === 'x' && wanted === 'twitter'));
}

/** "access register csv" (or "export access register"): the register as a CSV file in the person's OneDrive. */
export function accessRegisterExport(tools: WorkflowTools, service: CaseService<AccessRequest, AccessRequestCommand>): FileExport {
  return {
    name: 'accessRegister',
    pattern: /^(?:export (?:the )?access register|access register (?:as |in )?csv|access register file)$/,
    allowed: (actor) => hasRole(actor, 'comms'),
    refusal: { title: 'Communications Team only', message: 'Only the Communications Team keeps the access register.' },
    retry: 'access register csv',
    fromCommand: () => ({}),
    async build(_request, now) {
      const rows = (await activeAccess(service)).map(registerRow);
      const today = tools.workingTime.londonDate(now);
      return {
        ok: true, fileName: `access-register-${today}.csv`, contentType: 'text/csv; charset=utf-8',
        body: csvFile(REGISTER_COLUMNS, rows, { bom: true }), rowCount: rows.length, request: {},
        description: `Access register on ${formatLocalDate(today)}: ${rows.length} active access${rows.length === 1 ? '' : 'es'} (CSV).`,
        whenEmpty: 'Nobody has business access at the moment.',
      };
    },
  };
}
