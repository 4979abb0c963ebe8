// `talosctl config`: the subcommands that read and edit talosconfig files.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "add",
    short: "Add a context (replacing any context of the same name)",
    load: () => loadSpec(import.meta.url, "./add.ts"),
  },
  {
    name: "context",
    aliases: ["use-context"],
    short: "Switch to another context",
    load: () => loadSpec(import.meta.url, "./context.ts"),
  },
  {
    name: "contexts",
    aliases: ["get-contexts"],
    short: "List the contexts, marking the current one",
    load: () => loadSpec(import.meta.url, "./contexts.ts"),
  },
  {
    name: "endpoint",
    aliases: ["endpoints"],
    short: "Replace the endpoints of the current context",
    load: () => loadSpec(import.meta.url, "./endpoint.ts"),
  },
  {
    name: "info",
    short: "Show the current context: nodes, endpoints, roles and certificate expiry",
    load: () => loadSpec(import.meta.url, "./info.ts"),
  },
  {
    name: "merge",
    short: "Merge the contexts of another talosconfig into this one",
    load: () => loadSpec(import.meta.url, "./merge.ts"),
  },
  {
    name: "new",
    short: "Have a node issue a client certificate and write it as a new talosconfig",
    load: () => loadSpec(import.meta.url, "./new.ts"),
  },
  {
    name: "node",
    aliases: ["nodes"],
    short: "Replace the default nodes of the current context",
    load: () => loadSpec(import.meta.url, "./node.ts"),
  },
  {
    name: "proxy-url",
    short: "Show, set or clear the proxy URL of the current context",
    load: () => loadSpec(import.meta.url, "./proxy_url.ts"),
  },
  {
    name: "remove",
    short: "Remove the contexts matching a pattern (* matches anything)",
    load: () => loadSpec(import.meta.url, "./remove.ts"),
  },
  {
    name: "renew",
    short: "Give the current context a new client certificate, online or from the secrets bundle",
    load: () => loadSpec(import.meta.url, "./renew.ts"),
  },
];

export const spec: CommandSpec = {
  persistentFlags: globalFlags,
  subcommands: entries,
};
