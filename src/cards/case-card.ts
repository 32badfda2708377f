/** How a notice on a case card is coloured (an Adaptive Card container style). */
export type MessageStyle = 'attention' | 'good' | 'warning' | 'emphasis';

/** One line of a case card's history. */
export interface HistoryLine {
  readonly when: string;
  readonly what: string;
  readonly comment: string;
}

/** What every case card (`cards/access-request.json`, `abuse-report.json`, `takedown.json`) binds around its own fields. */
export interface CaseCardBase {
  readonly reference: string;
  readonly headline: string;
  readonly notice: string;
  readonly noticeStyle: MessageStyle;
  readonly stateLabel: string;
  readonly stateColor: string;
  readonly nextStep: string;
  readonly facts: readonly { title: string; value: string }[];
  /** The latest steps, newest first. */
  readonly history: readonly HistoryLine[];
  /** How many older steps the card leaves out ("4 earlier steps ..."), and the line saying so ('' when none). */
  readonly earlierStepCount: number;
  readonly earlierSteps: string;
  /** Teams shows the buttons (by refreshing the card) only to these people. */
  readonly refreshUserIds: readonly string[];
}

/** What a turn adds to the case card it answers with: a headline, and a notice of what just happened. */
export interface CaseCardMessage {
  readonly headline?: string;
  readonly notice?: string;
  readonly noticeStyle?: MessageStyle;
}

/** A case card shows at most this many steps; the rest are counted ("n earlier steps"). */
export const HISTORY_SHOWN = 5;
/** Headlines and notices are a sentence or two; anything longer is cut so the case itself keeps its room. */
const NOTICE_SHOWN = 300;

/**
 * The history part of a case card: the latest {@link HISTORY_SHOWN} of the snapshot's steps, newest first,
 * and a count of the rest (`earlierInSnapshot` are those the snapshot itself no longer holds).
 */
export function historyLines<Step>(
  steps: readonly Step[], earlierInSnapshot: number, line: (step: Step) => HistoryLine,
): Pick<CaseCardBase, 'history' | 'earlierStepCount' | 'earlierSteps'> {
  const shown = steps.slice(-HISTORY_SHOWN).reverse().map(line);
  return withEarlierSteps(shown, earlierInSnapshot + Math.max(0, steps.length - HISTORY_SHOWN));
}

function withEarlierSteps(history: readonly HistoryLine[], count: number): Pick<CaseCardBase, 'history' | 'earlierStepCount' | 'earlierSteps'> {
  const earlierSteps = count === 0 ? ''
    : `${count} earlier step${count === 1 ? '' : 's'} not shown: every step is kept in the case's audit trail.`;
  return { history, earlierStepCount: count, earlierSteps };
}

/** The headline and notice a case card shows, cut to a sentence or two. */
export function messageLines(extras: CaseCardMessage): Pick<CaseCardBase, 'headline' | 'notice' | 'noticeStyle'> {
  return { headline: clipText(extras.headline ?? '', NOTICE_SHOWN), notice: clipText(extras.notice ?? '', NOTICE_SHOWN), noticeStyle: extras.noticeStyle ?? 'attention' };
}

/** `text` cut to at most `max` characters, never inside a surrogate pair, marked with an ellipsis when cut. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}…`;
}

function isCaseCardView(view: object): view is CaseCardBase {
  const candidate = view as Partial<CaseCardBase>;
  return Array.isArray(candidate.history) && typeof candidate.earlierStepCount === 'number';
}

/**
 * A smaller version of a view model whose card is `excessBytes` too big, or undefined when there is nothing
 * sensible left to cut. A case card first shows fewer steps (the oldest shown goes, and is counted); then
 * the longest text is cut (only with every text near its maximum and in three-byte characters).
 */
export function shortenView(view: object, excessBytes: number): object | undefined {
  if (isCaseCardView(view) && view.history.length > 0) {
    return { ...view, ...withEarlierSteps(view.history.slice(0, -1), view.earlierStepCount + 1) };
  }
  const longest = longestText(view);
  if (!longest || longest.text.length <= LONGEST_KEPT) return undefined;
  // A character takes at most three bytes in the card's JSON once lone surrogates are gone (free-text.ts).
  const cut = clipText(longest.text, Math.max(LONGEST_KEPT, longest.text.length - Math.ceil(excessBytes / 3) - 1));
  return replaceAt(view, longest.path, cut) as object;
}

/** Texts this short are never cut: the card is then too big for another reason, which tests must catch. */
const LONGEST_KEPT = 200;

type Path = readonly (string | number)[];

function longestText(node: unknown, path: Path = []): { text: string; path: Path } | undefined {
  if (typeof node === 'string') return { text: node, path };
  if (typeof node !== 'object' || node === null) return undefined;
  let best: { text: string; path: Path } | undefined;
  for (const [key, child] of Object.entries(node)) {
    const found = longestText(child, [...path, Array.isArray(node) ? Number(key) : key]);
    if (found && (!best || found.text.length > best.text.length)) best = found;
  }
  return best;
}

function replaceAt(node: unknown, path: Path, value: string): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(node)) return node.map((child, i) => (i === head ? replaceAt(child, rest, value) : child));
  const record = node as Record<string, unknown>;
  return { ...record, [String(head)]: replaceAt(record[String(head)], rest, value) };
}
