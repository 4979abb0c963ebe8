// The bottom bar (nodes and screens) and the scrolling views: the log view of the summary screen
// with its filter line, and the one-line text input that filter uses.

import { type Box, colored, type Line, lineWidth, seg, type Style, width } from "./canvas.ts";
import { NO_DATA, rule } from "./panes.ts";

const NODE_SEP = " | ";
const NODES_END = "] --- ";
const SCREEN_SEP = " --- ";

/** The bottom bar: `[node1 | node2] --- [Summary] --- [F2: Monitor] ...` over a rule. */
export class Footer {
  selectedNode = "";
  selectedScreen = "";
  paused = false;

  constructor(readonly nodes: string[], readonly screens: { key: string; name: string }[]) {}

  static displayName(node: string): string {
    return node === "" ? "(local)" : node;
  }

  #screensLine(): Line {
    const out: Line = [];
    this.screens.forEach(({ key, name }, i) => {
      if (i > 0) out.push(seg(SCREEN_SEP));
      if (name === this.selectedScreen) out.push(seg("["), colored("red", name), seg("]"));
      else out.push(seg(`[${key}: ${name}]`));
    });
    if (this.paused) out.push(seg(SCREEN_SEP), seg("["), colored("yellow", "PAUSED"), seg("]"));
    return out;
  }

  /** The nodes [start, end) that fit in `budget` columns around the selected one. */
  window(budget: number): [number, number] {
    const n = this.nodes.length;
    if (n === 0 || budget === 0) return [0, 0];
    const sel = Math.max(0, this.nodes.indexOf(this.selectedNode));
    const size = (start: number, end: number) => {
      let total = 0;
      for (let i = start; i < end; i++) {
        if (i > start) total += NODE_SEP.length;
        total += width(Footer.displayName(this.nodes[i]));
      }
      return total + (start > 0 ? 2 : 0) + (end < n ? 2 : 0);
    };
    let start = sel, end = sel + 1;
    for (;;) {
      let grew = false;
      if (end < n && size(start, end + 1) <= budget) {
        end++;
        grew = true;
      }
      if (start > 0 && size(start - 1, end) <= budget) {
        start--;
        grew = true;
      }
      if (!grew) return [start, end];
    }
  }

  line(cols: number): Line {
    const screens = this.#screensLine();
    const budget = Math.max(cols - 1 - NODES_END.length - lineWidth(screens), 0);
    const [start, end] = this.window(budget);
    const out: Line = [seg("[")];
    if (start > 0) out.push(seg("‹ "));
    for (let i = start; i < end; i++) {
      if (i > start) out.push(seg(NODE_SEP));
      let name = Footer.displayName(this.nodes[i]);
      if (end - start === 1) {
        const avail = budget - (start > 0 ? 2 : 0) - (end < this.nodes.length ? 2 : 0);
        name = truncate(name, avail);
      }
      out.push(this.nodes[i] === this.selectedNode ? colored("red", name) : seg(name));
    }
    if (end < this.nodes.length) out.push(seg(" ›"));
    out.push(seg(NODES_END), ...screens);
    return out;
  }

  draw(box: Box): void {
    box.fill("─", { fg: "white" });
    box.write(0, 0, this.line(box.w));
  }
}

function truncate(s: string, max: number): string {
  const cps = [...s];
  if (max <= 0) return "";
  if (cps.length <= max) return s;
  return max === 1 ? "…" : cps.slice(0, max - 1).join("") + "…";
}

/** A one-line text input ("filter: ..."). */
export class Input {
  text = "";
  constructor(readonly label: string) {}

  /** Handles an editing key; false when the key is not one. */
  key(name: string): boolean {
    if (name === "BACKSPACE") {
      this.text = [...this.text].slice(0, -1).join("");
      return true;
    }
    if ([...name].length === 1 && name >= " ") {
      this.text += name;
      return true;
    }
    return false;
  }

  draw(box: Box): void {
    const end = box.write(0, 0, this.label, { fg: "yellow" });
    const after = box.write(end, 0, this.text);
    box.set(after, 0, " ", { inverse: true });
  }
}

interface Entry {
  text: string;
  error: boolean;
}

const MAX_LINES = 1000;

/** Splits a line into pieces of `w` columns. */
function wrap(line: Line, w: number): Line[] {
  if (w <= 0) return [];
  const out: Line[] = [];
  let cur: Line = [], used = 0;
  for (const s of line) {
    let text = "";
    for (const ch of s.text) {
      const cw = width(ch);
      if (used + cw > w) {
        if (text) cur.push(seg(text, s.style));
        out.push(cur);
        cur = [];
        text = "";
        used = 0;
      }
      text += ch;
      used += cw;
    }
    if (text) cur.push(seg(text, s.style));
  }
  out.push(cur);
  return out;
}

/** Keeps `top` in range and follows the end while it is shown. */
export class Scroll {
  top = 0;
  follow = true;
  /** Lines and rows of the last draw. */
  total = 0;
  rows = 1;

  /** The first line to show for `total` lines in `rows` rows. */
  place(total: number, rows: number): number {
    this.total = total;
    this.rows = Math.max(1, rows);
    const last = Math.max(0, total - this.rows);
    if (this.follow || this.top > last) this.top = last;
    return this.top;
  }

  by(n: number): void {
    const last = Math.max(0, this.total - this.rows);
    this.top = Math.max(0, Math.min(last, this.top + n));
    this.follow = this.top >= last;
  }

  /** Scrolling keys (vi and less style); false when the key is not one. */
  key(name: string): boolean {
    const n = moveKey(name, this.rows, true);
    if (n === undefined) return false;
    this.by(n);
    return true;
  }
}

/**
 * How far a moving key (vi and less style) goes in a list `page` rows tall: a row, a page, half
 * a page (with `halfPages`: Ctrl-D, Ctrl-U), or to either end (±Infinity). Undefined when the
 * key is not one.
 */
export function moveKey(name: string, page: number, halfPages = false): number | undefined {
  switch (name) {
    case "j":
    case "DOWN":
      return 1;
    case "k":
    case "UP":
      return -1;
    case "CTRL_D":
      return halfPages ? Math.floor(page / 2) : undefined;
    case "CTRL_U":
      return halfPages ? -Math.floor(page / 2) : undefined;
    case "CTRL_F":
    case "PAGE_DOWN":
      return page;
    case "CTRL_B":
    case "PAGE_UP":
      return -page;
    case "g":
    case "HOME":
      return -Infinity;
    case "G":
    case "END":
      return Infinity;
  }
  return undefined;
}

/** The kernel log of one node: a rule, the lines (wrapped, newest at the bottom), a filter. */
export class LogView {
  readonly #entries: Entry[] = [];
  readonly scroll = new Scroll();
  readonly filter = new Input("filter: ");
  filtering = false;

  add(text: string, error: string): void {
    this.#entries.push({ text: error !== "" ? error : text, error: error !== "" });
    if (this.#entries.length > MAX_LINES) this.#entries.splice(0, this.#entries.length - MAX_LINES);
  }

  /** Keys for the view; false when not used. */
  key(name: string): boolean {
    if (this.filtering) {
      if (name === "ESCAPE") {
        this.filtering = false;
        this.filter.text = "";
        return true;
      }
      return this.filter.key(name);
    }
    if (name === "/") {
      this.filtering = true;
      return true;
    }
    return this.scroll.key(name);
  }

  #lines(w: number): Line[] {
    const needle = this.filter.text.toLowerCase();
    const out: Line[] = [];
    for (const e of this.#entries) {
      if (needle !== "" && !e.text.toLowerCase().includes(needle)) continue;
      const base: Style | undefined = e.error ? { fg: "red" } : undefined;
      for (const part of e.text.split("\n")) {
        let line: Line = [seg(part, base)];
        if (needle !== "") {
          const low = part.toLowerCase();
          line = [];
          let at = 0;
          for (let i = low.indexOf(needle); i >= 0; i = low.indexOf(needle, at)) {
            if (i > at) line.push(seg(part.slice(at, i), base));
            line.push(seg(part.slice(i, i + needle.length), { fg: "yellow" }));
            at = i + needle.length;
          }
          if (at < part.length) line.push(seg(part.slice(at), base));
        }
        out.push(...wrap(line, w));
      }
    }
    return out;
  }

  draw(box: Box): void {
    rule(box.sub(0, 0, box.w, 1), "Logs");
    const inputRows = this.filtering ? 1 : 0;
    const text = box.sub(0, 1, box.w, box.h - 1 - inputRows).pad(0, 1, 0, 1);
    if (this.filtering) this.filter.draw(box.sub(0, box.h - 1, box.w, 1));
    if (this.#entries.length === 0) {
      text.write(0, 0, NO_DATA);
      return;
    }
    const lines = this.#lines(text.w);
    const top = this.scroll.place(lines.length, text.h);
    for (let y = 0; y < text.h && top + y < lines.length; y++) text.write(0, y, lines[top + y]);
  }
}
