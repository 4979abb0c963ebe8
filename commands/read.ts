// `talosctl read <path>` (alias `cat`): a file's bytes from one node, streamed to stdout.

import { type CommandSpec, exactArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  use: "<path>",
  args: exactArgs(1),
  async complete(ctx, toComplete) {
    const { nodePaths, tooMany } = await import("./complete_node.ts");
    return ctx.args.length !== 0 ? tooMany() : await nodePaths(ctx, toComplete);
  },
  persistentFlags: globalFlags,
  async run(ctx) {
    const { runRead } = await import("./files/read_run.ts");
    await runRead(ctx);
  },
};
