import type { Person } from '../domain/people';
import type { DirectoryPerson } from './directory';

/** Without a people picker (Agents Playground, some mobiles) this list is the way to choose: keep it short. */
const MAX_CHOICES = 150;

export interface PersonChoice {
  readonly title: string;
  readonly value: string;
}

/** The person's line manager from the directory, if it knows one. */
export function lineManagerOf(people: readonly DirectoryPerson[], person: Person): DirectoryPerson | undefined {
  const me = people.find((candidate) => candidate.id === person.id);
  return me?.managerId ? people.find((candidate) => candidate.id === me.managerId) : undefined;
}

/** Everyone but the person themselves, their line manager first: the fallback for Teams' people picker. */
export function managerChoices(people: readonly DirectoryPerson[], person: Person): PersonChoice[] {
  const manager = lineManagerOf(people, person);
  const others = people.filter((candidate) => candidate.id !== person.id && candidate.id !== manager?.id);
  return [...(manager ? [manager] : []), ...others].slice(0, MAX_CHOICES).map((candidate) => ({ title: candidate.name, value: candidate.id }));
}
