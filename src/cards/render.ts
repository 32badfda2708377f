import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** The Adaptive Card templates in `cards/`, one per card, named for what the person sees. */
export const CARD_TEMPLATES = [
  'welcome', 'notice', 'case-list',
  'access-request-form', 'access-request', 'access-request-reassign',
  'abuse-report-form', 'abuse-report',
  'takedown-form', 'takedown',
] as const;
export type CardTemplateName = (typeof CARD_TEMPLATES)[number];

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/** Turns a typed view model into card JSON. Templates are parsed once, at start-up. */
export interface CardRenderer {
  render(name: CardTemplateName, viewModel: object): AdaptiveCardJson;
}

/** Finds `cards/` from wherever this file runs (src through tsx, or dist/src after a build). */
export function defaultCardsDirectory(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'cards');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
  }
  throw new Error(`cards/ not found above ${from}`);
}

export function loadCardTemplates(directory = defaultCardsDirectory()): CardRenderer {
  const templates = new Map(CARD_TEMPLATES.map((name) => {
    const json: unknown = JSON.parse(readFileSync(path.join(directory, `${name}.json`), 'utf8'));
    return [name, new ACData.Template(json)] as const;
  }));
  return {
    render(name, viewModel) {
      const template = templates.get(name);
      if (!template) throw new Error(`no card template ${name}`);
      return template.expand({ $root: viewModel }) as AdaptiveCardJson;
    },
  };
}
