// `talosctl apply-config -f FILE` (alias `apply`): send a machine config to each node.

import { type CommandSpec, maxArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";
import { dryRunFlag, modeFlag, tryTimeoutFlag } from "./apply_flags.ts";

export const spec: CommandSpec = {
  args: maxArgs(1),
  persistentFlags: globalFlags,
  flags: [
    ...insecureFlags,
    { name: "file", short: "f", kind: "string", usage: "the machine config file to send" },
    dryRunFlag("show what the node would do with the config (and the diff) without changing it"),
    {
      name: "config-patch",
      short: "p",
      kind: "stringArray",
      usage: "patch the config before sending it (inline YAML/JSON or @file; repeatable)",
    },
    tryTimeoutFlag,
    modeFlag,
  ],
  async run(ctx) {
    const { runApplyConfig } = await import("./apply_run.ts");
    await runApplyConfig(ctx);
  },
};
