// `talosctl reboot`: reboot nodes and, by default, wait until each is back and ready.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { drainFlags, progressFlag, rebootModeFlag, trackFlags } from "./lifecycle_flags.ts";

export const spec: CommandSpec = {
  long: `Reboots every node. Unless --wait=false, follows each node's events until it has booted
again (its boot ID changed) and reports itself running and ready; exits 1 when a node does not
get there in time.`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    progressFlag,
    rebootModeFlag("mode", "the nodes"),
    ...drainFlags(false),
    ...trackFlags,
  ],
  async run(ctx) {
    const { runReboot } = await import("./lifecycle/actions_run.ts");
    await runReboot(ctx);
  },
};
