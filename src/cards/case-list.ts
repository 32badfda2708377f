import type { AdaptiveCardJson, CardRenderer } from './render';
import type { InboxEntry } from '../store/inbox';

/** A list card stays far below Teams' size limits: beyond this many lines, it says how many more there are. */
const MAX_ITEMS = 15;

/** How a state reads; the reference tells lists that mix workflows which workflow's words to use. */
export type StateLabel = (state: string, reference?: string) => { label: string; color: string };

/** A list line; `mark` says whose turn it is ("Your turn", "Your turn: Communications Team"). */
export type CaseListEntry = InboxEntry & { readonly mark?: string };

/**
 * "My requests", "Awaiting your decision": one line a case, each opening the case card. `list` names the list
 * so the opened case offers "Back to the list" (src/bot/lists.ts); without it (a one-off choice) there is no way back.
 */
export function caseListCard(
  renderer: CardRenderer, title: string, entries: readonly CaseListEntry[], stateLabel: StateLabel, emptyText: string,
  itemVerb = 'case.show', list?: string,
): AdaptiveCardJson {
  const shown = entries.slice(0, MAX_ITEMS);
  return renderer.render('case-list', {
    title,
    emptyText,
    itemVerb,
    list: list ?? '',
    items: shown.map((entry) => ({
      reference: entry.reference,
      summary: entry.summary,
      stateLabel: stateLabel(entry.state, entry.reference).label,
      stateColor: stateLabel(entry.state, entry.reference).color,
      nextStep: entry.nextStep,
      mark: entry.mark ?? '',
    })),
    moreText: entries.length > shown.length ? `${entries.length - shown.length} more not shown: type a reference such as ${entries[shown.length]?.reference} to open one.` : '',
  });
}
