import type { AdaptiveCardJson } from '../cards/render';

/** A person as Teams addresses them: their Entra object id, and the Teams user id (MRI, `29:...`) when known. */
export interface TeamsUser {
  readonly aadObjectId?: string;
  readonly mri?: string;
}

/**
 * Views name who sees a case card's buttons by directory id (the person's Entra object id); Teams documents
 * `refresh.userIds` as user MRIs, the id the person has in the chat. A card goes to one person at a time, so the
 * only id it can carry is that person's MRI, and only if the view meant them; otherwise no one is named (Teams
 * then offers the card's manual refresh instead of running it on its own).
 */
export function addressRefreshTo(card: AdaptiveCardJson, user: TeamsUser): AdaptiveCardJson {
  const refresh = card.refresh;
  if (!refresh || typeof refresh !== 'object') return card;
  const { userIds, ...rest } = refresh as Record<string, unknown>;
  const meant = Array.isArray(userIds) && user.aadObjectId !== undefined && userIds.includes(user.aadObjectId);
  return { ...card, refresh: meant && user.mri ? { ...rest, userIds: [user.mri] } : rest };
}
