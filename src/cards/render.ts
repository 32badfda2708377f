import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { shortenView } from './case-card';

/** The Adaptive Card templates in `cards/`, one per card, named for what the person sees. */
export const CARD_TEMPLATES = [
  'welcome', 'message', 'case-list', 'policy', 'out-of-office',
  'access-request-form', 'access-request', 'access-request-reassign',
  'abuse-report-form', 'abuse-report', 'abuse-report-safety',
  'takedown-form', 'takedown',
  'concern-form', 'concern',
  'info-request-form', 'info-request',
  'customer-post-form', 'customer-post', 'customer-post-owner',
] as const;
export type CardTemplateName = (typeof CARD_TEMPLATES)[number];

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/** Teams refuses cards much over 28 KB (README, DESIGN.md "Cards"): measured as the UTF-8 bytes of the card's JSON. */
export const MAX_CARD_BYTES = 28 * 1024;
/** Enough to drop every history line a case card shows and then cut a few texts. */
const MAX_SHORTENINGS = 12;

/** The size Teams counts: the card's JSON in UTF-8. */
export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card));
}

/**
 * Turns a typed view model into card JSON. Templates are parsed once, at start-up. A card that would pass
 * {@link MAX_CARD_BYTES} is rendered again from a shorter view (case-card.ts `shortenView`: fewer history
 * lines first), so whatever people typed, Teams never refuses the card.
 */
export interface CardRenderer {
  /** `name`: a template of `cards/`, or one a workflow brought (WorkflowModule `cardTemplates`). */
  render(name: CardTemplateName | (string & {}), viewModel: object): AdaptiveCardJson;
}

/** Finds `cards/` from wherever this file runs (src through tsx, or dist/src after a build). */
export function defaultCardsDirectory(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'cards');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
  }
  throw new Error(`cards/ not found above ${from}`);
}

export function loadCardTemplates(directory = defaultCardsDirectory(), more: Readonly<Record<string, object>> = {}): CardRenderer {
  const templates = new Map<string, ACData.Template>(CARD_TEMPLATES.map((name) => {
    const json: unknown = JSON.parse(readFileSync(path.join(directory, `${name}.json`), 'utf8'));
    return [name, new ACData.Template(json)] as const;
  }));
  for (const [name, json] of Object.entries(more)) templates.set(name, new ACData.Template(json));
  return {
    render(name, viewModel) {
      const template = templates.get(name);
      if (!template) throw new Error(`no card template ${name}`);
      let view: object = viewModel;
      for (let shortenings = 0; ; shortenings++) {
        const card = template.expand({ $root: view }) as AdaptiveCardJson;
        const excess = cardBytes(card) - MAX_CARD_BYTES;
        const shorter = excess > 0 && shortenings < MAX_SHORTENINGS ? shortenView(view, excess) : undefined;
        if (!shorter) return card;
        view = shorter;
      }
    },
  };
}
