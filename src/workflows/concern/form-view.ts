import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson, CardRenderer } from '../../cards/render';
import type { Directory, DirectoryPerson } from '../../directory/directory';
import { MAX_CHOICES, personChoice } from '../../directory/people-choices';
import { LINK_MAX } from '../../domain/links';
import type { Actor } from '../../domain/people';
import { PLATFORM_LABELS, PLATFORMS } from '../../domain/platforms';
import type { ConcernFormInput } from './form';
import { ABOUT_LABELS } from './labels';
import { ABOUT, WORRY_MAX } from './model';

type Field = keyof ConcernFormInput;
const FIELDS: readonly Field[] = ['link', 'platform', 'platformOther', 'worry', 'about', 'colleague', 'colleagueSearch'];
/** Typed-back values are bounded field by field, so a hostile submit cannot make the card it gets back huge. */
const MAX_SHOWN: Readonly<Record<Field, number>> = {
  link: LINK_MAX, platform: 40, platformOther: 100, worry: WORRY_MAX, about: 40, colleague: 200, colleagueSearch: 200,
};

/** A line above the form saying why this form and not another ("Communications Team only"). */
export interface FormLead {
  readonly title: string;
  readonly message: string;
}

/** Said above the form to a member of staff who asks for a takedown notice: only Comms issues them (Appendix 1, section 7). */
export const TAKEDOWN_IS_COMMS_ONLY: FormLead = {
  title: 'Communications Team only',
  message: 'Only the Communications Team issues and follows takedown notices. Tell them about the post here.',
};

export interface ConcernFormOptions {
  readonly input?: ConcernFormInput;
  readonly errors?: Readonly<Record<string, string>>;
  readonly formId?: string;
  readonly lead?: FormLead;
}

/** The data bound to `cards/concern-form.json`. */
export function concernFormView(view: ConcernFormOptions & { actor: Actor; formId: string; people: readonly DirectoryPerson[] }) {
  const raw = view.input ?? {};
  const values = Object.fromEntries(FIELDS.map((field) => [field, typeof raw[field] === 'string' ? String(raw[field]).slice(0, MAX_SHOWN[field]) : ''])) as Record<Field, string>;
  return {
    formId: view.formId,
    lead: { title: view.lead?.title ?? '', message: view.lead?.message ?? '' },
    notice: view.errors && Object.keys(view.errors).length > 0 ? 'Please check the highlighted fields: nothing has been sent yet.' : '',
    platformChoices: PLATFORMS.map((value) => ({ title: PLATFORM_LABELS[value], value })),
    aboutChoices: ABOUT.map((value) => ({ title: ABOUT_LABELS[value], value })),
    colleagueChoices: view.people.filter((person) => person.id !== view.actor.id).slice(0, MAX_CHOICES).map(personChoice),
    values,
    errors: Object.fromEntries(FIELDS.map((field) => [field, view.errors?.[field] ?? ''])) as Record<Field, string>,
  };
}

/**
 * The concern form for `actor`, under a new token unless one is given. Exported for the other ways in: a
 * member of staff asking for a takedown notice, and free text about a post (src/bot/understood.ts).
 */
export async function concernFormCard(
  tools: { readonly renderer: CardRenderer; readonly directory: Directory }, actor: Actor, options: ConcernFormOptions = {},
): Promise<AdaptiveCardJson> {
  // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
  return tools.renderer.render('concern-form', concernFormView({ ...options, actor, formId: options.formId ?? randomUUID(), people: await tools.directory.everyone() }));
}
