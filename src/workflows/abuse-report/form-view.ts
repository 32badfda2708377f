import { LINK_MAX } from '../../domain/links';
import { PLATFORM_LABELS, PLATFORMS } from '../../domain/platforms';
import type { DirectoryPerson } from '../../directory/directory';
import { lineManagerOf, managerChoices, PersonChoice } from '../../directory/people-choices';
import type { Actor } from '../../domain/people';
import { AbuseReportFormInput, DESCRIPTION_MAX } from './form';
import { CATEGORY_LABELS, SOURCE_LABELS } from './labels';
import { CATEGORIES, SOURCES } from './model';

type Field = keyof AbuseReportFormInput;
const FIELDS: readonly Field[] = [
  'category', 'source', 'platform', 'platformOther', 'links', 'happenedOn', 'description', 'immediateDanger', 'wantsSupport', 'manager', 'managerSearch',
];
/** Typed-back values are bounded field by field, so a hostile submit can't make the card it gets back huge. */
const MAX_SHOWN: Readonly<Record<Field, number>> = {
  category: 40, source: 40, platform: 40, platformOther: 100, links: 5 * (LINK_MAX + 1), happenedOn: 40, description: DESCRIPTION_MAX,
  immediateDanger: 10, wantsSupport: 10, manager: 200, managerSearch: 200,
};

/** The data bound to `cards/abuse-report-form.json`. */
export interface AbuseReportFormView {
  readonly formId: string;
  /** The form's own 999 line: left out when the safety card (999 first) was sent just above it, so it is said once. */
  readonly dangerLine: boolean;
  readonly today: string;
  readonly notice: string;
  readonly categoryChoices: readonly PersonChoice[];
  readonly sourceChoices: readonly PersonChoice[];
  readonly platformChoices: readonly PersonChoice[];
  readonly managerChoices: readonly PersonChoice[];
  readonly managerHint: string;
  readonly values: Readonly<Record<Field, string>>;
  readonly errors: Readonly<Record<Field, string>>;
}

export function abuseReportFormView(view: {
  actor: Actor; today: string; formId: string; people: readonly DirectoryPerson[];
  input?: AbuseReportFormInput; errors?: Readonly<Record<string, string>>; safetyCardAbove?: boolean;
}): AbuseReportFormView {
  const manager = lineManagerOf(view.people, view.actor);
  const raw = view.input ?? {};
  const values = Object.fromEntries(FIELDS.map((field) => [field, typeof raw[field] === 'string' ? String(raw[field]).slice(0, MAX_SHOWN[field]) : ''])) as Record<Field, string>;
  values.happenedOn ||= view.today;
  values.manager ||= manager?.id ?? '';
  values.immediateDanger ||= 'false';
  values.wantsSupport ||= 'false';
  return {
    formId: view.formId,
    dangerLine: !view.safetyCardAbove,
    today: view.today,
    notice: view.errors && Object.keys(view.errors).length > 0 ? 'Please check the highlighted fields: nothing has been sent yet.' : '',
    categoryChoices: CATEGORIES.map((value) => ({ title: CATEGORY_LABELS[value], value })),
    sourceChoices: SOURCES.map((value) => ({ title: SOURCE_LABELS[value], value })),
    platformChoices: PLATFORMS.map((value) => ({ title: PLATFORM_LABELS[value], value })),
    managerChoices: managerChoices(view.people, view.actor),
    managerHint: manager ? `Filled in from the staff directory: your line manager is ${manager.name}.` : 'Your line manager is not in the staff directory: choose them from the list.',
    values,
    errors: Object.fromEntries(FIELDS.map((field) => [field, view.errors?.[field] ?? ''])) as Record<Field, string>,
  };
}
