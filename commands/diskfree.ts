// `talosctl diskfree [volume ID]` (alias `df`): space and inodes of the volumes a node mounted.

import { type CommandSpec, maxArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  use: "[volume ID]",
  long: `Shows, for each volume the node has mounted with a filesystem of its own, its size, the
space used and available, and how full it is (or, with --inodes, the same for inodes).

Volumes without a filesystem of their own (directories, symlinks, overlays) are not listed:
their space is counted in the volume they live on. 'talosctl mounts' lists every mount.`,
  args: maxArgs(1),
  persistentFlags: globalFlags,
  flags: [
    { name: "bytes", short: "b", kind: "bool", usage: "print sizes and counts as plain numbers" },
    { name: "inodes", short: "i", kind: "bool", usage: "show inode use instead of space" },
  ],
  async run(ctx) {
    const { runDiskfree } = await import("./diskfree_run.ts");
    await runDiskfree(ctx);
  },
};
