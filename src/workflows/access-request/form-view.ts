import { PLATFORMS as ACCESS_SITES } from '../../domain/platforms';
import { PLATFORM_LABELS as SITE_LABELS } from '../../domain/platforms';
import type { DirectoryPerson } from '../../directory/directory';
import { lineManagerOf, managerChoices } from '../../directory/people-choices';
import type { Actor } from '../../domain/people';
import { isCalendarDate } from '../../domain/calendar-date';
import { AccessRequestFormInput, defaultPeriod, BUSINESS_CASE_MAX, OTHER_SITE_MAX } from './form';
import { KIND_LABELS } from './labels';
import { AccessRequest, APPROVER_REASON_MAX } from './model';

/** The data bound to `cards/access-request-form.json`. */
export interface AccessRequestFormView {
  readonly title: string;
  readonly notice: string;
  readonly managerComment: string;
  readonly managerCommentTitle: string;
  readonly formId: string;
  readonly reference: string;
  readonly submitVerb: 'accessRequest.submit' | 'accessRequest.resubmit';
  readonly submitTitle: string;
  readonly today: string;
  readonly siteChoices: readonly Choice[];
  readonly kindChoices: readonly Choice[];
  readonly approverChoices: readonly Choice[];
  readonly approverHint: string;
  readonly values: Readonly<Record<FormField, string>>;
  readonly errors: Readonly<Record<FormField, string>>;
}

interface Choice { readonly title: string; readonly value: string }
type FormField = 'sites' | 'otherSite' | 'kind' | 'businessCase' | 'startDate' | 'endDate' | 'approver' | 'approverReason' | 'ackPolicy' | 'ackMonitoring';
const FIELDS: readonly FormField[] = ['sites', 'otherSite', 'kind', 'businessCase', 'startDate', 'endDate', 'approver', 'approverReason', 'ackPolicy', 'ackMonitoring'];

export interface FormViewInput {
  readonly actor: Actor;
  readonly today: string;
  readonly formId: string;
  readonly people: readonly DirectoryPerson[];
  /** Raw values to show again after a failed check, or a request's values when editing. */
  readonly input?: AccessRequestFormInput;
  readonly errors?: Readonly<Record<string, string>>;
  /** Set when editing a request sent back for more information. */
  readonly editing?: AccessRequest;
}

export function accessRequestFormView(view: FormViewInput): AccessRequestFormView {
  const manager = lineManagerOf(view.people, view.actor);
  const raw = view.input ?? (view.editing ? inputFromRequest(view.editing) : {});
  const values = Object.fromEntries(FIELDS.map((field) => [field, stringValue(raw[field], field)])) as Record<FormField, string>;
  values.startDate ||= view.today;
  values.endDate ||= isCalendarDate(values.startDate) ? defaultPeriod(values.startDate).endDate : defaultPeriod(view.today).endDate;
  values.approver ||= manager?.id ?? '';
  const lastAsk = view.editing && [...view.editing.history].reverse().find((step) => step.action === 'MoreInformationRequested');
  return {
    title: view.editing ? `Edit your request ${view.editing.reference}` : 'Request social media access',
    notice: view.errors && Object.keys(view.errors).length > 0 ? 'Please check the highlighted fields: nothing has been sent yet.' : '',
    managerComment: lastAsk?.comment ?? '',
    managerCommentTitle: lastAsk ? `${lastAsk.by.name} asked for more information:` : '',
    formId: view.formId,
    reference: view.editing?.reference ?? '',
    submitVerb: view.editing ? 'accessRequest.resubmit' : 'accessRequest.submit',
    submitTitle: view.editing ? 'Resubmit' : 'Send to approver',
    today: view.today,
    siteChoices: ACCESS_SITES.map((site) => ({ title: SITE_LABELS[site], value: site })),
    kindChoices: (['view', 'post'] as const).map((kind) => ({ title: KIND_LABELS[kind], value: kind })),
    approverChoices: managerChoices(view.people, view.actor),
    approverHint: manager
      ? `Filled in from the staff directory: your line manager is ${manager.name}. You can choose someone else.`
      : 'Your line manager is not in the staff directory: choose them from the list.',
    values,
    errors: Object.fromEntries(FIELDS.map((field) => [field, view.errors?.[field] ?? ''])) as Record<FormField, string>,
  };
}

function inputFromRequest(request: AccessRequest): AccessRequestFormInput {
  return {
    ...request.details, sites: request.details.sites.join(','), approver: request.approver.id, approverReason: request.approverReason ?? '', ackPolicy: 'true', ackMonitoring: 'true',
  };
}

const MAX_SHOWN: Readonly<Record<FormField, number>> = {
  sites: 200, otherSite: OTHER_SITE_MAX * 2, kind: 10, businessCase: BUSINESS_CASE_MAX * 2,
  startDate: 10, endDate: 10, approver: 100, approverReason: APPROVER_REASON_MAX * 2, ackPolicy: 5, ackMonitoring: 5,
};

/** Shows back what the person typed, as text, bounded: the card stays small whatever was sent. */
function stringValue(value: unknown, field: FormField): string {
  // Only text items of a list: an object item may have no String() at all (an own `toString` that is not a function).
  const text = Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string').join(',')
    : typeof value === 'string' || typeof value === 'boolean' ? String(value) : '';
  return text.slice(0, MAX_SHOWN[field]);
}
