import type { TeamRole } from '../domain/people';
import { dangerCues } from './danger';
import { Intent, INTENT_WORDS, scoreIntents } from './intents';
import { normalise } from './normalise';
import { SITE_WORDS, SiteCode, sitesNamed } from './platforms';
import { correctTypos } from './typos';

export type { Intent } from './intents';
export type { SiteCode } from './platforms';

/** What a message asks for, what it names, and why we think so. */
export interface Understanding {
  /** `danger` whenever {@link Understanding.danger} is true: safety comes before any other reading. */
  readonly intent: Intent;
  /** The first site named, as the forms' code (abuse report `platform`, takedown `platform`). */
  readonly platform?: SiteCode;
  /** Every site named, in order (the access request's `sites` takes several). */
  readonly sites: readonly SiteCode[];
  /** The site's name for the form's "Other site" box, when `platform` or `sites` holds `other`. */
  readonly otherSite?: string;
  /** Words that read as immediate danger: the reply starts with 999 and the report is marked urgent. */
  readonly danger: boolean;
  /**
   * Why: the ids of the rules that fired (`danger:threat-of-harm`, `reportAbuse:harassment`,
   * `site:facebook`, `typo:harassed`). Rule names and known words only, never the person's text, so it
   * may be logged.
   */
  readonly matched: readonly string[];
}

/**
 * Reads a message. The one interface free text goes through: these rules today, and a trained classifier
 * could stand behind it later (danger detection should stay rule-based, as no service may be reachable).
 * `roles` lets a classifier weigh ambiguous phrasing by who is asking; the rules read the words alone,
 * and the bot decides by role what each intent leads to.
 */
export type Understander = (text: string, roles: readonly TeamRole[]) => Understanding;

const KNOWN_WORDS: ReadonlySet<string> = new Set([...INTENT_WORDS, ...SITE_WORDS]);

/** The deterministic, explainable rules: normalise -> correct slips -> danger, intent and sites. */
export const understand: Understander = (text) => {
  const { words, corrections } = correctTypos(normalise(text).split(' '), KNOWN_WORDS);
  const reading = words.join(' ');
  const danger = dangerCues(reading);
  const scored = scoreIntents(reading);
  const named = sitesNamed(reading);
  return {
    intent: danger.length > 0 ? 'danger' : scored.intent,
    ...(named.sites[0] ? { platform: named.sites[0] } : {}),
    sites: named.sites,
    ...(named.otherName ? { otherSite: named.otherName } : {}),
    danger: danger.length > 0,
    matched: [
      ...danger.map((id) => `danger:${id}`), ...scored.cues, ...named.sites.map((site) => `site:${site}`),
      ...[...new Set(corrections)].map((word) => `typo:${word}`),
    ],
  };
};
