/** Links people give (to a post, to what they received): http and https only, no credentials, bounded. */
export const MAX_LINKS = 5;
export const LINK_MAX = 500;

/** Links, one a line (or separated by spaces or commas), at most {@link MAX_LINKS}; a problem goes to `errors.links`. */
export function parseLinks(raw: unknown, errors: Record<string, string>): string[] {
  const candidates = (typeof raw === 'string' ? raw : '').split(/[\s,]+/).map((part) => part.trim()).filter(Boolean);
  if (candidates.length > MAX_LINKS) errors.links = `Give at most ${MAX_LINKS} links.`;
  const links: string[] = [];
  for (const candidate of candidates.slice(0, MAX_LINKS)) {
    const link = safeLink(candidate);
    if (!link) {
      errors.links = 'Each link must start with http:// or https:// (and contain no password).';
      continue;
    }
    links.push(link);
  }
  return links;
}

/** The link as the URL parser writes it, or undefined for anything but a plain http(s) address of at most {@link LINK_MAX}. */
export function safeLink(candidate: string): string | undefined {
  if (candidate.length > LINK_MAX) return undefined;
  try {
    const url = new URL(candidate);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || !url.hostname) return undefined;
    // Percent-encoding can make the link kept several times longer than the one typed.
    const link = url.toString();
    return link.length <= LINK_MAX ? link : undefined;
  } catch {
    return undefined;
  }
}
