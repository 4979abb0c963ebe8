// The root of the command tree. Entries are lazy: a command's module loads only when it runs.

import type { CommandEntry, CommandSpec } from "./spec.ts";

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
    short: "Manage the client configuration file (talosconfig)",
    group: "talos",
    load: async () => (await import("./config/mod.ts")).spec,
  },
  {
    name: "dmesg",
    short: "Retrieve kernel logs",
    group: "talos",
    load: async () => (await import("./dmesg.ts")).spec,
  },
  {
    name: "etcd",
    short: "Manage etcd",
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
    name: "kubeconfig",
    short: "Download the admin kubeconfig from the node",
    group: "talos",
    load: async () => (await import("./kubeconfig.ts")).spec,
  },
  {
    name: "logs",
    short: "Retrieve logs for a service",
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
    name: "service",
    aliases: ["services"],
    short: "Retrieve the state of a service (or all services), control service state",
    group: "talos",
    load: async () => (await import("./service.ts")).spec,
  },
  {
    name: "validate",
    short: "Validate config",
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

export const root: CommandSpec = {
  use: "talosctl",
  short: "A CLI for out-of-band management of Kubernetes nodes created by Talos",
  groups: [
    { id: "talos", title: "Manage running Talos clusters:" },
    { id: "mgmt", title: "Commands to generate and manage machine configuration offline:" },
    { id: "cluster", title: "Local Talos cluster commands:" },
  ],
  subcommands: entries,
};
