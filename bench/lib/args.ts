/** The value given after `flag` on a command line (`--messages 100`), if any. */
export function valueAfter(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
}

/** A positive number given after `flag`, or `fallback`; anything else stops the script with a sentence. */
export function numberAfter(args: readonly string[], flag: string, fallback: number): number {
  const value = Number(valueAfter(args, flag) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} takes a positive number`);
  return value;
}
