import type { TeamRole } from '../domain/people';

/**
 * What the directory sync reads from Entra ID (DIRECTORY_SYNC=entra, src/config.ts): whose people (everyone, one
 * department, or the members of one group) and which Entra group gives each team role. A role with no group
 * keeps what the directory already says (e.g. from the seed file), so roles can move to Entra one at a time.
 */
export interface DirectorySyncSettings {
  readonly filter?: { readonly department: string } | { readonly groupId: string };
  readonly roleGroups: Readonly<Partial<Record<TeamRole, string>>>;
}

/** Entra object ids are GUIDs: group ids in the settings must be one. */
export const ENTRA_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A person id from Graph, checked before it becomes a table key or part of a Graph path: letters, digits and dashes
 * only (a GUID in Entra; the seed file's ids are the same shape). Anything else is a record the sync cannot use.
 */
export const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
