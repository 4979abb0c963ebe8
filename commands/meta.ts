// `talosctl meta write <key> <value>` / `meta delete <key>`: keys of the node's META partition.
// As upstream, --insecure belongs to `meta` itself (not inherited), so write/delete always use
// the talosconfig client.

import { type CommandEntry, type CommandSpec, exactArgs, loadSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

const entries: CommandEntry[] = [
  {
    name: "delete",
    short: "Remove a key from the META partition of each node",
    load: () => loadSpec(import.meta.url, "./meta.ts", "remove"),
  },
  {
    name: "write",
    short: "Store a value under a key in the META partition of each node",
    load: () => loadSpec(import.meta.url, "./meta.ts", "write"),
  },
];

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: insecureFlags,
  subcommands: entries,
};

export const write: CommandSpec = {
  use: "key value",
  args: exactArgs(2),
  async run(ctx) {
    const { metaRun } = await import("./meta_run.ts");
    await metaRun(ctx, "write");
  },
};

export const remove: CommandSpec = {
  use: "key",
  args: exactArgs(1),
  async run(ctx) {
    const { metaRun } = await import("./meta_run.ts");
    await metaRun(ctx, "delete");
  },
};
