import type { CaseService } from '../cases/case-service';
import { TEAM_ROLES } from '../domain/people';
import { prefixOf } from '../domain/references';
import { createGraphClient } from '../graph/graph-client';
import type { GraphSettings } from '../graph/settings';
import { graphTokenProvider, GraphTokenProvider } from '../graph/token';
import type { Logger } from '../logger';
import type { TableDirectory } from '../store/directory-table';
import type { Inbox, InboxEntry } from '../store/inbox';
import { ApprovalRerouting, createDirectorySync, SYNC_OFF_MESSAGE, SyncReport } from './directory-sync';
import { readEntraDirectory } from './entra-reader';
import type { DirectorySyncSettings } from './entra-settings';
import { createLeaverNotice, LeaverNotice, LeaverNoticeDeps } from './leaver-notice';
import type { NewStarterEnrolment } from './new-starters';

export interface DirectorySyncWiring {
  readonly graph?: GraphSettings;
  readonly settings?: DirectorySyncSettings;
  /** Instead of an Entra credential (tests: a local stand-in's token). */
  readonly token?: GraphTokenProvider;
  readonly directory: TableDirectory;
  readonly inbox: Inbox;
  readonly services: ReadonlyMap<string, CaseService>;
  readonly rerouting: ApprovalRerouting;
  readonly enrolment: NewStarterEnrolment;
  readonly leaverNotice: LeaverNotice;
  readonly logger: Logger;
}

export type RunDirectorySync = (now: Date, options?: { acceptLeavers?: boolean }) => Promise<SyncReport>;

/** The directory sync as the composition root builds it; without Graph or DIRECTORY_SYNC it only says it is off. */
export function wireDirectorySync(wiring: DirectorySyncWiring): RunDirectorySync | undefined {
  const { graph, settings } = wiring;
  if (!graph || !settings) return undefined;
  const client = createGraphClient({ baseUrl: graph.baseUrl, token: wiring.token ?? graphTokenProvider(graph.credential) });
  return createDirectorySync({
    directory: wiring.directory, rerouting: wiring.rerouting, enrolment: wiring.enrolment, logger: wiring.logger,
    read: () => readEntraDirectory(client, settings),
    governedRoles: TEAM_ROLES.filter((role) => settings.roleGroups[role]),
    openCasesOf: (personId) => openCases(wiring, personId),
    leaverNotice: wiring.leaverNotice,
  });
}

export type LeaverNoticeWiring = Pick<LeaverNoticeDeps, 'directory' | 'notices' | 'timers' | 'notifier' | 'renderer' | 'owner' | 'now' | 'logger'>
  & Pick<DirectorySyncWiring, 'services'>;

/** The leavers' notice, whether or not the sync runs here: the scheduler sends what a sync elsewhere left behind. */
export function wireLeaverNotice(wiring: LeaverNoticeWiring): LeaverNotice {
  const serviceOf = (reference?: string) => wiring.services.get(prefixOf(reference ?? '') ?? '');
  return createLeaverNotice({
    ...wiring,
    stateLabel: (state, reference) => serviceOf(reference)?.definition.rules.stateLabel(state) ?? { label: state, color: 'default' },
    linesOf: async (reference, viewer, now) => {
      const service = serviceOf(reference);
      const snapshot = service ? await service.load(reference) : undefined;
      if (!service || snapshot === undefined || !service.definition.workflow.canSee(snapshot, viewer)) return [];
      return service.definition.presenter.inboxEntries(snapshot, now);
    },
  });
}

/** A person's cases not yet closed, one line each (someone with two parts in a case has two inbox lines). */
async function openCases(wiring: DirectorySyncWiring, personId: string): Promise<InboxEntry[]> {
  const seen = new Set<string>();
  return (await wiring.inbox.list(personId)).filter((entry) => {
    const rules = wiring.services.get(prefixOf(entry.reference) ?? '')?.definition.rules;
    if (!rules || rules.closedStates.includes(entry.state) || seen.has(entry.reference)) return false;
    seen.add(entry.reference);
    return true;
  });
}

/** What `npm run directory:sync` and the daily job say when the sync is off. */
export const syncOff = async (): Promise<SyncReport> => ({ outcome: 'off', message: SYNC_OFF_MESSAGE });
