// `talosctl machineconfig` (alias `mc`): offline machine config operations.

import type { CommandEntry, CommandSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "gen",
    short: "Generates a set of configuration files for Talos cluster",
    load: async () => (await import("./gen.ts")).spec,
  },
  {
    name: "patch",
    short: "Patch a machine config",
    load: async () => (await import("./patch.ts")).spec,
  },
];

export const spec: CommandSpec = {
  use: "machineconfig",
  aliases: ["mc"],
  short: "Machine configuration operations (generate, patch)",
  subcommands: entries,
};
