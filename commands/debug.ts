// `talosctl debug [<image-tar-path|image ref>]`: run a privileged debug container on one node
// from an image archive (uploaded into the node's containerd) or a reference (pulled there),
// and attach this terminal's stdin/stdout to it.

import { type CommandSpec, rangeArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  use: "[<image-tar-path|image ref>]",
  example: `  # Upload a local image archive to the node and start a shell from it
    talosctl debug ./debug-tools.tar --args /bin/sh

  # Start a shell from an image the node pulls (unless it already has it)
    talosctl debug docker.io/library/alpine:latest --args /bin/sh`,
  args: rangeArgs(0, 1),
  persistentFlags: globalFlags,
  flags: [
    { name: "args", kind: "strings", usage: "command and arguments the container runs" },
    {
      name: "namespace",
      kind: "string",
      default: "inmem",
      // pflag shows a backquoted word of the usage as the value's name: upstream's is "system".
      typeName: "system",
      usage:
        "containerd instance for the image and the container: system (the CRI containerd) or inmem (the in-memory instance)",
    },
  ],
  async run(ctx) {
    const { debugRun } = await import("./debug_run.ts");
    await debugRun(ctx);
  },
};
