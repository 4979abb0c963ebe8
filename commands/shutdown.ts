// `talosctl shutdown`: power nodes off and, by default, wait until each stopped its services.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { trackFlags } from "./lifecycle_flags.ts";

export const spec: CommandSpec = {
  long: `Shuts every node down. Unless --wait=false, follows each node's events until it has
stopped all its services.`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "force",
      kind: "bool",
      usage: "skip cordoning and draining the Kubernetes node before the shutdown",
    },
    ...trackFlags,
  ],
  async run(ctx) {
    const { runShutdown } = await import("./lifecycle/actions_run.ts");
    await runShutdown(ctx);
  },
};
