// `talosctl config endpoint <endpoint>...` (alias endpoints): replace the endpoints of the
// current (or --context) context.

import { type CommandSpec, minArgs } from "../spec.ts";
import { editCurrentContext, goTrimSpace } from "./common.ts";

export const spec: CommandSpec = {
  use: "<endpoint>...",
  args: minArgs(1),
  async run(ctx) {
    const endpoints = ctx.args.map(goTrimSpace);
    await editCurrentContext(ctx, (c) => {
      c.endpoints = endpoints;
    });
  },
};
