// The only module that talks to the terminal, through terminal-kit: it switches to the alternate
// screen in raw mode, decodes keys (F-keys, arrows, Ctrl combinations) into names, sends each
// frame as the difference with the last one, and puts the terminal back as it was on close.
// It uses the process's own stdin and stdout: a full-screen program owns the terminal.

import type { Canvas, Style } from "./canvas.ts";

export interface Screen {
  readonly width: number;
  readonly height: number;
  present(c: Canvas): void;
  /** Restores the terminal (main screen, cooked mode, cursor); safe to call twice. */
  close(): void;
}

// terminal-kit ships no types: the part of its API used here.
interface TkAttr {
  color?: string;
  bold?: boolean;
  inverse?: boolean;
}
interface TkBuffer {
  put(opts: { x: number; y: number; attr?: TkAttr; wrap?: boolean }, text: string): void;
  fill(opts?: { char?: string }): void;
  draw(opts?: { delta?: boolean }): void;
}
interface TkTerminal {
  width: number;
  height: number;
  fullscreen(on: boolean): void;
  hideCursor(hide?: boolean): void;
  grabInput(opts: false | Record<string, unknown>): void;
  styleReset(): void;
  clear(): void;
  on(event: "key", cb: (name: string) => void): void;
  on(event: "resize", cb: (w: number, h: number) => void): void;
  removeAllListeners(event: string): void;
}
interface TerminalKit {
  terminal: TkTerminal;
  ScreenBuffer: new (opts: { dst: TkTerminal; width: number; height: number }) => TkBuffer;
}

const attrOf = (s: Style | undefined): TkAttr => ({
  ...(s?.fg ? { color: s.fg === "gray" ? "brightBlack" : s.fg } : {}),
  ...(s?.bold ? { bold: true } : {}),
  ...(s?.inverse ? { inverse: true } : {}),
});

const sameStyle = (a: Style | undefined, b: Style | undefined) =>
  a?.fg === b?.fg && !!a?.bold === !!b?.bold && !!a?.inverse === !!b?.inverse;

/** Takes over the terminal; keys and size changes go to the callbacks. */
export async function openScreen(
  onKey: (name: string) => void,
  onResize: () => void,
): Promise<Screen> {
  const tk = (await import("terminal-kit")).default as unknown as TerminalKit;
  const term = tk.terminal;
  let buffer: TkBuffer | undefined;
  let size = "";
  let closed = false;

  term.fullscreen(true);
  term.hideCursor(true);
  term.grabInput({});
  term.on("key", (name) => onKey(name));
  term.on("resize", () => onResize());

  return {
    get width() {
      return term.width;
    },
    get height() {
      return term.height;
    },
    present(c: Canvas) {
      if (closed) return;
      const key = `${c.width}x${c.height}`;
      if (!buffer || key !== size) {
        buffer = new tk.ScreenBuffer({ dst: term, width: c.width, height: c.height });
        size = key;
        term.clear();
      }
      for (let y = 0; y < c.height; y++) {
        let x = 0;
        while (x < c.width) {
          const style = c.styles[y * c.width + x];
          let text = "";
          let end = x;
          while (end < c.width && sameStyle(c.styles[y * c.width + end], style)) {
            text += c.chars[y * c.width + end];
            end++;
          }
          buffer.put({ x, y, attr: attrOf(style), wrap: false }, text);
          x = end;
        }
      }
      buffer.draw({ delta: true });
    },
    close() {
      if (closed) return;
      closed = true;
      term.removeAllListeners("key");
      term.removeAllListeners("resize");
      term.styleReset();
      term.hideCursor(false);
      term.fullscreen(false);
      term.grabInput(false);
    },
  };
}
