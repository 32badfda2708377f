import type { Platform } from '../domain/platforms';

/** The site codes every form uses: the one list of src/domain/platforms.ts. */
export type SiteCode = Platform;

interface SiteAlias {
  readonly site: SiteCode;
  /** What to write in the form's "Other site" box, for sites without a code of their own. */
  readonly otherName?: string;
  readonly pattern: RegExp;
}

/** Names people use for each site, on normalised text (normalise.ts): "fb", "insta", "tweet", "on X". */
const ALIASES: readonly SiteAlias[] = [
  { site: 'facebook', pattern: /\b(facebook|fb|face book|fbook|messenger)\b/ },
  // "X" alone is only a site after a word that introduces one: "on X", "access to X", "use X for the job".
  { site: 'x', pattern: /\b(twitter|tweet\w*|retweet\w*|x com|(?<=\b(on|to|for|use|via|from|in|of|and|or|twitter) )x\b(?! (number|amount|times|days)\b))/ },
  { site: 'linkedin', pattern: /\b(linkedin|linked in)\b/ },
  { site: 'instagram', pattern: /\b(instagram|insta|ig|insta gram)\b/ },
  { site: 'snapchat', pattern: /\b(snapchat|snap chat|snaps|(?<=\b(a|on|via) )snap)\b/ },
  { site: 'viva_engage', pattern: /\b(yammer|viva engage|viva)\b/ },
  { site: 'youtube', pattern: /\b(youtube|you tube|yt)\b/ },
  { site: 'vimeo', pattern: /\bvimeo\b/ },
  { site: 'tiktok', pattern: /\b(tiktok|tik tok|tic toc|tiktoc)\b/ },
  { site: 'other', otherName: 'WhatsApp', pattern: /\b(whatsapp|whats app)\b/ },
  { site: 'other', otherName: 'Reddit', pattern: /\breddit\b/ },
  { site: 'other', otherName: 'Nextdoor', pattern: /\bnextdoor\b/ },
  { site: 'other', otherName: 'Threads', pattern: /\bthreads app\b/ },
  { site: 'other', otherName: 'Bluesky', pattern: /\bbluesky\b/ },
  { site: 'other', otherName: 'Mastodon', pattern: /\bmastodon\b/ },
  { site: 'other', otherName: 'Telegram', pattern: /\btelegram\b/ },
  { site: 'other', otherName: 'Discord', pattern: /\bdiscord\b/ },
  { site: 'other', otherName: 'Pinterest', pattern: /\bpinterest\b/ },
  { site: 'other', otherName: 'Trustpilot', pattern: /\btrustpilot\b/ },
];

/** Site names the typo corrector may correct towards ("facebok" -> "facebook"). */
export const SITE_WORDS: readonly string[] = [
  'facebook', 'twitter', 'tweet', 'tweeted', 'tweets', 'linkedin', 'instagram', 'snapchat', 'yammer', 'youtube', 'vimeo', 'tiktok',
  'whatsapp', 'messenger', 'nextdoor', 'reddit', 'telegram', 'discord', 'pinterest', 'trustpilot', 'mastodon', 'bluesky',
];

export interface SitesNamed {
  /** Every site named, in the order they were named, once each. */
  readonly sites: readonly SiteCode[];
  /** The name to put in "Other site" when `sites` includes `other`. */
  readonly otherName?: string;
}

export function sitesNamed(text: string): SitesNamed {
  const found = ALIASES.flatMap((alias) => {
    const match = alias.pattern.exec(text);
    return match ? [{ ...alias, at: match.index }] : [];
  }).sort((a, b) => a.at - b.at);
  const sites = [...new Set(found.map((alias) => alias.site))];
  const otherName = found.find((alias) => alias.otherName)?.otherName;
  return { sites, ...(otherName ? { otherName } : {}) };
}
