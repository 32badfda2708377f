import type { Person, TeamRole } from '../domain/people';

/** A member of staff as the directory knows them: the minimum the workflows need, no contact details. */
export interface DirectoryPerson extends Person {
  readonly managerId?: string;
  readonly roles: readonly TeamRole[];
}

/** Who manages whom and who is in which team (DESIGN.md, "People and roles"); kept in the `directory` table (src/store/directory-table.ts). */
export interface Directory {
  find(id: string): Promise<DirectoryPerson | undefined>;
  membersOf(role: TeamRole): Promise<DirectoryPerson[]>;
  /** Everyone, sorted by name: the fallback for clients without a people picker. */
  everyone(): Promise<DirectoryPerson[]>;
  replaceAll(people: readonly DirectoryPerson[]): Promise<void>;
}
