import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, JWTVerifyGetKey } from 'jose';
import type { Directory } from '../directory/directory';
import type { Actor } from '../domain/people';
import type { Logger } from '../logger';

/** Entra ID's signing keys, for every tenant (the `common` endpoint lists them all). */
export const ENTRA_KEYS_URL = 'https://login.microsoftonline.com/common/discovery/v2.0/keys';

export interface DashboardIdentityOptions {
  /** The bot's Microsoft app id; empty: local mode (loopback only, the person chosen from the directory). */
  readonly appId: string;
  /** The host the tab is served from (BOT_DOMAIN): a v1 token's audience is `api://<domain>/<client id>`. */
  readonly domain?: string;
  /** The tab's own Entra app registration (a v2 token's audience); the bot's app id when absent. */
  readonly clientId?: string;
  /** Tenants whose people may use the tab (ALLOWED_TENANT_IDS); the bot's own tenant when empty. */
  readonly allowedTenantIds: readonly string[];
  readonly tenantId?: string;
  readonly directory: Directory;
  readonly logger: Logger;
  /** The signing keys; Entra ID's by default (tests give a local key set). */
  readonly keys?: JWTVerifyGetKey;
}

/** Who is asking, or why nobody is: `unauthorized` is a 401, `notFound` a 404 (local mode asked from elsewhere). */
export type Identified =
  | { readonly ok: true; readonly actor: Actor; readonly local: boolean }
  | { readonly ok: false; readonly status: 401 | 404 };

/** The request as identity needs it: its headers and the caller's address. */
export interface IdentityRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly remoteAddress: string | undefined;
}

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
/** Teams SSO tokens are RS256; anything else (`none` included) is refused before any key is looked up. */
const ALGORITHMS = ['RS256'];
const CLOCK_TOLERANCE_S = 60;
const MAX_TOKEN_CHARS = 8192;

/**
 * The dashboard's identity check (issue 14). In Teams: the tab's SSO token (teams-js `getAuthToken`), its
 * signature checked against Entra ID's keys with `jose`, its audience the tab's app registration (`api://<domain>/<client
 * id>` for v1 tokens, the client id for v2), its issuer that of its own tenant (v1 or v2 form), unexpired, its tenant allowed;
 * the person is found by object id (`oid`) in the directory. Locally (no app id) and only from loopback: the
 * person chosen on the page (`X-Dashboard-User`), like the playground. Every refusal is the same 401; the reason
 * is logged, never the token.
 */
export function createDashboardIdentity(options: DashboardIdentityOptions) {
  const local = !options.appId;
  const keys = options.keys ?? createRemoteJWKSet(new URL(ENTRA_KEYS_URL));
  const tenants = options.allowedTenantIds.length > 0 ? options.allowedTenantIds : [options.tenantId ?? ''].filter(Boolean);
  const clientId = options.clientId || options.appId;
  const audiences = [clientId, ...(options.domain ? [`api://${options.domain}/${clientId}`] : [])].filter(Boolean);

  function refuse(reason: string): Identified {
    options.logger.warn({ reason }, 'dashboard identity refused');
    return { ok: false, status: 401 };
  }

  async function fromToken(header: string): Promise<Identified> {
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
    if (!match || match[1]!.length > MAX_TOKEN_CHARS) return refuse('no bearer token');
    const token = match[1]!;
    let tid: unknown;
    try {
      tid = decodeJwt(token).tid;
    } catch {
      return refuse('not a JWT');
    }
    if (typeof tid !== 'string' || !tenants.includes(tid)) return refuse('tenant not allowed');
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS, audience: audiences, clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['exp', 'oid', 'tid'],
        issuer: [`https://sts.windows.net/${tid}/`, `https://login.microsoftonline.com/${tid}/v2.0`],
      });
      const person = typeof payload.oid === 'string' ? await options.directory.find(payload.oid) : undefined;
      if (!person) return refuse('person not in the directory');
      return { ok: true, local: false, actor: { id: person.id, name: person.name, roles: person.roles } };
    } catch (error) {
      return refuse(error instanceof errors.JOSEError ? error.code : 'token check failed');
    }
  }

  async function fromLocalChoice(request: IdentityRequest): Promise<Identified> {
    const chosen = request.headers['x-dashboard-user'];
    if (typeof chosen !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/.test(chosen)) return refuse('local mode: no person chosen');
    const person = await options.directory.find(chosen);
    if (!person) return refuse('local mode: person not in the directory');
    return { ok: true, local: true, actor: { id: person.id, name: person.name, roles: person.roles } };
  }

  return {
    /** Local mode answers loopback callers only; the bot refuses to listen elsewhere without an app id anyway. */
    isLocal(request: Pick<IdentityRequest, 'remoteAddress'>): boolean {
      return local && LOOPBACK.includes(request.remoteAddress ?? '');
    },
    async identify(request: IdentityRequest): Promise<Identified> {
      if (local) return LOOPBACK.includes(request.remoteAddress ?? '') ? fromLocalChoice(request) : { ok: false, status: 404 };
      const header = request.headers.authorization;
      return fromToken(typeof header === 'string' ? header : '');
    },
  };
}

export type DashboardIdentity = ReturnType<typeof createDashboardIdentity>;
