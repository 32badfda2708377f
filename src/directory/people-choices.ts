import type { Person } from '../domain/people';
import type { DirectoryPerson } from './directory';

/**
 * Without a people picker that gives directory ids (the Agents Playground's gives its own, some mobiles have none) this list is the way to choose: keep it short.
 * With titles clipped to CHOICE_TITLE_MAX, the longest list (names in 3-byte characters) takes under 10 KB of a card's 28; Teams' people picker or the form's search box finds anyone else.
 */
export const MAX_CHOICES = 50;
const CHOICE_TITLE_MAX = 40;

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
  return [...(manager ? [manager] : []), ...others].slice(0, MAX_CHOICES).map(personChoice);
}

/** One line of a people list: the name (clipped, so a directory of long names cannot swell the card) and the id. */
export function personChoice(person: DirectoryPerson): PersonChoice {
  const title = person.name.length > CHOICE_TITLE_MAX ? `${person.name.slice(0, CHOICE_TITLE_MAX - 1)}…` : person.name;
  return { title, value: person.id };
}
