import { app, authentication } from '@microsoft/teams-js';

/** Teams' three themes; anything else a host reports (e.g. "glass") is shown as the default. */
export type Theme = 'default' | 'dark' | 'contrast';

/** What the page needs from Teams when it runs in a Teams (or Microsoft 365) tab. */
export interface TeamsHost {
  readonly theme: Theme;
  onThemeChange(handler: (theme: Theme) => void): void;
  /** An SSO token for the dashboard's API (`api://<domain>/<app id>`); Teams caches and renews it. */
  token(): Promise<string>;
  /** Opens a Teams deep link (a case in the bot's chat) in Teams itself, not in the tab's frame. */
  openLink(url: string): Promise<void>;
}

/** Teams answers initialize within a second or two; past this, the frame is not Teams. */
const INITIALIZE_TIMEOUT_MS = 5_000;

export function asTheme(value: string | undefined): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

/**
 * Connects to Teams when the page runs in its frame; undefined outside Teams (a page of its own has no parent
 * to answer, and teams-js would reject or wait for ever).
 */
export async function connectToTeams(): Promise<TeamsHost | undefined> {
  if (window.parent === window && !window.opener) return undefined;
  try {
    await Promise.race([
      app.initialize(),
      new Promise((_resolve, reject) => setTimeout(() => reject(new Error('no answer from Teams')), INITIALIZE_TIMEOUT_MS)),
    ]);
  } catch {
    return undefined;
  }
  const context = await app.getContext();
  return {
    theme: asTheme(context.app.theme),
    onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(asTheme(theme))),
    token: () => authentication.getAuthToken(),
    openLink: (url) => app.openLink(url),
  };
}
