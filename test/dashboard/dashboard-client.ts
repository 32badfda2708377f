import type { BotHarness, PersonKey } from '../support/bot-harness';
import { PEOPLE } from '../support/bot-harness';

/** One answer of the dashboard API, with the headers a test checks. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

/** GET under /api/dashboard with any headers (a bearer token, or locally the person chosen on the page). */
export async function api(bot: BotHarness, path: string, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const response = await fetch(`${bot.url}/api/dashboard${path}`, { headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** Locally (no app id, loopback): as this person, chosen on the page. */
export function as(bot: BotHarness, person: PersonKey, path: string): Promise<ApiAnswer> {
  return api(bot, path, { 'X-Dashboard-User': PEOPLE[person].id });
}

export interface OverviewBody {
  workflows: { workflow: string; label: string; total: number; states: { state: string; label: string; count: number }[] }[];
  dueToday: number;
  overdue: number;
  myActions: number;
}

/** The overview's open counts as `PREFIX/state -> count`, easy to compare. */
export function openCounts(overview: OverviewBody): Record<string, number> {
  return Object.fromEntries(overview.workflows.flatMap((workflow) => workflow.states.map((state) => [`${workflow.workflow}/${state.state}`, state.count])));
}
