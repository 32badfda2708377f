/* eslint-disable @typescript-eslint/no-explicit-any -- lists of workflows mix every workflow's own types */
import type { AdaptiveCardJson, CardRenderer } from '../cards/render';
import type { MessageStyle } from '../cards/case-card';
import type { CaseWorkflow } from '../domain/decider';
import type { CardLocation } from '../domain/effects';
import type { Rejection } from '../domain/outcome';
import type { Actor, TeamRole } from '../domain/people';
import type { WorkingTime } from '../domain/working-time';
import type { Delegations } from '../directory/delegation';
import type { Directory } from '../directory/directory';
import type { Logger } from '../logger';
import type { Inbox, InboxEntry } from '../store/inbox';
import type { StagedEvidence, StagedFile } from '../store/staged-evidence';
import type { CaseService } from './case-service';
import type { CasePresenter } from './presenter';

/** What every workflow event carries: its kind, when, and by whom (the audit trail). */
export type WorkflowEvent = { readonly type: string; readonly at: string; readonly by: { readonly id: string } };

/**
 * A card button press or a typed command, as a workflow sees it: who (from the directory, never from card
 * data), when, what was pressed, and the card's inputs, all untrusted. The Teams folder builds it.
 */
export interface CaseAction {
  readonly actor: Actor;
  readonly now: Date;
  /** The card verb, or `message` for a typed command: for refusal log lines, never the text itself. */
  readonly verb: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The clicked card's place, from the activity itself; undefined for a typed command. */
  readonly origin?: CardLocation;
}

/**
 * A card sent as a message of its own, leaving the clicked card as it is: a form opened from a case card (the case
 * keeps its card; the form's message becomes the new case's). `toast`: what Teams shows for a moment.
 */
export interface NewMessage {
  readonly newMessage: AdaptiveCardJson;
  readonly toast: string;
}

export function isNewMessage(answer: AdaptiveCardJson | NewMessage): answer is NewMessage {
  return 'newMessage' in answer && 'toast' in answer;
}

/** Answers one card verb with the card that replaces the clicked one (or is sent, for a typed command). */
export type CaseActionHandler = (action: CaseAction) => Promise<AdaptiveCardJson | NewMessage>;

/** What a case card says about the step just taken, the same words for every workflow. */
export interface StepMessage {
  readonly headline?: string;
  readonly notice?: string;
  readonly noticeStyle?: MessageStyle;
  /** A refused step's problems, next to their inputs. */
  readonly fieldErrors?: Readonly<Record<string, string>>;
  /** What the person typed on a refused step, put back so nothing is lost. */
  readonly values?: Readonly<Record<string, string>>;
}

/** A button on the case card that asks the case to change: one generic decision route serves them all. */
export interface DecisionVerb<C> {
  /** The command the press makes from the card's inputs; `reference` comes from card data and is checked by the route. */
  command(action: CaseAction): C | Promise<C>;
  /** Told to the person on the card when their step changed the case. */
  readonly done: string;
  /** Text inputs put back on the card if the step is refused (name -> longest kept). */
  readonly keeps?: Readonly<Record<string, number>>;
}

/** A phrase someone types that opens a card verb with no inputs ("takedowns" -> `menu.takedowns`). */
export interface TypedCommand {
  /** Matched against the message lower-cased, trimmed, surrounding punctuation removed. */
  readonly pattern: RegExp;
  readonly verb: string;
  /** The card data the verb gets from what was typed ("access register facebook" -> `{ site: 'facebook' }`); none by default. */
  data?(match: RegExpExecArray): Readonly<Record<string, string>>;
  /** Also answered in channels and group chats. Off by default: cases stay in the 1:1 chat. */
  readonly sharedSpaces?: boolean;
}

/** How a case is opened from a form, exactly once per form token (open-once.ts). */
export interface Opening<S, C> {
  /** The form's submit verb, e.g. `takedown.issue`. */
  readonly verb: string;
  /** Who may open one; anyone when absent. The refusal card says why not. */
  readonly allowed?: (actor: Actor) => boolean;
  refusal?(): AdaptiveCardJson;
  /**
   * The opening command from the form's inputs (checked, people looked up in the directory), with any
   * reference: the engine gives it its own. A refusal's field errors go next to the form's inputs.
   */
  command(action: CaseAction): Promise<C | Rejection>;
  /** The form again, keeping what was typed, with each problem next to its input, under the same token. */
  formAgain(action: CaseAction, errors: Readonly<Record<string, string>>): Promise<AdaptiveCardJson>;
  /** The opened case card's first line ("Sent to Megan for approval."). */
  opened(snapshot: S): string;
  /** Said on the case card when the same form arrives again. */
  readonly repeated: string;
  /** Said when the same form arrives again while the first is still being stored. */
  readonly stillOpening: { readonly title: string; readonly message: string };
}

/** One line of the help list; `role`: shown only to people with that team role (the command refuses others anyway). */
export interface HelpLine {
  readonly command: string;
  readonly purpose: string;
  readonly role?: TeamRole;
}

/** What a workflow may use to build its cards and queries: given once, at start-up. */
export interface WorkflowTools {
  readonly renderer: CardRenderer;
  readonly directory: Directory;
  /** Out of office: who acts for a manager while they are away (src/directory/delegation.ts). */
  readonly delegations: Delegations;
  readonly workingTime: WorkingTime;
  readonly inbox: Inbox;
  /** Files people sent in the chat, kept until they say which case they belong to. */
  readonly staged: StagedEvidence;
  readonly logger: Logger;
}

/**
 * Files sent in the 1:1 chat that this workflow takes (evidence for a report): the files are kept, and the
 * person chooses which of their cases they belong to from a list whose lines press `verb` (an action of the
 * workflow's own, which takes the kept files).
 */
export interface FileIntake {
  readonly verb: string;
  /** At most this many of the files sent at once are kept. */
  readonly maxFiles: number;
  /** Keeps the files and lists the cases they may go to; none: the files are not for this workflow. */
  offer(actor: Actor, now: Date, files: readonly StagedFile[]): Promise<readonly InboxEntry[]>;
  /** The choice card's title ("Add 2 files to which report?"). */
  title(count: number): string;
}

/** A file of this workflow's cases that a person may save to their OneDrive (Teams' file consent card). */
export interface FileExport {
  /** Names the export on the consent card, so "Allow" rebuilds the right one. */
  readonly name: string;
  /** Consent cards sent before exports carried their name are this export's (the AINM register was the only one). */
  readonly unnamedContexts?: boolean;
  /** The typed command; what its groups mean is up to `fromCommand`. */
  readonly pattern: RegExp;
  allowed(actor: Actor): boolean;
  readonly refusal: { readonly title: string; readonly message: string };
  /** What to type to try again, shown when saving failed ("export"). */
  readonly retry: string;
  /** The request a typed command makes: its inputs, checked by `build`. */
  fromCommand(match: RegExpExecArray, now: Date): Readonly<Record<string, string>>;
  /**
   * The file built afresh from the store for a request: from the typed command, or from the consent card's
   * context when "Allow" is pressed (untrusted: checked again here). A refusal says what to type instead.
   */
  build(request: Readonly<Record<string, unknown>>, now: Date): Promise<ExportFile | Rejection>;
}

export interface ExportFile {
  readonly ok: true;
  readonly fileName: string;
  readonly contentType: string;
  readonly body: string;
  readonly rowCount: number;
  /** The checked request, carried by the consent card and built again on "Allow". */
  readonly request: Readonly<Record<string, string>>;
  /** The consent card's line: what the file holds. */
  readonly description: string;
  /** Said beside the description when the file would be empty (a wider range to try). */
  readonly whenEmpty: string;
}

/** Rules about a kind of case that data protection, lists and retention read without building the workflow. */
export interface CaseRules {
  readonly prefix: string;
  /** Names its card verbs (`takedown.verify`) and its refusal log lines. */
  readonly name: string;
  /** Closed cases: nothing more happens to them (retention counts from here). */
  readonly closedStates: readonly string[];
  /**
   * A closed case is deleted whole (audit events included) this many months after its latest step, by the daily
   * retention run. Without it, the kind keeps a retention rule of its own (src/data-protection/retention-run.ts).
   */
  readonly deleteClosedAfterMonths?: number;
  /** The snapshot's person fields, the person the case is about first (subject access, erasure). */
  readonly namedRoles: readonly [string, ...string[]];
  stateLabel(state: string): { label: string; color: string };
  /** How a subject access export names the other people of such a case (src/data-protection/subject-access.ts). */
  readonly disclosure: {
    /** Whose words the snapshot's `details` are: that person sees them in their export. */
    readonly detailsAuthor: string;
    /** A label for each named part, and `other` for anyone else (a team member who acted). */
    readonly labels: Readonly<Record<string, string>> & { readonly other: string };
    /** Labels for people found under a part's field who no longer hold it (a replaced approver). */
    readonly formerLabels?: Readonly<Record<string, string>>;
  };
}

/**
 * One workflow, whole: a workflow folder exports one of these and `src/workflows/index.ts` lists it. The
 * engine (src/cases) runs its cases, the relay its effects, the scheduler its timers, and the Teams folder
 * mounts its verbs and commands; nothing else is needed to add a workflow (README, "Adding a workflow").
 */
export interface WorkflowDefinition<S, C extends { readonly type: string }, E extends WorkflowEvent> {
  readonly rules: CaseRules;
  /** Said for a case that does not exist or is not the person's to see: the same words, so it tells nothing. */
  notFound(reference?: string): string;
  /** decide / evolve over its own state and events, its effects, participants and who may see. */
  readonly workflow: CaseWorkflow<S, C, E>;
  /** Notification cards, inbox lines and who to tell when someone cannot be reached. */
  readonly presenter: CasePresenter<S>;
  /** The case card for `viewer`, with what just happened. */
  caseCard(snapshot: S, viewer: Actor, now: Date, step?: StepMessage): AdaptiveCardJson;
  /** Each timer kind the workflow's effects schedule, as the system command it fires (`basis`: what it was set for). */
  readonly timers: Readonly<Record<string, (basis: string) => C>>;
  /** Card buttons that change the case, by the part of the verb after the name (`verify` for `takedown.verify`). */
  readonly decisions: Readonly<Record<string, DecisionVerb<C>>>;
  readonly opening?: Opening<S, C>;
  /** Opening the case as `viewer` first does this, e.g. a takedown notice is seen by its recipient. */
  onView?(snapshot: S, viewer: Actor): C | undefined;
  /** Verbs that show rather than decide (forms, lists, choices), given this workflow's case service. */
  actions?(service: CaseService<S, C>): Readonly<Record<string, CaseActionHandler>>;
  readonly commands?: readonly TypedCommand[];
  readonly fileIntake?: FileIntake;
  /** Files of this workflow's cases people may save (given this workflow's case service, to read them). */
  exports?(service: CaseService<S, C>): readonly FileExport[];
  /** What waits for a person as a member of `team` (the Comms queue, the Incident team's register); undefined if not theirs. */
  readonly teamQueue?: { readonly team: string; waiting(actor: Actor): Promise<readonly InboxEntry[] | undefined> };
}

/**
 * What a workflow folder exports: its rules (readable before start-up, by data protection and retention),
 * any card templates of its own, and how to build the rest once the tools exist.
 */
export interface WorkflowModule<S = any, C extends { readonly type: string } = any, E extends WorkflowEvent = any> {
  readonly rules: CaseRules;
  /** Card templates the workflow brings (name -> template JSON), beside those in `cards/`. */
  readonly cardTemplates?: Readonly<Record<string, object>>;
  /** Its lines in "help" (all of them) and in the short list shown when a message could not be placed. */
  readonly help?: { readonly full: readonly HelpLine[]; readonly short?: readonly HelpLine[] };
  /**
   * Its lists a case can be opened from (name -> the verb that builds it for whoever asks): a case opened from
   * one offers "Back to the list", whose card data carries only the name (src/bot/lists.ts).
   */
  readonly lists?: Readonly<Record<string, string>>;
  create(tools: WorkflowTools): WorkflowDefinition<S, C, E>;
}

/** A list of definitions mixes every workflow's types. */
export type AnyWorkflowDefinition = WorkflowDefinition<any, any, any>;
