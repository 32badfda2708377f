import type { AdaptiveCardJson } from '../cards/render';
import { WORKFLOWS } from '../workflows';

/**
 * The lists a case can be opened from, and the menu verb that builds each for the person asking. A case card
 * opened from a list carries only the list's name back ("Back to the list"): the list itself is always rebuilt
 * for whoever clicks, so card data can choose which of their own lists they see, never whose.
 */
export const LIST_VERBS: Readonly<Record<string, string>> = {
  myActions: 'menu.myActions',
  myCases: 'menu.myCases',
  ...Object.assign({}, ...WORKFLOWS.map((module) => module.lists ?? {})),
};

export type ListName = string;

/** The list named in card data, or "my actions" for anything else (a forged or retired name). */
export function listNamed(raw: unknown): ListName {
  return typeof raw === 'string' && Object.hasOwn(LIST_VERBS, raw) ? raw as ListName : 'myActions';
}

/** True when card data names a known list: only then does a case card get "Back to the list". */
export function isListName(raw: unknown): raw is ListName {
  return typeof raw === 'string' && Object.hasOwn(LIST_VERBS, raw);
}

/** The case card with a "Back to the list" button that rebuilds `list` for the clicker (`list.show`). */
export function withBackToList(card: AdaptiveCardJson, list: ListName): AdaptiveCardJson {
  const actions = Array.isArray(card.actions) ? card.actions : [];
  return { ...card, actions: [...actions, { type: 'Action.Execute', title: 'Back to the list', verb: 'list.show', data: { list } }] };
}
