// `talosctl list [path]` (alias `ls`): a directory listing from every node.

import { type CommandSpec, maxArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  use: "[path]",
  args: maxArgs(1),
  async complete(ctx, toComplete) {
    const { nodePaths, tooMany } = await import("./complete_node.ts");
    return ctx.args.length !== 0 ? tooMany() : await nodePaths(ctx, toComplete);
  },
  persistentFlags: globalFlags,
  flags: [
    { name: "long", short: "l", kind: "bool", usage: "show mode, owner, size, time and label" },
    { name: "recurse", short: "r", kind: "bool", usage: "descend into every subdirectory" },
    {
      name: "humanize",
      short: "H",
      kind: "bool",
      usage: "print sizes and times in a human-friendly form",
    },
    {
      name: "depth",
      short: "d",
      kind: "int",
      bits: 32,
      typeName: "int32",
      default: 1,
      usage: "how many directory levels to show",
    },
    {
      name: "type",
      short: "t",
      kind: "strings",
      usage: "show only entries of these types:\n" +
        "f\tregular file\nd\tdirectory\nl, L\tsymbolic link",
    },
  ],
  async run(ctx) {
    const { runList } = await import("./files/list_run.ts");
    await runList(ctx);
  },
};
