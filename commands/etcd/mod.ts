// `talosctl etcd`: etcd cluster operations through the control-plane nodes.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "alarm",
    short: "List or clear etcd alarms",
    load: () => loadSpec(import.meta.url, "./alarm.ts"),
  },
  {
    name: "defrag",
    short: "Defragment the etcd database of one node",
    load: () => loadSpec(import.meta.url, "./maintenance.ts", "defrag"),
  },
  {
    name: "downgrade",
    short: "Validate, start or cancel a downgrade of etcd's storage version",
    load: () => loadSpec(import.meta.url, "./downgrade.ts"),
  },
  {
    name: "forfeit-leadership",
    short: "Make each node's etcd member hand leadership over to another member",
    load: () => loadSpec(import.meta.url, "./maintenance.ts", "forfeitLeadership"),
  },
  {
    name: "leave",
    short: "Make one node's etcd member leave the cluster",
    load: () => loadSpec(import.meta.url, "./maintenance.ts", "leave"),
  },
  {
    name: "members",
    short: "List the members of the etcd cluster",
    load: () => loadSpec(import.meta.url, "./members.ts"),
  },
  {
    name: "remove-member",
    short: "Remove a member from the etcd cluster by ID",
    load: () => loadSpec(import.meta.url, "./maintenance.ts", "removeMember"),
  },
  {
    name: "snapshot",
    short: "Save a snapshot of the node's etcd database to a file",
    load: () => loadSpec(import.meta.url, "./snapshot.ts"),
  },
  {
    name: "status",
    short: "Show the status of the etcd member on each node",
    load: () => loadSpec(import.meta.url, "./status.ts"),
  },
];

export const spec: CommandSpec = {
  persistentFlags: globalFlags,
  subcommands: entries,
};
