import type { JWTVerifyGetKey } from 'jose';
import type { CaseService } from '../cases/case-service';
import type { AnyWorkflowDefinition } from '../cases/definition';
import type { TeamQueue } from '../cases/waiting-for';
import type { BotIdentity } from '../config';
import type { Directory } from '../directory/directory';
import type { WorkingTime } from '../domain/working-time';
import type { DashboardApiDeps } from '../http/dashboard-api';
import type { Logger } from '../logger';
import type { Inbox } from '../store/inbox';
import { createStatisticsStore } from '../store/statistics';
import type { Tables } from '../store/tables';
import { createDashboardIdentity } from './identity';
import { createNumbers } from './numbers';
import { createStatisticsRecorder } from './recorder';
import { createRegisters } from './registers';
import { createCaseSummariser } from './summary';

export interface DashboardOptions {
  /** The host the tab is served from (BOT_DOMAIN): SSO tokens' audience is `api://<domain>/<client id>`. */
  readonly domain?: string;
  /** The tab's Entra app registration (DASHBOARD_CLIENT_ID); the bot's app id when absent. */
  readonly clientId?: string;
  /** Token signing keys; Entra ID's by default (tests sign their own). */
  readonly keys?: JWTVerifyGetKey;
}

interface DashboardParts extends DashboardOptions {
  readonly tables: Tables;
  readonly definitions: readonly AnyWorkflowDefinition[];
  readonly workingTime: WorkingTime;
  readonly directory: Directory;
  readonly inbox: Inbox;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly bot: BotIdentity;
  readonly allowedTenantIds: readonly string[];
}

/**
 * The dashboard's share of the composition root: the statistics recorder the effect relay is given, and, once the
 * case services exist, the API's parts. Kept here so src/runtime.ts gains two lines, not twenty.
 */
export function createDashboardApiDeps(parts: DashboardParts) {
  const store = createStatisticsStore(parts.tables.statistics);
  const summariser = createCaseSummariser(parts.definitions, parts.workingTime);
  return {
    store,
    summariser,
    recorder: createStatisticsRecorder(summariser, store, parts.logger),
    api(services: readonly CaseService<unknown, { readonly type: string }>[], teamQueues: readonly TeamQueue[]): DashboardApiDeps {
      const { directory, inbox, workingTime, logger } = parts;
      return {
        identity: createDashboardIdentity({
          appId: parts.bot.appId, tenantId: parts.bot.tenantId, allowedTenantIds: parts.allowedTenantIds, directory, logger,
          ...(parts.domain ? { domain: parts.domain } : {}), ...(parts.clientId ? { clientId: parts.clientId } : {}), ...(parts.keys ? { keys: parts.keys } : {}),
        }),
        numbers: createNumbers({ store, inbox, definitions: parts.definitions, teamQueues, workingTime }),
        registers: createRegisters({ store, services, inbox, directory }),
        directory, appId: parts.bot.appId, logger, now: parts.now,
      };
    },
  };
}
