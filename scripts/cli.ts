import { ConfigError } from '../src/config';

/** Wrong arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Runs a command-line tool: its result (if a number) is the exit code; a usage error exits 2 with the usage,
 * anything else 1 with its message alone (never a stack trace, which could carry people's data).
 */
export function runCommand(main: () => Promise<number | void>, usage: string): void {
  main().then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  }, (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : (error as Error).message);
    process.exitCode = 1;
  });
}
