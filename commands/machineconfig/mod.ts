// `talosctl machineconfig` (alias `mc`): offline machine config operations.

import type { CommandEntry, CommandSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "gen",
    short: "Write machine configs and a talosconfig for a new cluster",
    load: async () => (await import("./gen.ts")).spec,
  },
  {
    name: "patch",
    short: "Apply patches to a machine config file",
    load: async () => (await import("./patch.ts")).spec,
  },
];

export const spec: CommandSpec = {
  subcommands: entries,
};
