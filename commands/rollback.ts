// `talosctl rollback`: boot nodes back into the Talos installation they ran before an upgrade.

import type { CommandSpec } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  long: `Makes every node boot its previous Talos installation (the one before the last upgrade)
and reboots it. Does not wait for the nodes to come back.`,
  persistentFlags: globalFlags,
  async run(ctx) {
    const { runRollback } = await import("./lifecycle/actions_run.ts");
    await runRollback(ctx);
  },
};
