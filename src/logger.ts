import pino from 'pino';
import type { RejectionCode } from './domain/outcome';

/**
 * Structured logs. They carry references, ids and codes; never card contents, free text or names
 * (DESIGN.md, "Security").
 */
export type Logger = Pick<pino.Logger, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'child'>;

/**
 * Field names that hold what people typed or are called. Redacted at the top level and one level down
 * (`{ activity: { text } }`): a backstop for a log call that passes more than ids by mistake.
 */
const PERSONAL_FIELDS = ['text', 'name', 'comment', 'businessCase'] as const;

export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'social-media-desk' },
    redact: {
      paths: [...PERSONAL_FIELDS, ...PERSONAL_FIELDS.map((field) => `*.${field}`), 'err.config', 'err.request'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A case action or view that was refused: what the one log line for it says, and nothing else. */
export interface Refusal {
  readonly reference: string;
  /** The card verb or command pressed, or the workflow step refused (`accessRequest.approve`). */
  readonly verb: string;
  /** The Entra ID object id of the person refused. */
  readonly actorId: string;
  readonly code: RejectionCode;
}

export const REFUSAL_MESSAGE = 'case action refused';

/**
 * One line per refused case action, so probing (someone pressing buttons on cases that are not theirs)
 * shows in the logs. Ids and codes only: never card contents, comments or names.
 */
export function logRefusal(logger: Logger, refusal: Refusal): void {
  const { reference, verb, actorId, code } = refusal;
  const level = code === 'forbidden' || code === 'not_found' ? 'warn' : 'info';
  logger[level]({ reference, verb: verb.slice(0, 60), actorId, code }, REFUSAL_MESSAGE);
}
