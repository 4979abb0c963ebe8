// The progress reporter of talosctl's long-running commands (its pkg/reporter): on a terminal a
// status block that is redrawn in place, with a spinner and colours; otherwise each new text on a
// line of its own, with no control sequences at all.

import type { Deps, Output } from "../deps.ts";

export type Status = "error" | "running" | "succeeded" | "skip";

export interface Update {
  message: string;
  status: Status;
}

const SPINNER = ["◰", "◳", "◲", "◱"];
const COLORS: Record<Status, string> = {
  error: "31",
  running: "33",
  succeeded: "32",
  skip: "34",
};

export interface ReporterOptions {
  /** Redraw in place (a terminal); false: plain lines. */
  redraw: boolean;
  /** Use ANSI colours while redrawing. */
  color: boolean;
}

/** Output mode of --progress and the terminal decide how updates look. */
export function reporterFor(deps: Deps, mode = "auto"): Reporter {
  const redraw = mode.toLowerCase() === "auto" && deps.io.stderr.isTTY;
  // As fatih/color: no colours with NO_COLOR, TERM=dumb or stdout not a terminal.
  const color = redraw && !deps.env.NO_COLOR && deps.env.TERM !== "dumb" && deps.io.stdout.isTTY;
  return new Reporter(deps.io.stderr, { redraw, color });
}

export class Reporter {
  #lastLine = "";
  #lastTemporary = false;
  #spin = 0;
  #writes: Promise<void> = Promise.resolve();

  constructor(readonly out: Output, readonly opts: ReporterOptions) {}

  /** Whether updates are redrawn in place (talosctl calls this "colorized"). */
  get redraws(): boolean {
    return this.opts.redraw;
  }

  /** Reports an update; writes are serialised, `flush()` waits for them. */
  report(u: Update): Promise<void> {
    const text = this.#render(u);
    if (text !== "") this.#writes = this.#writes.then(() => this.out.write(text));
    return this.#writes;
  }

  flush(): Promise<void> {
    return this.#writes;
  }

  #render(u: Update): string {
    let line = u.message.trim().replaceAll("\t", "    ");
    if (!this.opts.redraw) {
      if (line === this.#lastLine) return "";
      this.#lastLine = line;
      return line + "\n";
    }
    const temporary = u.status === "running" || u.status === "error";
    if (temporary) line = `${SPINNER[this.#spin]} ${line}`;
    // As talosctl: whether the line is temporary is noted even when it is not printed again.
    const wasTemporary = this.#lastTemporary;
    this.#lastTemporary = temporary;
    if (line === this.#lastLine) return "";
    if (temporary) this.#spin = (this.#spin + 1) % SPINNER.length;
    const width = this.out.columns?.() || 80;
    let text = "";
    if (wasTemporary) {
      // Move up over every terminal row the previous block took, clearing it.
      for (const l of this.#lastLine.split("\n")) {
        const rows = Math.ceil([...l].length / width);
        text += "\x1b[A\x1b[K".repeat(rows);
      }
    }
    text += (this.opts.color ? `\x1b[${COLORS[u.status]}m${line}\x1b[0m` : line) + "\n";
    this.#lastLine = line;
    return text;
  }
}
