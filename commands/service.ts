// `talosctl service [<id> [start|stop|restart|status]]` (alias `services`).

import { type CommandSpec, maxArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  use: "[<id> [start|stop|restart|status]]",
  long: `Without arguments, lists every service of each node with its state and health.
With a service ID, shows that service in detail (the 'status' action, which is the default);
the actions 'start', 'stop' and 'restart' change its state.`,
  args: maxArgs(2),
  async complete(ctx) {
    const { serviceIds, tooMany } = await import("./complete_node.ts");
    if (ctx.args.length === 0) return { items: await serviceIds(ctx), directive: 4 };
    if (ctx.args.length === 1) {
      return { items: ["start", "stop", "restart", "status"], directive: 4 };
    }
    return tooMany();
  },
  persistentFlags: globalFlags,
  flags: insecureFlags,
  async run(ctx) {
    const { runService } = await import("./service_run.ts");
    await runService(ctx);
  },
};
