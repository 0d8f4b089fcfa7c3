/** How the command-line tools (sync:stash, search, serve) answer a call they cannot run: help, or bad arguments. */

/** Bad arguments: the command prints the message on stderr and exits with 2. */
export class UsageError extends Error {}

/** --help: the command prints the usage (the message) on stdout and succeeds. */
export class HelpRequested extends Error {}

export const USAGE_EXIT = 2;

/** Help asked for, or arguments the command refuses; node:util's parseArgs marks its refusals with an ERR_PARSE_ARGS code. */
export function isUsage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof HelpRequested || error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}

/** Prints help on stdout, or any other refusal on stderr; returns the exit code. */
export function reportUsage(error: unknown): number {
  if (error instanceof HelpRequested) {
    process.stdout.write(`${error.message}\n`);
    return 0;
  }
  process.stderr.write(`${(error as Error)?.message ?? String(error)}\n`);
  return USAGE_EXIT;
}
