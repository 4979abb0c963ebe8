// talosctl's console reporter for cluster checks (stderr): in a pipe or a CI log one plain line
// per change; on a terminal a line with a spinner while a check runs or fails, redrawn in place
// (cursor up, clear line) until the check ends, coloured when stdout is a terminal too.

import type { Reporter as LineReporter } from "../lifecycle/reporter.ts";
import type { PollingCondition, Reporter } from "./conditions.ts";

type Status = "running" | "succeeded" | "skipped" | "error";

/** The reporter's line for a condition: "waiting for <status line>". */
export function conditionLine(c: PollingCondition): { line: string; status: Status } {
  const line = `waiting for ${c.statusLine()}`.trim();
  const { state } = c.state();
  const status: Status = state === "failed"
    ? "error"
    : state === "succeeded"
    ? "succeeded"
    : state === "skipped"
    ? "skipped"
    : "running";
  return { line, status };
}

/**
 * Reports each condition through talosctl's console reporter (lifecycle/reporter.ts): redrawn
 * on a terminal, coloured only when colours are allowed, plain lines otherwise.
 */
export class ConsoleReporter implements Reporter {
  constructor(readonly out: LineReporter) {}

  update(c: PollingCondition): Promise<void> {
    const { line, status } = conditionLine(c);
    return this.out.report({ message: line, status: status === "skipped" ? "skip" : status });
  }
}
