import type { GraphTokenProvider } from './token';

/** A request Graph refused or that never got an answer; `code` is Graph's error code (`Authorization_RequestDenied`). */
export class GraphError extends Error {
  constructor(message: string, readonly status?: number, readonly code?: string) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphClientOptions {
  readonly baseUrl: string;
  readonly token: GraphTokenProvider;
  /** Waits between attempts; tests may shorten it. */
  readonly sleep?: (millis: number) => Promise<void>;
  readonly timeoutMs?: number;
}

/** Throttled (429) or briefly unavailable: tried again after Retry-After, at most this many times in all. */
const MAX_ATTEMPTS = 6;
/** A Retry-After beyond this is not waited for: the run fails and the next day's tries again. */
const LONGEST_WAIT_MS = 5 * 60_000;
const RETRIED = new Set([429, 502, 503, 504]);
/** Far beyond any tenant (999 people a page); ends a nextLink loop in a misbehaving answer. */
const MAX_PAGES = 5_000;
/** A page of 999 users with the few fields asked for is well under a megabyte. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/**
 * Reads collections from Microsoft Graph: follows `@odata.nextLink` page by page, and honours 429 `Retry-After`
 * (Graph's throttling guidance) before trying again. The token goes only to `baseUrl`'s origin: a nextLink
 * elsewhere is refused, never followed.
 */
export function createGraphClient(options: GraphClientOptions) {
  const origin = new URL(options.baseUrl).origin;
  const sleep = options.sleep ?? ((millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis)));
  const timeoutMs = options.timeoutMs ?? 30_000;

  /** The answer's body as JSON text, after any waits Graph asked for; a final refusal throws. */
  async function getText(url: string): Promise<string> {
    if (new URL(url).origin !== origin) throw new GraphError('Graph answered with a next page on another host; not followed');
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${await options.token()}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return boundedText(response);
      const wait = retryWait(response, attempt);
      const body = await response.text().catch(() => '');
      if (wait === undefined || attempt >= MAX_ATTEMPTS) throw new GraphError(`Graph answered HTTP ${response.status}`, response.status, errorCode(body));
      await sleep(wait);
    }
  }

  return {
    /** Every item of a collection (`/users?$select=...`), page after page. */
    async *list(pathAndQuery: string): AsyncGenerator<unknown> {
      let url: string | undefined = `${options.baseUrl.replace(/\/$/, '')}${pathAndQuery}`;
      for (let pages = 0; url; pages++) {
        if (pages >= MAX_PAGES) throw new GraphError(`more than ${MAX_PAGES} pages; stopped`);
        const page = parsePage(await getText(url));
        yield* page.value;
        url = page.nextLink;
      }
    },

    /** One object (`/users/{id}?$select=...`); undefined when Graph has no such object (404). */
    async get(pathAndQuery: string): Promise<unknown> {
      try {
        return parseJson(await getText(`${options.baseUrl.replace(/\/$/, '')}${pathAndQuery}`));
      } catch (error) {
        if (error instanceof GraphError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;

/** Milliseconds to wait before the next attempt, or undefined when the answer is final. */
function retryWait(response: Response, attempt: number): number | undefined {
  if (!RETRIED.has(response.status)) return undefined;
  const header = response.headers.get('Retry-After');
  const seconds = header !== null && /^\d{1,6}$/.test(header.trim()) ? Number(header.trim()) : undefined;
  const wait = seconds !== undefined ? seconds * 1000 : Math.min(1000 * 2 ** (attempt - 1), 30_000);
  return wait <= LONGEST_WAIT_MS ? wait : undefined;
}

async function boundedText(response: Response): Promise<string> {
  const text = await response.text();
  if (text.length > MAX_PAGE_BYTES) throw new GraphError('a page from Graph was too large; stopped');
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GraphError('Graph answered with something that is not JSON');
  }
}

function parsePage(text: string): { value: unknown[]; nextLink?: string } {
  const body = parseJson(text);
  const { value, '@odata.nextLink': nextLink } = (body ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
  if (!Array.isArray(value)) throw new GraphError('Graph answered without a "value" list');
  if (nextLink !== undefined && typeof nextLink !== 'string') throw new GraphError('Graph answered with a next page that is not a link');
  return { value, ...(nextLink ? { nextLink } : {}) };
}

function errorCode(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code.slice(0, 80) : undefined;
  } catch {
    return undefined;
  }
}
