// `talosctl gen`: offline generation of configs, secrets and PKI material.

import type { CommandEntry, CommandSpec } from "../spec.ts";

const entries: CommandEntry[] = [];

export const spec: CommandSpec = {
  use: "gen",
  short: "Generate machine configs, secrets bundles, keys and certificates",
  persistentFlags: [
    { name: "force", short: "f", kind: "bool", usage: "overwrite files that already exist" },
  ],
  subcommands: entries,
};
