import type { AdaptiveCardJson, CardRenderer } from '../cards/render';

/** What the bot can do, as typed commands: shown on install and by "help". */
export const COMMAND_HELP: readonly { command: string; purpose: string }[] = [
  { command: 'request access', purpose: 'Ask your line manager for business access to a social media site, with a business case.' },
  { command: 'my requests', purpose: 'See your access requests and where each one is.' },
  { command: 'approvals', purpose: 'See the requests waiting for your decision.' },
  { command: 'report abuse', purpose: 'Report threats, abuse or harassment you received through social media, or a safeguarding concern. Confidential; support is offered.' },
  { command: 'my reports', purpose: 'See your reports and where each one is.' },
  { command: 'incidents', purpose: 'Incident team: the open AINM records.' },
  { command: 'export', purpose: 'Incident team: the AINM register as a CSV file in your OneDrive ("export register 2026-01-01 2026-06-30 json" for other dates or JSON).' },
  { command: 'issue takedown', purpose: 'Communications Team: ask a member of staff to remove a post that breaches the policy.' },
  { command: 'takedowns', purpose: 'Communications Team: open takedown notices and the working time left.' },
  { command: 'my cases', purpose: 'Everything you have a part in: requests, reports and notices.' },
  { command: 'AR-2026-00001', purpose: 'Open a case by its reference.' },
  { command: 'help', purpose: 'Show this list again.' },
];

export function welcomeCard(renderer: CardRenderer, name: string | undefined, intro?: string): AdaptiveCardJson {
  const greeting = intro ?? (name ? `Hello ${name}.` : 'Hello.');
  return renderer.render('welcome', { greeting, commands: COMMAND_HELP });
}
