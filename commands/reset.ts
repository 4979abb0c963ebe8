// `talosctl reset`: wipe nodes (all of the system disk, some of its partitions, user disks),
// then halt or reboot them; by default wait for it.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { trackFlags } from "./lifecycle_flags.ts";

export const WIPE_MODES = ["all", "system-disk", "user-disks"];

export const spec: CommandSpec = {
  long: `Resets every node: with --graceful (the default) the node is cordoned and drained and
leaves etcd first; then the disks chosen by --wipe-mode are wiped and the node halts (or reboots
with --reboot). Unless --wait=false, follows each node until it has stopped all its services
and, with --reboot, until it is back.`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "graceful",
      kind: "bool",
      default: true,
      usage: "cordon and drain the node and leave etcd (control plane) before wiping",
    },
    {
      name: "reboot",
      kind: "bool",
      usage: "reboot the node once it is wiped, instead of halting it",
    },
    {
      name: "wipe-mode",
      kind: "string",
      default: "all",
      defaultText: "all",
      check: (v) =>
        WIPE_MODES.includes(v) ? undefined : `possible options are: ${WIPE_MODES.join(", ")}`,
      typeName: WIPE_MODES.join(", "),
      usage: "which disks to wipe",
    },
    {
      name: "user-disks-to-wipe",
      kind: "strings",
      usage: "wipe these block devices (e.g. /dev/sdb)",
    },
    {
      name: "system-labels-to-wipe",
      kind: "strings",
      usage:
        "wipe only the system disk partitions with these labels (e.g. EPHEMERAL), keep the rest",
    },
    ...trackFlags,
  ],
  async run(ctx) {
    const { runReset } = await import("./lifecycle/actions_run.ts");
    await runReset(ctx);
  },
};
