import type { DirectoryPerson } from '../../directory/directory';
import { MAX_CHOICES, personChoice } from '../../directory/people-choices';
import type { Actor } from '../../domain/people';
import type { InfoRequestFormInput } from './form';
import { DEFAULT_DUE, DUE_CHOICE_SET } from '../../domain/due-choices';
import { QUESTION_MAX } from './model';

type Field = 'question' | 'colleague' | 'colleagueSearch' | 'due';
const FIELDS: readonly Field[] = ['question', 'colleague', 'colleagueSearch', 'due'];
/** Typed-back values are bounded field by field, so a hostile submit cannot make the card it gets back huge. */
const MAX_SHOWN: Readonly<Record<Field, number>> = { question: QUESTION_MAX, colleague: 200, colleagueSearch: 200, due: 40 };

/** The data bound to `cards/info-request-form.json`; `about` and `link` are already checked, and go back with the form. */
export function infoRequestFormView(view: {
  actor: Actor; formId: string; people: readonly DirectoryPerson[]; about: string; link?: string;
  input?: InfoRequestFormInput; errors?: Readonly<Record<string, string>>;
}) {
  const raw = view.input ?? {};
  const values = Object.fromEntries(FIELDS.map((field) => [field, typeof raw[field] === 'string' ? String(raw[field]).slice(0, MAX_SHOWN[field]) : ''])) as Record<Field, string>;
  values.due ||= DEFAULT_DUE;
  return {
    formId: view.formId,
    about: view.about,
    link: view.link ?? '',
    notice: view.errors && Object.keys(view.errors).length > 0 ? 'Please check the highlighted fields: nothing has been sent yet.' : '',
    colleagueChoices: view.people.filter((person) => person.id !== view.actor.id).slice(0, MAX_CHOICES).map(personChoice),
    dueChoices: DUE_CHOICE_SET,
    values,
    errors: Object.fromEntries(FIELDS.map((field) => [field, view.errors?.[field] ?? ''])) as Record<Field, string>,
  };
}
