import { oneOf } from '../../cases/card-input';
import { cleanFreeText, cleanLine } from '../../domain/free-text';
import { parseLinks } from '../../domain/links';
import { reject, Rejection } from '../../domain/outcome';
import { PLATFORMS } from '../../domain/platforms';
import { ABOUT, ConcernDetails, WORRY_MAX, WORRY_MIN } from './model';

/** What the concern form sends back: every value is untrusted text. */
export interface ConcernFormInput {
  readonly link?: unknown;
  readonly platform?: unknown;
  readonly platformOther?: unknown;
  readonly worry?: unknown;
  readonly about?: unknown;
  readonly colleague?: unknown;
  readonly colleagueSearch?: unknown;
}

export interface ValidConcernForm {
  readonly ok: true;
  readonly details: ConcernDetails;
  /** Whether the form names a colleague to look up: only when the post is about one. */
  readonly namesColleague: boolean;
}

/** Checks the concern form; every problem at once, next to its field; nothing stored until it passes. */
export function validateConcernForm(input: ConcernFormInput): ValidConcernForm | Rejection {
  const errors: Record<string, string> = {};
  const linkErrors: Record<string, string> = {};
  const [link, ...more] = parseLinks(input.link, linkErrors);
  if (linkErrors.links || more.length > 0) errors.link = 'Give the one link to the post (http or https), or leave it empty if you only saw it.';
  const platform = oneOf(PLATFORMS, input.platform);
  if (!platform) errors.platform = 'Choose the site or app.';
  const platformOther = cleanLine(input.platformOther).slice(0, 60);
  if (platform === 'other' && platformOther.length < 2) errors.platformOther = 'Name the site or app.';
  const worry = cleanFreeText(input.worry);
  if (worry.length < WORRY_MIN) errors.worry = `Say what worries you about the post (at least ${WORRY_MIN} characters).`;
  else if (worry.length > WORRY_MAX) errors.worry = `Keep it to ${WORRY_MAX.toLocaleString('en-GB')} characters at most.`;
  const about = oneOf(ABOUT, input.about);
  if (!about) errors.about = 'Choose who or what the post is about.';
  if (Object.keys(errors).length > 0 || !platform || !about) return reject('invalid', 'Please check the highlighted fields.', errors);
  return {
    ok: true,
    details: { platform, worry, about, ...(link ? { link } : {}), ...(platform === 'other' ? { platformOther } : {}) },
    namesColleague: about === 'colleague' && [input.colleagueSearch, input.colleague].some((value) => typeof value === 'string' && value.trim() !== ''),
  };
}
