// talosctl's console reporter for cluster checks (stderr): in a pipe or a CI log one plain line
// per change; on a terminal a coloured line with a spinner while a check runs or fails, redrawn
// in place (cursor up, clear line) until the check ends.

import type { Output } from "../deps.ts";
import type { PollingCondition, Reporter } from "./conditions.ts";

const SPINNER = ["◰", "◳", "◲", "◱"];
const COLOR = { yellow: 33, green: 32, blue: 34, red: 31 } as const;

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

export class ConsoleReporter implements Reporter {
  #last = "";
  #lastTemporary = false;
  #spin = 0;

  constructor(readonly out: Output, readonly columns = 80) {}

  update(c: PollingCondition): Promise<void> {
    const { line, status } = conditionLine(c);
    return this.report(line, status);
  }

  async report(message: string, status: Status): Promise<void> {
    let line = message.trim().replaceAll("\t", "    ");
    if (!this.out.isTTY) {
      if (line !== this.#last) {
        await this.out.write(line + "\n");
        this.#last = line;
      }
      return;
    }
    const spinning = status === "running" || status === "error";
    if (spinning) line = `${SPINNER[this.#spin]} ${line}`;
    const color = status === "running"
      ? COLOR.yellow
      : status === "succeeded"
      ? COLOR.green
      : status === "skipped"
      ? COLOR.blue
      : COLOR.red;
    const wasTemporary = this.#lastTemporary;
    this.#lastTemporary = spinning;
    if (line === this.#last) return;
    if (spinning) this.#spin = (this.#spin + 1) % SPINNER.length;
    let text = "";
    if (wasTemporary) {
      for (const l of this.#last.split("\n")) {
        const rows = Math.floor(([...l].length + this.columns - 1) / this.columns);
        text += "\x1b[A\x1b[K".repeat(rows);
      }
    }
    text += `\x1b[${color}m${line}\x1b[0m\n`;
    await this.out.write(text);
    this.#last = line;
  }
}
