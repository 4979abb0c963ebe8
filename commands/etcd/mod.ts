// `talosctl etcd`: etcd cluster operations through the control-plane nodes.

import type { CommandEntry, CommandSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "alarm",
    short: "List or clear etcd alarms",
    load: async () => (await import("./alarm.ts")).spec,
  },
  {
    name: "defrag",
    short: "Defragment the etcd database of one node",
    load: async () => (await import("./maintenance.ts")).defrag,
  },
  {
    name: "downgrade",
    short: "Validate, start or cancel a downgrade of etcd's storage version",
    load: async () => (await import("./downgrade.ts")).spec,
  },
  {
    name: "forfeit-leadership",
    short: "Make each node's etcd member hand leadership over to another member",
    load: async () => (await import("./maintenance.ts")).forfeitLeadership,
  },
  {
    name: "leave",
    short: "Make one node's etcd member leave the cluster",
    load: async () => (await import("./maintenance.ts")).leave,
  },
  {
    name: "members",
    short: "List the members of the etcd cluster",
    load: async () => (await import("./members.ts")).spec,
  },
  {
    name: "remove-member",
    short: "Remove a member from the etcd cluster by ID",
    load: async () => (await import("./maintenance.ts")).removeMember,
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
