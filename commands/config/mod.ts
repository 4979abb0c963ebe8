// `talosctl config`: the subcommands that read and edit talosconfig files.

import type { CommandEntry, CommandSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "add",
    short: "Add a context (replacing any context of the same name)",
    load: async () => (await import("./add.ts")).spec,
  },
  {
    name: "context",
    aliases: ["use-context"],
    short: "Switch to another context",
    load: async () => (await import("./context.ts")).spec,
  },
  {
    name: "contexts",
    aliases: ["get-contexts"],
    short: "List the contexts, marking the current one",
    load: async () => (await import("./contexts.ts")).spec,
  },
  {
    name: "endpoint",
    aliases: ["endpoints"],
    short: "Replace the endpoints of the current context",
    load: async () => (await import("./endpoint.ts")).spec,
  },
  {
    name: "info",
    short: "Show the current context: nodes, endpoints, roles and certificate expiry",
    load: async () => (await import("./info.ts")).spec,
  },
  {
    name: "merge",
    short: "Merge the contexts of another talosconfig into this one",
    load: async () => (await import("./merge.ts")).spec,
  },
  {
    name: "new",
    short: "Have a node issue a client certificate and write it as a new talosconfig",
    load: async () => (await import("./new.ts")).spec,
  },
  {
    name: "node",
    aliases: ["nodes"],
    short: "Replace the default nodes of the current context",
    load: async () => (await import("./node.ts")).spec,
  },
  {
    name: "proxy-url",
    short: "Show, set or clear the proxy URL of the current context",
    load: async () => (await import("./proxy_url.ts")).spec,
  },
  {
    name: "remove",
    short: "Remove the contexts matching a pattern (* matches anything)",
    load: async () => (await import("./remove.ts")).spec,
  },
  {
    name: "renew",
    short: "Give the current context a new client certificate, online or from the secrets bundle",
    load: async () => (await import("./renew.ts")).spec,
  },
];

export const spec: CommandSpec = {
  persistentFlags: globalFlags,
  subcommands: entries,
};
