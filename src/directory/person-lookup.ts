import type { Directory, DirectoryPerson } from './directory';

/** The field error when neither the people picker nor the list names someone the directory knows. */
export const PERSON_NOT_FOUND = 'I couldn\'t find that person in the staff directory: choose from the list.';

/**
 * The person a form names, from its people picker (`picked`) and its directory list (`listed`).
 *
 * Teams' people picker returns an Entra object id, which is a directory id. Other clients do not: the Agents
 * Playground's picker returns its own mock user id ("user-id-3"), and a client may send a display name. So the
 * picked value wins when the directory knows it by id, or by display name when exactly one person has that name;
 * otherwise the list's value is used when it names someone; otherwise `undefined`, for the caller to show
 * {@link PERSON_NOT_FOUND} next to the field. Never a guess between two people of the same name.
 */
export async function findChosenPerson(directory: Directory, picked: unknown, listed: unknown): Promise<DirectoryPerson | undefined> {
  const pickedValue = clean(picked);
  if (pickedValue) {
    const person = current(await directory.find(pickedValue)) ?? uniqueByName(await directory.everyone(), pickedValue);
    if (person) return person;
  }
  const listedValue = clean(listed);
  return listedValue ? current(await directory.find(listedValue)) : undefined;
}

/** Someone who has left (the directory sync marked them) cannot be chosen: they would never answer. */
function current(person: DirectoryPerson | undefined): DirectoryPerson | undefined {
  return person?.leftAt ? undefined : person;
}

function uniqueByName(people: readonly DirectoryPerson[], name: string): DirectoryPerson | undefined {
  const wanted = name.toLocaleLowerCase('en-GB');
  const matches = people.filter((person) => person.name.trim().toLocaleLowerCase('en-GB') === wanted);
  return matches.length === 1 ? matches[0] : undefined;
}

function clean(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
