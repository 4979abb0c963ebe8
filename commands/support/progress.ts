// How `support` shows its progress on stderr: on a terminal one bar per source (node or
// "cluster"), redrawn in place as upstream's progress bars are; otherwise one plain line per
// source when it is done. With -v there are no bars: the collectors' own lines are printed
// instead. Failed items are kept for the table printed at the end.

import { goDurationSeconds, goTrimSpace, tabwrite } from "../../gofmt/mod.ts";
import type { Output } from "../deps.ts";

export interface ProgressEvent {
  source: string;
  /** `collect <file>` */
  state: string;
  error?: string;
}

interface Bar {
  source: string;
  total: number;
  done: number;
  failed: number;
  state: string;
  started?: number;
  finished?: number;
}

const BAR_WIDTH = 20;
const REDRAW_MS = 100;

export interface ProgressOptions {
  out: Output;
  /** Bars redrawn in place (a terminal), else plain lines. */
  tty: boolean;
  /** -v: no bars and no lines (the collectors log instead). */
  quiet: boolean;
  now: () => number;
}

export class Progress {
  readonly errors: { source: string; error: string }[] = [];
  #bars = new Map<string, Bar>();
  #drawn = 0;
  #dirty = false;
  #timer?: ReturnType<typeof setInterval>;
  #writes: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ProgressOptions) {}

  /** Sources and how many items each has, in display order. */
  start(totals: Map<string, number>): void {
    for (const [source, total] of totals) {
      this.#bars.set(source, { source, total, done: 0, failed: 0, state: "initializing..." });
    }
    if (this.opts.quiet) return;
    if (this.opts.tty) {
      this.#draw();
      this.#timer = setInterval(() => {
        if (this.#dirty) this.#draw();
      }, REDRAW_MS);
    } else {
      for (const b of this.#bars.values()) if (b.total === 0) this.#line(b);
    }
  }

  report(e: ProgressEvent): void {
    if (e.error !== undefined) this.errors.push({ source: e.source, error: e.error });
    const b = this.#bars.get(e.source);
    if (!b) return;
    b.started ??= this.opts.now();
    b.done++;
    if (e.error !== undefined) b.failed++;
    b.state = e.state;
    if (b.done >= b.total) b.finished = this.opts.now();
    this.#dirty = true;
    if (!this.opts.quiet && !this.opts.tty && b.done === b.total) this.#line(b);
  }

  /** Stops redrawing (after a last frame) and waits for the output to be written. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#draw();
    }
    await this.#writes;
  }

  #write(text: string): void {
    this.#writes = this.#writes.then(() => this.opts.out.write(text)).catch(() => {});
  }

  #line(b: Bar): void {
    const failed = b.failed > 0 ? `, ${b.failed} failed` : "";
    this.#write(`${b.source}: ${b.done - b.failed} of ${b.total} items collected${failed}\n`);
  }

  #draw(): void {
    this.#dirty = false;
    let text = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : "";
    for (const b of this.#bars.values()) text += `\x1b[2K${this.#render(b)}\n`;
    this.#drawn = this.#bars.size;
    this.#write(text);
  }

  /** `elapsed [=====>----]  45% source: state`, as upstream's bars read. */
  #render(b: Bar): string {
    let elapsed = "---";
    if (b.started !== undefined) {
      const end = b.finished ?? this.opts.now();
      elapsed = goDurationSeconds(Math.floor((end - b.started) / 1000) * 1000);
    }
    const pct = b.total === 0 ? 100 : (100 * b.done) / b.total;
    const filled = Math.floor(BAR_WIDTH * pct / 100);
    const cells: string[] = [];
    for (let i = 0; i < BAR_WIDTH; i++) cells.push(i < filled ? "=" : "-");
    if (filled > 0 && filled < BAR_WIDTH) cells[filled - 1] = ">";
    cells[0] = "[";
    cells[BAR_WIDTH - 1] = "]";
    const percent = `${Math.round(pct)}%`.padStart(4);
    return `${elapsed.padStart(5)} ${cells.join("")} ${
      percent.padStart(5)
    } ${b.source}: ${b.state}`;
  }
}

/**
 * The table of failed items: `Processed with errors:`, then SOURCE and ERROR columns (each
 * error's first line in red on a colour terminal, further lines below it).
 */
export function errorsTable(
  errors: { source: string; error: string }[],
  color: boolean,
): string {
  if (errors.length === 0) return "";
  const red = (s: string) => color ? `\x1b[31m${s}\x1b[0m` : s;
  let rows = "\tSOURCE\tERROR\n";
  for (const { source, error } of errors) {
    const [first, ...rest] = error.split("\n").map(goTrimSpace);
    rows += `\t${source}\t${red(first)}\n`;
    for (const line of rest) rows += `\t\t${red(line)}\n`;
  }
  return "Processed with errors:\n" + tabwrite(rows);
}
