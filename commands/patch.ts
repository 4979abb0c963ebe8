// `talosctl patch machineconfig [<id>] -p PATCH|@file [--patch-file FILE]`: patch the config
// running on each node (fetched over COSI) with strategic-merge or JSON patches and send the
// result back with ApplyConfiguration.

import { type CommandSpec, list, rangeArgs, str } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { dryRunFlag, modeFlag, namespaceFlag, tryTimeoutFlag } from "./apply_flags.ts";

export const spec: CommandSpec = {
  use: "machineconfig",
  args: rangeArgs(1, 2),
  persistentFlags: globalFlags,
  flags: [
    namespaceFlag,
    { name: "patch-file", kind: "string", usage: "file holding a patch to apply" },
    {
      name: "patch",
      short: "p",
      kind: "stringArray",
      usage: "patch to apply to the node's config: inline YAML/JSON, or @file (repeatable)",
    },
    dryRunFlag("show the node's change summary and diff without applying anything"),
    tryTimeoutFlag,
    modeFlag,
  ],
  async run(ctx) {
    const { runPatch } = await import("./patch_run.ts");
    const values = [...list(ctx, "patch")];
    if (str(ctx, "patch-file") !== "") values.push("@" + str(ctx, "patch-file"));
    await runPatch(ctx, values);
  },
};
