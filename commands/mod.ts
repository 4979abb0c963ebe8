// The root of the command tree. Entries are lazy: a command's module loads only when it runs.

import type { Command, CommandEntry } from "./spec.ts";

const entries: CommandEntry[] = [
  {
    name: "completion",
    short: "Generate the completion script for a shell (bash, zsh, fish or powershell)",
    load: async () => (await import("./completion.ts")).spec,
  },
  {
    name: "containers",
    aliases: ["c"],
    short: "List the containers of each node (system ones, or Kubernetes' with -k)",
    group: "talos",
    load: async () => (await import("./containers.ts")).spec,
  },
  {
    name: "copy",
    aliases: ["cp"],
    short: "Copy files out of a node (a tar.gz stream, unpacked locally or raw on stdout)",
    group: "talos",
    load: async () => (await import("./copy.ts")).spec,
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
    name: "dmesg",
    short: "Show the kernel log of each node",
    group: "talos",
    load: async () => (await import("./dmesg.ts")).spec,
  },
  {
    name: "etcd",
    short: "Inspect etcd members and status, save snapshots",
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
    name: "get",
    aliases: ["g"],
    short: "Show a resource or every resource of a type ('talosctl get rd' lists the types)",
    group: "talos",
    load: async () => (await import("./get.ts")).spec,
  },
  {
    name: "kubeconfig",
    short: "Fetch an admin kubeconfig for the cluster from a node",
    group: "talos",
    load: async () => (await import("./kubeconfig.ts")).spec,
  },
  {
    name: "list",
    aliases: ["ls"],
    short: "List a directory of each node",
    group: "talos",
    load: async () => (await import("./list.ts")).spec,
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
    name: "memory",
    aliases: ["m", "free"],
    short: "Show the memory use of each node",
    group: "talos",
    load: async () => (await import("./memory.ts")).spec,
  },
  {
    name: "mounts",
    aliases: ["mount"],
    short: "List the mounts of each node with their size and use",
    group: "talos",
    load: async () => (await import("./mounts.ts")).spec,
  },
  {
    name: "processes",
    aliases: ["p", "ps"],
    short: "List the processes of each node",
    group: "talos",
    load: async () => (await import("./processes.ts")).spec,
  },
  {
    name: "read",
    aliases: ["cat"],
    short: "Print a file of a node",
    group: "talos",
    load: async () => (await import("./read.ts")).spec,
  },
  {
    name: "restart",
    short: "Restart a container on each node",
    group: "talos",
    load: async () => (await import("./restart.ts")).spec,
  },
  {
    name: "service",
    aliases: ["services"],
    short: "List services, show one service's state, or start, stop or restart it",
    group: "talos",
    load: async () => (await import("./service.ts")).spec,
  },
  {
    name: "stats",
    short: "Show the memory and CPU use of each node's containers",
    group: "talos",
    load: async () => (await import("./stats.ts")).spec,
  },
  {
    name: "support",
    short: "Collect the cluster's debug data into an (encrypted) archive",
    group: "talos",
    load: async () => (await import("./support.ts")).spec,
  },
  {
    name: "time",
    short: "Show each node's clock next to the time an NTP server reports",
    group: "talos",
    load: async () => (await import("./time.ts")).spec,
  },
  {
    name: "usage",
    aliases: ["du"],
    short: "Show how much disk space paths take on each node",
    group: "talos",
    load: async () => (await import("./usage.ts")).spec,
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
