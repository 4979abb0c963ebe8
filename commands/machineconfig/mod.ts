// `talosctl machineconfig` (alias `mc`): offline machine config operations.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "gen",
    short: "Write machine configs and a talosconfig for a new cluster",
    load: () => loadSpec(import.meta.url, "./gen.ts"),
  },
  {
    name: "patch",
    short: "Apply patches to a machine config file",
    load: () => loadSpec(import.meta.url, "./patch.ts"),
  },
];

export const spec: CommandSpec = {
  subcommands: entries,
};
