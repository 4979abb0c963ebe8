// `talosctl edit machineconfig [<id>]`: open each node's running config in an editor and send
// the edited text back with ApplyConfiguration.

import { type CommandSpec, rangeArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { dryRunFlag, modeFlag, namespaceFlag, tryTimeoutFlag } from "./apply_flags.ts";

export const spec: CommandSpec = {
  use: "machineconfig",
  long: `Opens the machine config of each node in a text editor and applies what you save.

The editor is taken from $TALOS_EDITOR, then $EDITOR; without either, vi (notepad on
Windows). If the node rejects the edited config, the editor opens again with the error
at the top of the file; saving it unchanged gives up. An emptied or unchanged file is
not applied.`,
  args: rangeArgs(1, 2),
  persistentFlags: globalFlags,
  flags: [
    namespaceFlag,
    modeFlag,
    dryRunFlag("send the edited config as a dry run: the node's change summary, nothing applied"),
    tryTimeoutFlag,
  ],
  async run(ctx) {
    const { runEdit } = await import("./edit_run.ts");
    await runEdit(ctx);
  },
};
