import pino from 'pino';

/**
 * Structured logs. They carry references, ids and codes; never card contents, free text or names
 * (DESIGN.md, "Security").
 */
export type Logger = Pick<pino.Logger, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'child'>;

export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'social-media-desk' },
    redact: { paths: ['*.text', '*.name', '*.comment', '*.businessCase', 'err.config', 'err.request'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
