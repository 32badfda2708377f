import { randomUUID } from 'node:crypto';
import type { AdaptiveCardJson } from '../../cards/render';
import type { CaseAction, WorkflowTools } from '../../cases/definition';
import type { AccessRequestFormInput } from './form';
import { accessRequestFormView } from './form-view';
import type { AccessRequest } from './model';

export interface FormOptions {
  readonly input?: AccessRequestFormInput;
  readonly errors?: Readonly<Record<string, string>>;
  readonly editing?: AccessRequest;
  readonly formId?: string;
}

/** The request form for `action.actor`, new or filled in; a new form token unless one is given. */
export function accessRequestForm(tools: WorkflowTools) {
  return async (action: Pick<CaseAction, 'actor' | 'now'>, options: FormOptions = {}): Promise<AdaptiveCardJson> => {
    // `options` first: an explicit `formId: undefined` in them must not take the new token's place.
    const view = accessRequestFormView({
      ...options, actor: action.actor, today: tools.workingTime.londonDate(action.now), formId: options.formId ?? randomUUID(),
      people: await tools.directory.everyone(),
    });
    return tools.renderer.render('access-request-form', view);
  };
}
