import type { GraphTokenProvider } from '../../graph/token';
import type { Logger } from '../../logger';
import type { AppInstaller } from './fan-out';

export interface GraphAppInstallerOptions {
  /** `https://graph.microsoft.com/v1.0`, or a stand-in in tests. */
  readonly baseUrl: string;
  readonly token: GraphTokenProvider;
  /** The app's id in the organisation's app catalog (not the manifest id): CAMPAIGN_INSTALL_TEAMS_APP_ID. */
  readonly teamsAppId: string;
  readonly logger: Logger;
  readonly timeoutMs?: number;
}

/**
 * Installs the bot's app in a person's personal scope (Microsoft Graph "Install app for user":
 * `POST /users/{id}/teamwork/installedApps` with `teamsApp@odata.bind`; application permission
 * TeamsAppInstallation.ReadWriteSelfForUser.All, with admin consent). Teams then lets the bot open a 1:1 chat with
 * them, and the fan-out sends their card again. Already installed (409) counts as installed.
 */
export function createGraphAppInstaller(options: GraphAppInstallerOptions): AppInstaller {
  const base = options.baseUrl.replace(/\/$/, '');
  return {
    async install(personId) {
      try {
        const response = await fetch(`${base}/users/${encodeURIComponent(personId)}/teamwork/installedApps`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${await options.token()}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ 'teamsApp@odata.bind': `${base}/appCatalogs/teamsApps/${encodeURIComponent(options.teamsAppId)}` }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
        await response.text().catch(() => '');
        if (response.ok || response.status === 409) return 'installed';
        options.logger.warn({ httpStatus: response.status }, 'app not installed for a campaign recipient');
        return 'failed';
      } catch (error) {
        options.logger.warn({ failure: String(error instanceof Error ? error.name : error).slice(0, 100) }, 'app not installed for a campaign recipient');
        return 'failed';
      }
    },
  };
}
