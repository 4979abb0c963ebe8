// `talosctl config context <name>` (alias use-context): select the current context.

import { type CommandSpec, exactArgs } from "../spec.ts";
import { lib, requireContext, wrap } from "./common.ts";

export const spec: CommandSpec = {
  use: "<context>",
  args: exactArgs(1),
  async complete(ctx) {
    const { contextNames } = await import("../complete_node.ts");
    return await contextNames(ctx);
  },
  async run(ctx) {
    const name = ctx.args[0];
    const l = await lib();
    try {
      await l.updateTalosconfig(ctx.deps, ctx.global, (cfg) => {
        requireContext(cfg, name);
        // As talosctl: the argument is stored as given (an empty one clears the selection).
        cfg.context = name;
      });
    } catch (e) {
      wrap("", e);
    }
  },
};
