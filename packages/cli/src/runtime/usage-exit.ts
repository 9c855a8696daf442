import type { Command } from 'commander';

/**
 * The exit code of a command line the CLI refuses (an unknown command or option, a missing or
 * invalid argument, a numeric variable that is no number): 2, as getopt tools and argparse exit,
 * so a script tells a mistyped call from one that ran and failed (1: a job that failed under
 * `enqueue --wait`, a `dlq replay` that left a letter). Help asked for still exits 0.
 */
export const USAGE_EXIT_CODE = 2;

/**
 * A command line refused by the command itself, past commander's parsing (an option combination,
 * an argument's content): exits USAGE_EXIT_CODE as commander's own refusals do.
 */
export class UsageError extends Error {}

/** Sets it on `cmd` and every subcommand below it (an added command inherits no exit override). */
export function exitOnUsageError(cmd: Command): void {
  cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : USAGE_EXIT_CODE));
  for (const sub of cmd.commands) exitOnUsageError(sub);
}
