// `talosctl etcd`: etcd cluster operations through the control-plane nodes.

import type { CommandEntry, CommandSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "members",
    short: "Get the list of etcd cluster members",
    load: async () => (await import("./members.ts")).spec,
  },
  {
    name: "snapshot",
    short: "Stream snapshot of the etcd node to the path.",
    load: async () => (await import("./snapshot.ts")).spec,
  },
  {
    name: "status",
    short: "Get the status of etcd cluster member",
    load: async () => (await import("./status.ts")).spec,
  },
];

export const spec: CommandSpec = {
  use: "etcd",
  short: "Manage etcd",
  persistentFlags: globalFlags,
  subcommands: entries,
};
