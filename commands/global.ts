// The persistent flags every command that talks to a cluster (or reads talosconfig) carries.

import { type FlagSpec, lazy } from "./spec.ts";

// Completion helpers load only when a shell asks, not with every command that starts.
const cosi = () => lazy<typeof import("./complete_cosi.ts")>(import.meta.url, "./complete_cosi.ts");
const node = () => lazy<typeof import("./complete_node.ts")>(import.meta.url, "./complete_node.ts");

export const globalFlags: FlagSpec[] = [
  {
    name: "talosconfig",
    kind: "string",
    usage:
      "path of the Talos client configuration file (when unset: $TALOSCONFIG, then '$HOME/.talos/config', then '/var/run/secrets/talos.dev/config')",
  },
  {
    name: "nodes",
    short: "n",
    kind: "strings",
    usage: "nodes the command acts on",
    complete: async (ctx) => (await cosi()).clusterNodes(ctx),
  },
  {
    name: "endpoints",
    short: "e",
    kind: "strings",
    usage: "endpoints to connect to, instead of the ones in the talosconfig context",
  },
  {
    name: "cluster",
    short: "c",
    kind: "string",
    usage: "cluster name to send to a proxying endpoint (e.g. Omni)",
  },
  {
    name: "context",
    kind: "string",
    usage: "talosconfig context to use for this command",
    complete: async (ctx) => (await node()).contextNames(ctx),
  },
  {
    // Only contexts with SideroV1 (PGP-signed) auth read it; this client speaks mTLS only, so
    // the flag is accepted for scripts written for talosctl and has no effect.
    name: "siderov1-keys-dir",
    kind: "string",
    usage:
      "directory of the PGP keys for contexts using SideroV1 auth (when unset: $SIDEROV1_KEYS_DIR, then '$HOME/.talos/keys')",
  },
];
