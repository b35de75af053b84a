// The CLI's closed set of outcomes, each with its documented exit code (README, "Commands"):
// 0 ok, 1 failed, 2 usage (unknown command or option, a missing or refused value),
// 3 control plane unreachable. Scripts branch on these, so a failure never reads as usage.
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** The command ran and failed (exit 1). */
export class CliError extends Error {
  readonly exitCode: number = EXIT_CODES.failed;
}

/** The command line was wrong, or the control plane refused a value as invalid (exit 2). */
export class UsageError extends CliError {
  override readonly exitCode: number = EXIT_CODES.usage;
}

/** Nothing answers at the control plane's address (exit 3). */
export class UnreachableError extends CliError {
  override readonly exitCode: number = EXIT_CODES.unreachable;
}
