// `talosctl config node [<node>...]` (alias nodes): replace the default target nodes of the
// current (or --context) context; no arguments clears them.

import type { CommandSpec } from "../spec.ts";
import { editCurrentContext, goTrimSpace } from "./common.ts";

export const spec: CommandSpec = {
  use: "<endpoint>...",
  async run(ctx) {
    const nodes = ctx.args.map(goTrimSpace);
    await editCurrentContext(ctx, (c) => {
      if (nodes.length > 0) c.nodes = nodes;
      else delete c.nodes;
    });
  },
};
