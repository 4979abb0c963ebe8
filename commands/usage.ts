// `talosctl usage [path1] [path2] ... [pathN]` (alias `du`): disk usage from every node.

import type { CommandSpec } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  async complete(ctx, toComplete) {
    const { nodePaths, tooMany } = await import("./complete_node.ts");
    return ctx.args.length !== 0 ? tooMany() : await nodePaths(ctx, toComplete, true);
  },
  use: "[path1] [path2] ... [pathN]",
  persistentFlags: globalFlags,
  flags: [
    {
      name: "humanize",
      short: "H",
      kind: "bool",
      usage: "print sizes in a human-friendly form",
    },
    { name: "all", short: "a", kind: "bool", usage: "list files too, not only directories" },
    {
      name: "threshold",
      short: "t",
      kind: "int",
      typeName: "int64",
      usage:
        "hide entries smaller than SIZE bytes when positive, or larger than -SIZE when negative",
    },
    {
      name: "depth",
      short: "d",
      kind: "int",
      bits: 32,
      typeName: "int32",
      usage: "how many directory levels below each path to show",
    },
  ],
  async run(ctx) {
    const { runUsage } = await import("./files/usage_run.ts");
    await runUsage(ctx);
  },
};
