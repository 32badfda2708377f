import type { AdaptiveCardJson, CardRenderer } from '../cards/render';
import type { Actor } from '../domain/people';
import type { HelpLine } from '../cases/definition';
import { WORKFLOWS } from '../workflows';
import { buttonsFor, helpFor } from './welcome';

/** What someone most often needs, in a few lines: not the full "help" list. */
const WORKFLOW_LINES = WORKFLOWS.flatMap((module) => module.help?.short ?? []);
const SHORT_HELP: readonly HelpLine[] = [
  ...WORKFLOW_LINES.filter((line) => !line.role),
  { command: 'my actions', purpose: 'What waits for you, soonest due first ("my cases" for everything).' },
  { command: 'policy', purpose: 'The rules for staff on social media.' },
  ...WORKFLOW_LINES.filter((line) => line.role),
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
