// Drives a full-screen program in tmux, as a person at a terminal would: a detached session of a
// fixed size on a tmux server of its own, keys sent with send-keys, the screen read with
// capture-pane. Without tmux the calling test is skipped with a warning, except under CI=true,
// where a missing tmux fails loudly.

import { haveTool } from "./extern_tools.ts";

/** True when tmux runs here; throws under CI when it does not (extern_tools.ts). */
export function haveTmux(): Promise<boolean> {
  return haveTool("tmux", ["-V"]);
}

let serial = 0;

/** One tmux server with one session running `command` in a shell. */
export class TmuxSession implements AsyncDisposable {
  readonly socket = `talosctl-test-${Deno.pid}-${++serial}`;

  private constructor() {}

  static async start(command: string, cols = 120, rows = 40): Promise<TmuxSession> {
    const t = new TmuxSession();
    await t.tmux("new-session", "-d", "-s", "t", "-x", String(cols), "-y", String(rows), command);
    return t;
  }

  async tmux(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.socket, "-f", "/dev/null", ...args],
      stdout: "piped",
      stderr: "piped",
      env: { TERM: "xterm-256color" },
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(`tmux ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    }
    return text;
  }

  /** The visible screen, one line a row. */
  capture(): Promise<string> {
    return this.tmux("capture-pane", "-p", "-t", "t");
  }

  /** Sends keys by tmux name ("q", "F2", "Left", "C-c"). */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) await this.tmux("send-keys", "-t", "t", k);
  }

  /** A pane attribute (`#{alternate_on}`, `#{cursor_flag}`, ...). */
  async attr(name: string): Promise<string> {
    return (await this.tmux("display-message", "-p", "-t", "t", `#{${name}}`)).trim();
  }

  /**
   * Polls the screen until `ok` holds (no fixed waits: each check reads the screen again), for
   * at most `timeoutMs`; fails with the last screen.
   */
  async waitFor(
    what: string,
    ok: (screen: string) => boolean,
    timeoutMs = 60_000,
  ): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < end) {
      screen = await this.capture();
      if (ok(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.tmux("kill-server");
    } catch {
      // already gone
    }
  }
}

/** Quotes a word for sh. */
export const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
