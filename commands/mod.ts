// The root of the command tree. Entries are lazy: a command's module loads only when it runs.

import type { Command, CommandEntry } from "./spec.ts";

const entries: CommandEntry[] = [
  {
    name: "completion",
    short: "Generate the completion script for a shell (bash, zsh, fish or powershell)",
    load: async () => (await import("./completion.ts")).spec,
  },
  {
    name: "help",
    short: "Help about any command",
    load: async () => (await import("./help_cmd.ts")).spec,
  },
  {
    name: "config",
    short: "Edit and inspect talosconfig, the client configuration",
    group: "talos",
    load: async () => (await import("./config/mod.ts")).spec,
  },
  {
    name: "disks",
    short: "Replaced by `get disks`: kept to say so",
    group: "talos",
    hidden: true,
    load: async () => (await import("./deprecated.ts")).disks,
  },
  {
    name: "dmesg",
    short: "Show the kernel log of each node",
    group: "talos",
    load: async () => (await import("./dmesg.ts")).spec,
  },
  {
    name: "etcd",
    short: "Manage etcd: members, status, snapshots, alarms, defragmentation, downgrades",
    group: "talos",
    load: async () => (await import("./etcd/mod.ts")).spec,
  },
  {
    name: "gen",
    short: "Generate machine configs, secrets bundles, keys and certificates",
    group: "mgmt",
    load: async () => (await import("./gen/mod.ts")).spec,
  },
  {
    name: "image",
    aliases: ["images"],
    short: "List, pull and remove the container images of a node",
    group: "talos",
    load: async () => (await import("./image.ts")).spec,
  },
  {
    name: "inspect",
    short: "Look inside Talos: the controller runtime's dependency graph",
    group: "talos",
    load: async () => (await import("./inspect.ts")).spec,
  },
  {
    name: "interfaces",
    short: "Replaced by `get addresses` and `get links`: kept to say so",
    group: "talos",
    hidden: true,
    load: async () => (await import("./deprecated.ts")).interfaces,
  },
  {
    name: "kubeconfig",
    short: "Fetch an admin kubeconfig for the cluster from a node",
    group: "talos",
    load: async () => (await import("./kubeconfig.ts")).spec,
  },
  {
    name: "logs",
    short: "Show the log of a service, or of a container with -k",
    group: "talos",
    load: async () => (await import("./logs.ts")).spec,
  },
  {
    name: "machineconfig",
    aliases: ["mc"],
    short: "Machine configuration operations (generate, patch)",
    group: "mgmt",
    load: async () => (await import("./machineconfig/mod.ts")).spec,
  },
  {
    name: "meta",
    short: "Write or delete keys of the META partition",
    group: "talos",
    load: async () => (await import("./meta.ts")).spec,
  },
  {
    name: "netstat",
    aliases: ["ss"],
    short: "List the network sockets and connections of each node",
    group: "talos",
    load: async () => (await import("./netstat.ts")).spec,
  },
  {
    name: "pcap",
    aliases: ["tcpdump"],
    short: "Capture network packets on a node",
    group: "talos",
    load: async () => (await import("./pcap.ts")).spec,
  },
  {
    name: "routes",
    aliases: ["route"],
    short: "Replaced by `get routes`: kept to say so",
    group: "talos",
    hidden: true,
    load: async () => (await import("./deprecated.ts")).routes,
  },
  {
    name: "service",
    aliases: ["services"],
    short: "List services, show one service's state, or start, stop or restart it",
    group: "talos",
    load: async () => (await import("./service.ts")).spec,
  },
  {
    name: "validate",
    short: "Check a machine config file for errors",
    group: "mgmt",
    load: async () => (await import("./validate.ts")).spec,
  },
  {
    name: "version",
    short: "Print the client version and, unless --client is given, the version of each node",
    group: "talos",
    load: async () => (await import("./version.ts")).spec,
  },
  {
    name: "wipe",
    short: "Wipe block devices, LVM volumes and RAID arrays",
    group: "talos",
    load: async () => (await import("./wipe.ts")).spec,
  },
];

export const root: Command = {
  name: "talosctl",
  use: "talosctl",
  short: "Command-line client for Talos Linux: manage nodes, machine configs and clusters",
  groups: [
    { id: "talos", title: "Manage running Talos clusters:" },
    { id: "mgmt", title: "Commands to generate and manage machine configuration offline:" },
    { id: "cluster", title: "Local Talos cluster commands:" },
  ],
  subcommands: entries,
};
