// `talosctl service [<id> [start|stop|restart|status]]` (alias `services`).

import { type CommandSpec, maxArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  use: "service [<id> [start|stop|restart|status]]",
  aliases: ["services"],
  short: "Retrieve the state of a service (or all services), control service state",
  long: `Service control command. If run without arguments, lists all the services and their state.
If service ID is specified, default action 'status' is executed which shows status of a single list service.
With actions 'start', 'stop', 'restart', service state is updated respectively.`,
  args: maxArgs(2),
  persistentFlags: globalFlags,
  flags: insecureFlags,
  async run(ctx) {
    const { runService } = await import("./service_run.ts");
    await runService(ctx);
  },
};
