import type { CaseService } from '../../cases/case-service';
import type { CaseAction } from '../../cases/definition';
import { reject, Rejection } from '../../domain/outcome';
import type { Concern, ConcernCommand } from '../concern/model';
import type { Campaign } from './model';

/**
 * "I have a question" on a policy card becomes a staff concern to the Communications Team (src/workflows/concern),
 * about the policy: they answer it there, and the member of staff hears back as for any concern. Opened once per
 * question form (its token), so a double click raises one.
 */
export function policyQuestions(concerns: () => CaseService<Concern, ConcernCommand> | undefined) {
  return async (action: CaseAction, campaign: Campaign, question: string): Promise<{ readonly reference: string } | Rejection> => {
    const service = concerns();
    if (!service) return reject('invalid', 'Questions cannot be sent just now: ask the Communications Team directly.');
    const worry = `About ${campaign.reference}, version ${campaign.details.policyVersion} of the policy: ${question}`.slice(0, 2000);
    const outcome = await service.open(action, {
      type: 'raise', reference: '', details: { platform: 'other', platformOther: 'Social Media Policy', worry, about: 'policy', link: campaign.details.link },
    });
    if (outcome.kind === 'invalid') return outcome.rejection;
    return outcome.snapshot ? { reference: outcome.snapshot.reference } : reject('invalid', 'Your question is on its way: type "my concerns" in a moment to see it.');
  };
}
