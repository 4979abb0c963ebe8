// `talosctl dashboard`: a full-screen view of the nodes (summary with the kernel log, live
// metrics and processes, a resource browser), switching nodes and screens with keys. It needs a
// terminal; the code that draws and reads keys is in dashboard/.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  args: noArgs,
  long: `Shows a full-screen, live view of the nodes: a summary of each node with its kernel log,
its CPU, memory, network and disk use with the busiest processes, and its resources.

Keys:

 - F1, F2, F3 - summary, monitor and resources screens
 - h, <Left> - the node to the left
 - l, <Right> - the node to the right
 - j, <Down> - scroll the log or the process list down
 - k, <Up> - scroll the log or the process list up
 - <C-d> - scroll the log half a page down
 - <C-u> - scroll the log half a page up
 - <C-f> - scroll the log or the process list a page down
 - <C-b> - scroll the log or the process list a page up
 - / - filter the log (Esc clears the filter)
 - <C-z> - pause and resume the metrics
 - q, <C-c> - quit
`,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "update-interval",
      short: "d",
      kind: "duration",
      default: 3000,
      usage: "how often the metrics are fetched",
    },
  ],
  async run(ctx) {
    const { goDuration, openSession, UserError } = await import("./kit.ts");
    const session = await openSession(ctx);
    if (!ctx.deps.io.stdout.isTTY || !ctx.deps.io.stdin.isTTY) {
      throw new UserError(
        "dashboard needs a terminal: its standard input and output must be a terminal (use `talosctl get`, `talosctl dmesg` or `talosctl processes` in scripts)",
      );
    }
    const interval = ctx.flags["update-interval"] as number;
    if (interval <= 0) {
      throw new UserError(`--update-interval must be positive, got ${goDuration(interval)}`);
    }
    const { runDashboard } = await import("./dashboard/app.ts");
    const { openScreen } = await import("./dashboard/terminal.ts");
    await runDashboard({
      session,
      nodes: session.nodes,
      intervalMs: interval,
      signal: ctx.deps.signal,
      screen: openScreen,
    });
  },
};
