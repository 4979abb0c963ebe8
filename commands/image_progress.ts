// Progress of `image pull` as talosctl's console reporter shows it on stderr: on a terminal, a
// spinner line per update (every layer of every node), redrawn in place, then the result in
// green; elsewhere only the result lines. Colours follow fatih/color (stdout a terminal, no
// NO_COLOR, TERM not dumb).

import type { Output } from "./deps.ts";
import { goDuration, goFixed, humanizeIBytes } from "../gofmt/mod.ts";

const SPINNER = ["◰", "◳", "◲", "◱"];

export interface LayerProgress {
  /** DOWNLOADING 0, DOWNLOAD_COMPLETE 1, EXTRACTING 2, EXTRACT_COMPLETE 3, ALREADY_EXISTS 4 */
  status: number;
  elapsed?: { seconds: bigint; nanos: number };
  offset: bigint;
  total: bigint;
}

/** ImageServicePullLayerProgress.Fmt. */
export function formatLayer(p: LayerProgress): string {
  switch (p.status) {
    case 0: {
      const pct = goFixed(Number(p.offset) / Number(p.total) * 100, 1);
      return `downloading layer ${humanizeIBytes(BigInt.asUintN(64, p.offset))}/${
        humanizeIBytes(BigInt.asUintN(64, p.total))
      } (${pct === "NaN" ? "NaN" : pct}%)`;
    }
    case 1:
      return "layer download complete";
    case 2: {
      const ms = p.elapsed ? Number(p.elapsed.seconds) * 1000 + p.elapsed.nanos / 1e6 : 0;
      return `extracting layer (${goDuration(ms)})`;
    }
    case 3:
      return "layer pull complete";
    case 4:
      return "layer already exists";
  }
  return "";
}

export class PullProgress {
  #jobs = new Map<string, Map<string, LayerProgress>>();
  #lastLine = "";
  #lastTemporary = false;
  #spin = 0;
  readonly #colour: boolean;

  constructor(
    private readonly err: Output,
    stdoutIsTTY: boolean,
    private readonly env: Record<string, string | undefined>,
  ) {
    this.#colour = stdoutIsTTY && !env.NO_COLOR && env.TERM !== "dumb";
  }

  async update(node: string, layerId: string, p: LayerProgress | undefined): Promise<void> {
    // Not a terminal: talosctl shows no progress at all.
    if (!this.err.isTTY || !p) return;
    let layers = this.#jobs.get(node);
    if (!layers) this.#jobs.set(node, layers = new Map());
    layers.set(layerId, p);
    let text = "";
    for (const n of [...this.#jobs.keys()].sort()) {
      text += `${n}:\n`;
      const byId = this.#jobs.get(n)!;
      for (const id of [...byId.keys()].sort()) text += `  ${formatLayer(byId.get(id)!)}\n`;
    }
    await this.#report(text, true);
  }

  async done(message: string): Promise<void> {
    await this.#report(message, false);
  }

  async #report(message: string, running: boolean): Promise<void> {
    let line = message.trim().replaceAll("\t", "    ");
    if (!this.err.isTTY) {
      if (line !== this.#lastLine) {
        await this.err.write(line + "\n");
        this.#lastLine = line;
      }
      return;
    }
    const width = Number(this.env.COLUMNS) > 0 ? Number(this.env.COLUMNS) : 80;
    if (running) line = `${SPINNER[this.#spin]} ${line}`;
    const coloured = this.#colour ? `\x1b[${running ? 33 : 32}m${line}\x1b[0m` : line;
    const wasTemporary = this.#lastTemporary;
    this.#lastTemporary = running;
    if (line === this.#lastLine) return;
    if (running) this.#spin = (this.#spin + 1) % SPINNER.length;
    let erase = "";
    if (wasTemporary) {
      for (const l of this.#lastLine.split("\n")) {
        erase += "\x1b[A\x1b[K".repeat(Math.floor(([...l].length + width - 1) / width));
      }
    }
    await this.err.write(erase + coloured + "\n");
    this.#lastLine = line;
  }
}
