import type { Effect } from '../../domain/effects';
import { samePerson } from '../../domain/people';
import { platformName } from '../../domain/platforms';
import { outcomeForRaiser } from './labels';
import type { Concern, ConcernEvent } from './model';

/**
 * Who is told what after each event: the Communications Team when a concern is raised (its raiser aside, if one
 * of them), the raiser when the team has dealt with it, in general terms (labels.ts `outcomeForRaiser`). An answer
 * from a colleague tells nobody: its own request tells the asker, and the cards already shown are updated.
 */
export function concernEffects(events: readonly ConcernEvent[], _before: Concern | undefined, after: Concern): Effect[] {
  return events.flatMap((event) => effectsOf(event, after));
}

function effectsOf(event: ConcernEvent, concern: Concern): Effect[] {
  switch (event.type) {
    case 'ConcernRaised': {
      const where = platformName(concern.details.platform, concern.details.platformOther);
      return [{ kind: 'notify', to: { role: 'comms', except: [concern.raiser.id] }, headline: `${concern.raiser.name} raised a concern about a post on ${where}.` }];
    }
    case 'ReferredToTakedown':
    case 'ReferredToCustomerPost':
    case 'ModerationRecorded':
    case 'AbuseReportSuggested':
    case 'ClosedWithoutAction':
      // A team member who raised it and dealt with it themselves needs no telling.
      if (concern.state === 'raised' || samePerson(event.by, concern.raiser)) return [];
      return [{ kind: 'notify', to: { person: concern.raiser }, headline: outcomeForRaiser(concern.state, concern.reason) }];
    case 'InformationReceived':
      return [];
  }
}
