import type { Person, TeamRole } from '../domain/people';

/** A member of staff as the directory knows them: the minimum the workflows need, no contact details. */
export interface DirectoryPerson extends Person {
  readonly managerId?: string;
  readonly roles: readonly TeamRole[];
  /** From Entra ID (the directory sync): for campaigns to one department. */
  readonly department?: string;
  /**
   * When the directory sync found their account disabled or gone (ISO instant). A leaver is kept, not deleted, so
   * their cases still show their name; they hold no roles and are in no list or people picker.
   */
  readonly leftAt?: string;
}

/** Who manages whom and who is in which team (DESIGN.md, "People and roles"); kept in the `directory` table (src/store/directory-table.ts). */
export interface Directory {
  /** Anyone the directory knows, leavers included (`leftAt`): cases still show their names. */
  find(id: string): Promise<DirectoryPerson | undefined>;
  /** Members of a team, never leavers. */
  membersOf(role: TeamRole): Promise<DirectoryPerson[]>;
  /** Everyone but leavers, sorted by name: the fallback for clients without a people picker. */
  everyone(): Promise<DirectoryPerson[]>;
  replaceAll(people: readonly DirectoryPerson[]): Promise<void>;
}
