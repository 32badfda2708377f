import type { Actor, Person } from '../../src/domain/people';

/**
 * The people of the model tests of takedown notices, questions to colleagues, concerns and customer posts: the
 * harness's organisation (test/support/bot-harness.ts) as actors, plus Ria, an administrator outside every team.
 */
export const alex: Actor = { id: 'aad-alex', name: 'Alex Wilber', roles: [] };
export const megan: Actor = { id: 'aad-megan', name: 'Megan Bowen', roles: [] };
export const adele: Actor = { id: 'aad-adele', name: 'Adele Vance', roles: ['comms'] };
export const patti: Actor = { id: 'aad-patti', name: 'Patti Fernandez', roles: ['comms', 'admin'] };
export const isaiah: Actor = { id: 'aad-isaiah', name: 'Isaiah Langer', roles: ['incident'] };
export const ria: Actor = { id: 'aad-ria', name: 'Ria Admin', roles: ['admin'] };
export const stranger: Actor = { id: 'aad-stranger', name: 'Sam Stranger', roles: [] };

/** Someone as events and snapshots name them: id and name, no roles. */
export const person = ({ id, name }: Person): Person => ({ id, name });
