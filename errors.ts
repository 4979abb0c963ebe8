// Error types shared by every layer. Only main.ts prints errors and picks the exit code.

/** A failure caused by the user's input or environment: printed as is, exit code 1, no stack. */
export class UserError extends Error {
  override name = "UserError";
}

/**
 * A command-line usage error (unknown flag, wrong argument count, ...). The reporter prints the
 * message followed by the command's usage, as cobra-based talosctl does.
 */
export class UsageError extends UserError {
  override name = "UsageError";
  constructor(message: string, readonly usage = "") {
    super(message);
  }
}

/** Ends the run with a given exit code after output was already written (e.g. --help). */
export class ExitCode extends Error {
  override name = "ExitCode";
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Message of any thrown value, without a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
