import { LINK_MAX } from '../../domain/links';
import { PLATFORM_LABELS, PLATFORMS } from '../../domain/platforms';
import type { LogPostFormInput } from './form';
import { KIND_LABELS } from './labels';
import { HANDLE_MAX, POST_KINDS, SUMMARY_MAX } from './model';

type Field = keyof LogPostFormInput;
const FIELDS: readonly Field[] = ['platform', 'platformOther', 'link', 'postedOn', 'postedTime', 'kind', 'summary', 'handle'];
/** Typed-back values are bounded field by field, so a hostile submit cannot make the card it gets back huge. */
const MAX_SHOWN: Readonly<Record<Field, number>> = {
  platform: 40, platformOther: 100, link: LINK_MAX + 1, postedOn: 40, postedTime: 40, kind: 40, summary: SUMMARY_MAX + 1, handle: HANDLE_MAX + 1,
};

/** The data bound to `cards/customer-post-form.json`; the date and time start as now, in London. */
export function logPostFormView(view: {
  formId: string; today: string; timeNow: string; input?: LogPostFormInput; errors?: Readonly<Record<string, string>>;
}) {
  const raw = view.input ?? {};
  const values = Object.fromEntries(FIELDS.map((field) => [field, typeof raw[field] === 'string' ? String(raw[field]).slice(0, MAX_SHOWN[field]) : ''])) as Record<Field, string>;
  values.postedOn ||= view.today;
  values.postedTime ||= view.timeNow;
  return {
    formId: view.formId,
    today: view.today,
    notice: view.errors && Object.keys(view.errors).length > 0 ? 'Please check the highlighted fields: nothing has been recorded yet.' : '',
    platformChoices: PLATFORMS.map((value) => ({ title: PLATFORM_LABELS[value], value })),
    kindChoices: POST_KINDS.map((value) => ({ title: KIND_LABELS[value], value })),
    values,
    errors: Object.fromEntries(FIELDS.map((field) => [field, view.errors?.[field] ?? ''])) as Record<Field, string>,
  };
}
