/**
 * The dashboard's JSON API (src/http/dashboard-api.ts), as the page calls it. Every call carries the person's
 * identity: the Teams SSO token in Teams, or, locally, the person chosen in the local banner.
 */

import type { RegisterName, RegisterQuery } from '../../src/dashboard/register-query';

export type { RegisterName, RegisterQuery } from '../../src/dashboard/register-query';

/** What the server lets this person see; it decides, by the bot's own visibility rules. */
export type ViewName = 'overview' | 'serviceLevels' | `register:${RegisterName}`;

export interface Me {
  readonly name: string;
  readonly roles: readonly string[];
  readonly local: boolean;
  readonly views: readonly ViewName[];
}

export interface LocalPerson {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export interface Overview {
  readonly workflows: readonly {
    readonly workflow: string;
    readonly label: string;
    readonly total: number;
    readonly states: readonly { readonly state: string; readonly label: string; readonly count: number }[];
  }[];
  readonly dueToday: number;
  readonly overdue: number;
  readonly myActions: number;
}

export interface ServiceLevels {
  /** ISO weeks (2026-W48), oldest first. */
  readonly weeks: readonly string[];
  readonly series: readonly { readonly id: string; readonly label: string; readonly met: readonly number[]; readonly missed: readonly number[] }[];
}

export interface RegisterPage {
  readonly columns: readonly { readonly key: string; readonly label: string }[];
  readonly rows: readonly {
    readonly reference: string;
    /** By column key (or in column order). */
    readonly cells: Readonly<Record<string, string | number | null>> | readonly (string | number | null)[];
    readonly deepLink: string;
  }[];
  readonly continuation?: string;
  /** The order the rows are in ("Newest request first"), said above its table. */
  readonly order: string;
  /** Its id (what `sort=` names). */
  readonly sort: string;
  /** The orders this register can be listed in, offered in the page's "Order" list. */
  readonly orders: readonly { readonly id: string; readonly label: string }[];
}

/** Who the page is asking as. */
export type Identity =
  | { readonly kind: 'teams'; readonly token: () => Promise<string> }
  | { readonly kind: 'local'; readonly personId: string };

/** A refusal or failure, with a sentence for the person. */
export class ApiProblem extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface DashboardApi {
  me(): Promise<Me>;
  overview(): Promise<Overview>;
  serviceLevels(): Promise<ServiceLevels>;
  register(name: RegisterName, query: RegisterQuery): Promise<RegisterPage>;
  registerCsv(name: RegisterName, query: Omit<RegisterQuery, 'pageSize' | 'continuation'>): Promise<{ blob: Blob; filename: string }>;
}

const BASE = '/api/dashboard';

export function createApi(identity: Identity): DashboardApi {
  const call = async (path: string, accept: string): Promise<Response> => {
    const headers: Record<string, string> = { Accept: accept };
    if (identity.kind === 'teams') headers.Authorization = `Bearer ${await signIn(identity)}`;
    else headers['X-Dashboard-User'] = identity.personId;
    let response: Response;
    try {
      response = await fetch(`${BASE}${path}`, { headers, cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new ApiProblem(0, 'The dashboard could not reach the Social Media Desk. Check your connection and try again.');
    }
    if (!response.ok) throw new ApiProblem(response.status, await refusal(response));
    return response;
  };
  const json = async <T>(path: string): Promise<T> => (await (await call(path, 'application/json')).json()) as T;
  return {
    me: () => json<Me>('/me'),
    overview: () => json<Overview>('/overview'),
    serviceLevels: () => json<ServiceLevels>('/service-levels'),
    register: (name, query) => json<RegisterPage>(`/registers/${encodeURIComponent(name)}?${queryString(query)}`),
    async registerCsv(name, query) {
      const response = await call(`/registers/${encodeURIComponent(name)}/csv?${queryString(query)}`, 'text/csv');
      const disposition = response.headers.get('Content-Disposition') ?? '';
      const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? `${name}-register.csv`;
      return { blob: await response.blob(), filename };
    },
  };
}

/** The people of the local directory, to choose from; undefined when the server is not in local mode. */
export async function localPeople(): Promise<LocalPerson[] | undefined> {
  try {
    const response = await fetch(`${BASE}/local/people`, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
    if (!response.ok) return undefined;
    return (await response.json()) as LocalPerson[];
  } catch {
    return undefined;
  }
}

/** Teams' SSO token; when Teams cannot give one (the app registration is missing, or consent), a sentence. */
async function signIn(identity: Extract<Identity, { kind: 'teams' }>): Promise<string> {
  try {
    return await identity.token();
  } catch {
    throw new ApiProblem(401, 'Teams could not sign you in to the dashboard. Close the tab and open it again; if it keeps happening, ask IT.');
  }
}

function queryString(query: Partial<RegisterQuery>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

/** The server's own sentence when it gives one (`{ error }`), else one for the status. */
async function refusal(response: Response): Promise<string> {
  const said = await response.json().then((body: { error?: unknown; message?: unknown }) => body.message ?? body.error, () => undefined);
  if (typeof said === 'string' && said.length > 0 && said.length < 300 && /\s/.test(said)) return said;
  switch (response.status) {
    case 401: return 'You are not signed in to the dashboard. Close it and open it again from Teams.';
    case 403: return 'You may not see this part of the dashboard.';
    case 400: return 'The dashboard did not understand that request. Check the search and filters.';
    case 404: return 'That part of the dashboard does not exist.';
    default: return 'Something went wrong on our side. Please try again in a minute.';
  }
}
