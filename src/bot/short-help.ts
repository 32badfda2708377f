import type { AdaptiveCardJson, CardRenderer } from '../cards/render';
import type { Actor } from '../domain/people';
import { buttonsFor, helpFor, HelpLine } from './welcome';

/** What someone most often needs, in a few lines: not the full "help" list. */
const SHORT_HELP: readonly HelpLine[] = [
  { command: 'report abuse', purpose: 'Threats, abuse or harassment through social media. Confidential.' },
  { command: 'request access', purpose: 'Business access to a social media site.' },
  { command: 'my actions', purpose: 'What waits for you, soonest due first ("my cases" for everything).' },
  { command: 'policy', purpose: 'The rules for staff on social media.' },
  { command: 'issue takedown', purpose: 'Ask a member of staff to remove a post.', role: 'comms' },
  { command: 'takedowns', purpose: 'Open takedown notices.', role: 'comms' },
  { command: 'incidents', purpose: 'The open AINM records.', role: 'incident' },
];

/** The lines this person may use: team-only commands only for the team. */
export function shortHelpFor(actor: Actor): readonly { command: string; purpose: string }[] {
  return helpFor(actor, SHORT_HELP);
}

/** The answer to a message nothing could place: a short list of what this person can do. */
export function notUnderstoodCard(renderer: CardRenderer, actor: Actor): AdaptiveCardJson {
  return renderer.render('welcome', {
    greeting: 'I didn\'t recognise that. Here is what I can do: tell me in your own words, like "I\'m being harassed on Facebook", or type one of these ("help" shows everything).',
    commands: shortHelpFor(actor),
    buttons: buttonsFor(actor),
  });
}
