// The dashboard draws into a grid of cells (a Canvas) and the terminal layer sends the grid to the
// screen; widgets never talk to the terminal. Text is given as segments with a style each, and
// every write is clipped to the box it is made in, as tview's primitives clip to their rect.

export type Color = "red" | "green" | "yellow" | "cyan" | "gray" | "white";

export interface Style {
  fg?: Color;
  bold?: boolean;
  inverse?: boolean;
}

export interface Seg {
  text: string;
  style?: Style;
}

export type Line = Seg[];

/** A segment of `text` in `style`. */
export const seg = (text: string, style?: Style): Seg => ({ text, style });
export const bold = (text: string): Seg => seg(text, { bold: true });
export const colored = (fg: Color, text: string): Seg => seg(text, { fg });

/** East Asian wide and emoji code points, which take two columns. */
export function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/** Number of columns a text takes. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) n += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + width(s.text), 0);
}

/** A rectangle of a canvas; coordinates given to it are relative and clipped to it. */
export class Box {
  constructor(
    readonly canvas: Canvas,
    readonly x: number,
    readonly y: number,
    readonly w: number,
    readonly h: number,
  ) {}

  /** A box inside this one (clipped to it). */
  sub(x: number, y: number, w: number, h: number): Box {
    const nx = Math.max(0, x), ny = Math.max(0, y);
    const nw = Math.max(0, Math.min(w - (nx - x), this.w - nx));
    const nh = Math.max(0, Math.min(h - (ny - y), this.h - ny));
    return new Box(this.canvas, this.x + nx, this.y + ny, nw, nh);
  }

  /** This box less padding on each side. */
  pad(top: number, right: number, bottom: number, left: number): Box {
    return this.sub(left, top, this.w - left - right, this.h - top - bottom);
  }

  set(x: number, y: number, ch: string, style?: Style): void {
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    this.canvas.put(this.x + x, this.y + y, ch, style);
  }

  /** Writes a line (or plain text) at (x, y); returns the column after the last one written. */
  write(x: number, y: number, line: Line | string, style?: Style): number {
    const segs = typeof line === "string" ? [seg(line, style)] : line;
    let col = x;
    for (const s of segs) {
      for (let ch of s.text) {
        const cp = ch.codePointAt(0)!;
        if (cp < 0x20 || cp === 0x7f) ch = " ";
        const wide = isWide(cp);
        if (col + (wide ? 2 : 1) > this.w) return this.w;
        this.set(col, y, ch, s.style);
        // The second column of a wide character holds nothing of its own.
        if (wide) this.set(col + 1, y, "", s.style);
        col += wide ? 2 : 1;
      }
    }
    return col;
  }

  fill(ch: string, style?: Style): void {
    for (let y = 0; y < this.h; y++) for (let x = 0; x < this.w; x++) this.set(x, y, ch, style);
  }
}

/** A screen's worth of cells. */
export class Canvas {
  readonly chars: string[];
  readonly styles: (Style | undefined)[];

  constructor(readonly width: number, readonly height: number) {
    this.chars = new Array(width * height).fill(" ");
    this.styles = new Array(width * height).fill(undefined);
  }

  get root(): Box {
    return new Box(this, 0, 0, this.width, this.height);
  }

  put(x: number, y: number, ch: string, style?: Style): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.chars[y * this.width + x] = ch;
    this.styles[y * this.width + x] = style;
  }

  /** The rows as plain text, trailing blanks trimmed (what a screen capture shows). */
  text(): string {
    const rows: string[] = [];
    for (let y = 0; y < this.height; y++) {
      rows.push(this.chars.slice(y * this.width, (y + 1) * this.width).join("").trimEnd());
    }
    return rows.join("\n");
  }
}

/**
 * Splits `total` cells as a tview grid splits its rows or columns: positive sizes are fixed,
 * the rest is shared among the others by weight (0 counts as 1, -n as n).
 */
export function split(total: number, sizes: number[]): number[] {
  const fixed = sizes.reduce((n, s) => n + (s > 0 ? s : 0), 0);
  const weights = sizes.map((s) => (s > 0 ? 0 : s === 0 ? 1 : -s));
  const sum = weights.reduce((a, b) => a + b, 0);
  let rest = Math.max(0, total - fixed);
  const out = sizes.map((s) => (s > 0 ? s : 0));
  let left = sum;
  for (let i = 0; i < sizes.length; i++) {
    if (weights[i] === 0) continue;
    const share = Math.floor(rest * weights[i] / left);
    out[i] = share;
    rest -= share;
    left -= weights[i];
  }
  return out;
}

/** Boxes for the rows of `box` sized by `sizes` (see split). */
export function rows(box: Box, sizes: number[]): Box[] {
  let y = 0;
  return split(box.h, sizes).map((h) => {
    const b = box.sub(0, y, box.w, h);
    y += h;
    return b;
  });
}

/** Boxes for the columns of `box` sized by `sizes` (see split). */
export function columns(box: Box, sizes: number[]): Box[] {
  let x = 0;
  return split(box.w, sizes).map((w) => {
    const b = box.sub(x, 0, w, box.h);
    x += w;
    return b;
  });
}
