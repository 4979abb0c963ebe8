// Entry point: builds Deps, runs the command tree, reports errors, sets the exit code.

import { type CliState, runCli } from "./commands/cli.ts";
import { type Deps, realDeps } from "./commands/deps.ts";
import { root } from "./commands/mod.ts";
import { errorMessage, ExitCode, UsageError, UserError } from "./errors.ts";

/** Runs talosctl with `argv`; returns the exit code. Never throws. */
export async function main(argv: string[], deps: Deps): Promise<number> {
  const state: CliState = { usage: "" };
  try {
    await runCli(argv, root, deps, state);
    return 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    const message = errorMessage(err);
    let text = message + "\n";
    // As talosctl: errors about args, flags or commands are followed by the command's usage.
    if (/arg\(s\)|flag|command/.test(message)) {
      const usage = err instanceof UsageError && err.usage ? err.usage : state.usage;
      text += "\n" + usage + "\n";
    }
    if (!(err instanceof UserError) && deps.env.TALOSCTL_DEBUG && err instanceof Error) {
      text += (err.stack ?? "") + "\n";
    }
    await deps.io.stderr.write(text);
    return 1;
  }
}

if (import.meta.main) {
  const controller = new AbortController();
  let interrupted = false;
  // As talosctl: the first SIGINT or SIGTERM cancels the command, a second one kills it.
  const signals = ["SIGINT", "SIGTERM"] as const;
  const handlers = signals.map((sig) => () => {
    if (interrupted) Deno.exit(sig === "SIGINT" ? 130 : 143);
    interrupted = true;
    console.error("Signal received, aborting, press Ctrl+C once again to abort immediately...");
    controller.abort(new UserError("context canceled"));
  });
  signals.forEach((sig, i) => Deno.addSignalListener(sig, handlers[i]));
  const code = await main(Deno.args, realDeps(controller.signal));
  signals.forEach((sig, i) => Deno.removeSignalListener(sig, handlers[i]));
  Deno.exit(code);
}
