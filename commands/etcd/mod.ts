// `talosctl etcd`: etcd cluster operations through the control-plane nodes.

import type { CommandEntry, CommandSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "members",
    short: "List the members of the etcd cluster",
    load: async () => (await import("./members.ts")).spec,
  },
  {
    name: "snapshot",
    short: "Save a snapshot of the node's etcd database to a file",
    load: async () => (await import("./snapshot.ts")).spec,
  },
  {
    name: "status",
    short: "Show the status of the etcd member on each node",
    load: async () => (await import("./status.ts")).spec,
  },
];

export const spec: CommandSpec = {
  persistentFlags: globalFlags,
  subcommands: entries,
};
