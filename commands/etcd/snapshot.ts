// `talosctl etcd snapshot <path>`: stream the node's etcd snapshot into <path>.part, check it
// ends with etcd's sha256 trailer, then rename it into place (nothing is left behind when the
// transfer fails). Then, as talosctl, the saved file is read back for etcdutl's status line
// (hash, revision, keys, size); a file that fails that check stays, and the command fails.

import { type CommandSpec, exactArgs } from "../spec.ts";

export const spec: CommandSpec = {
  use: "<path>",
  args: exactArgs(1),
  async run(ctx) {
    const { saveSnapshot } = await import("./snapshot_save.ts");
    await saveSnapshot(ctx);
  },
};
