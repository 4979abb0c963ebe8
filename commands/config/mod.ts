// `talosctl config`: manage the client configuration file (talosconfig).

import type { CommandEntry, CommandSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [];

export const spec: CommandSpec = {
  use: "config",
  short: "Manage the client configuration file (talosconfig)",
  persistentFlags: globalFlags,
  subcommands: entries,
};
