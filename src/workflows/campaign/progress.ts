import type { RecipientRow, RecipientState } from '../../store/campaign-recipients';
import type { Campaign } from './model';

/** How a campaign stands, as the Communications Team reads it: each recipient once, by where they are. */
export interface CampaignProgress {
  readonly total: number;
  readonly counts: Readonly<Record<RecipientState, number>>;
  /** Sent (or interrupted) and not acknowledged by the due date. */
  readonly overdue: number;
  /** Sends interrupted by an instance that stopped (recorded `failed`, `interrupted`): their reminder is their card. */
  readonly interrupted: number;
  /** Who has no card: not installed or failed (ids; the view names them). */
  readonly notReached: readonly { readonly personId: string; readonly state: RecipientState; readonly detail?: string }[];
}

/** Rows of people only: the fan-out keeps its own marks (`~manager-...`) in the same partition. */
export function personRows<R extends RecipientRow>(rows: readonly R[]): R[] {
  return rows.filter((row) => !row.personId.startsWith('~'));
}

export function tally(campaign: Campaign, rows: readonly RecipientRow[], now: Date): CampaignProgress {
  const people = personRows(rows);
  const counts: Record<RecipientState, number> = { queued: 0, sending: 0, sent: 0, notInstalled: 0, failed: 0, acknowledged: 0 };
  for (const row of people) counts[row.state]++;
  return {
    total: people.length,
    counts,
    overdue: people.filter((row) => isOverdue(campaign, row, now)).length,
    interrupted: people.filter((row) => row.state === 'failed' && row.detail === 'interrupted').length,
    notReached: people.filter((row) => row.state === 'notInstalled' || row.state === 'failed')
      .map((row) => ({ personId: row.personId, state: row.state, ...(row.detail ? { detail: row.detail } : {}) })),
  };
}

/** Not acknowledged once the due date has passed (whatever else: a card not delivered is overdue too). */
export function isOverdue(campaign: Campaign, row: RecipientRow, now: Date): boolean {
  return row.state !== 'acknowledged' && now.getTime() > Date.parse(campaign.dueAt);
}

/** A recipient's state in words (lists, the manager's view, the CSV). */
export const RECIPIENT_STATE_WORDS: Readonly<Record<RecipientState, string>> = {
  queued: 'queued', sending: 'being sent', sent: 'sent, not acknowledged yet', notInstalled: 'not installed (no card)', failed: 'failed (no card)', acknowledged: 'acknowledged',
};
