import { PLATFORM_LABELS, PLATFORMS } from '../../domain/platforms';
import type { DirectoryPerson } from '../../directory/directory';
import { MAX_CHOICES, personChoice } from '../../directory/people-choices';
import type { Actor } from '../../domain/people';
import { EXPLANATION_MAX, TakedownFormInput } from './form';
import { CLAUSE_LABELS } from './labels';
import { DEFAULT_DUE, DUE_CHOICE_SET } from '../../domain/due-choices';
import { CLAUSES } from './model';

type Field = keyof TakedownFormInput;
const FIELDS: readonly Field[] = ['recipient', 'recipientSearch', 'link', 'platform', 'platformOther', 'clauses', 'explanation', 'deadline'];
/** Typed-back values are bounded field by field, so a hostile submit cannot make the card it gets back huge. */
const MAX_SHOWN: Readonly<Record<Field, number>> = {
  recipient: 200, recipientSearch: 200, link: 1000, platform: 40, platformOther: 100, clauses: 400, explanation: EXPLANATION_MAX, deadline: 40,
};

/** The data bound to `cards/takedown-form.json`. */
export function takedownFormView(view: {
  actor: Actor; formId: string; people: readonly DirectoryPerson[]; input?: TakedownFormInput; errors?: Readonly<Record<string, string>>;
}) {
  const raw = view.input ?? {};
  const values = Object.fromEntries(FIELDS.map((field) => [field, typeof raw[field] === 'string' ? String(raw[field]).slice(0, MAX_SHOWN[field]) : ''])) as Record<Field, string>;
  values.deadline ||= DEFAULT_DUE;
  return {
    formId: view.formId,
    notice: view.errors && Object.keys(view.errors).length > 0 ? 'Please check the highlighted fields: nothing has been sent yet.' : '',
    recipientChoices: view.people.filter((person) => person.id !== view.actor.id).slice(0, MAX_CHOICES).map(personChoice),
    platformChoices: PLATFORMS.map((value) => ({ title: PLATFORM_LABELS[value], value })),
    clauseChoices: CLAUSES.map((value) => ({ title: CLAUSE_LABELS[value], value })),
    deadlineChoices: DUE_CHOICE_SET,
    values,
    errors: Object.fromEntries(FIELDS.map((field) => [field, view.errors?.[field] ?? ''])) as Record<Field, string>,
  };
}
