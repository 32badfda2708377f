import type { AdaptiveCardJson, CardRenderer } from '../cards/render';
import type { HelpLine } from '../cases/definition';
import { Actor, hasRole, TeamRole } from '../domain/people';
import { WORKFLOWS } from '../workflows';

export type { HelpLine };

/**
 * What the bot can do, as typed commands: shown on install and by "help", each person seeing what their roles
 * allow. The bot's own lines around each workflow's (its module's `help`), in the order of src/workflows/index.ts.
 */
export const COMMAND_HELP: readonly HelpLine[] = [
  { command: 'my actions', purpose: 'Everything waiting for you: approvals, sign-offs, acknowledgements and takedown replies, soonest due first.' },
  { command: 'approvals', purpose: 'The same list as "my actions": what waits for your decision.' },
  ...WORKFLOWS.flatMap((module) => module.help?.full ?? []),
  { command: 'my cases', purpose: 'Everything you have a part in: requests, reports and notices.' },
  { command: 'out of office', purpose: 'Choose who acts for you while you are away: new requests and alerts go to them until a date.' },
  { command: 'AR-2026-00001', purpose: 'Open a case by its reference.' },
  { command: 'help', purpose: 'Show this list again.' },
];

interface MenuButton {
  readonly title: string;
  readonly verb: string;
}

const MY_ACTIONS: MenuButton = { title: 'My actions', verb: 'menu.myActions' };
const REPORT_ABUSE: MenuButton = { title: 'Report abuse', verb: 'menu.reportAbuse' };

/** The four things each kind of person most does, first role first: a team's own work before staff's. */
const BUTTONS: readonly { readonly role?: TeamRole; readonly buttons: readonly MenuButton[] }[] = [
  { role: 'comms', buttons: [MY_ACTIONS, { title: 'Issue takedown', verb: 'menu.issueTakedown' }, { title: 'Takedowns', verb: 'menu.takedowns' }, REPORT_ABUSE] },
  { role: 'incident', buttons: [MY_ACTIONS, { title: 'Incidents', verb: 'menu.incidents' }, REPORT_ABUSE, { title: 'My cases', verb: 'menu.myCases' }] },
  { buttons: [MY_ACTIONS, REPORT_ABUSE, { title: 'Request access', verb: 'menu.requestAccess' }, { title: 'My cases', verb: 'menu.myCases' }] },
];

/** The help lines this person may use: team-only commands only for the team. Without a person (unknown), everyone's. */
export function helpFor(actor: Actor | undefined, lines: readonly HelpLine[] = COMMAND_HELP): readonly { command: string; purpose: string }[] {
  return lines.filter((line) => !line.role || (actor !== undefined && hasRole(actor, line.role))).map(({ command, purpose }) => ({ command, purpose }));
}

/** The welcome buttons for this person's roles. */
export function buttonsFor(actor: Actor | undefined): readonly MenuButton[] {
  const fitting = BUTTONS.find((set) => !set.role || (actor !== undefined && hasRole(actor, set.role)));
  return fitting?.buttons ?? [];
}

/** Install and "help": greets the person by name, with what their roles allow. */
export function welcomeCard(renderer: CardRenderer, actor: Actor | undefined, intro?: string): AdaptiveCardJson {
  const greeting = intro ?? (actor ? `Hello ${actor.name}.` : 'Hello.');
  return renderer.render('welcome', { greeting, commands: helpFor(actor), buttons: buttonsFor(actor) });
}
