// `talosctl kubeconfig [local-path]`: fetch the admin kubeconfig from one control-plane node
// and merge it into the user's kubeconfig (default), or write it to a file or stdout.

import { bool, type CommandSpec, maxArgs, str } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  use: "[local-path]",
  long: `Fetches an admin kubeconfig for the cluster from one node.
With --merge (the default) it is merged into [local-path], or else into $KUBECONFIG
(a single file) or ~/.kube/config; entries that exist with other content are renamed
(or overwritten with --force, or you are asked when stdout is a terminal).
With --merge=false it is written to [local-path] or to the current directory.

With --merge=false, a [local-path] of "-" writes the kubeconfig to stdout.`,
  args: maxArgs(1),
  persistentFlags: globalFlags,
  flags: [
    {
      name: "force",
      short: "f",
      kind: "bool",
      usage: "overwrite an existing kubeconfig file, or conflicting entries when merging",
    },
    {
      name: "force-context-name",
      kind: "string",
      usage: "name to give the merged context instead of the one the node sends",
    },
    {
      name: "merge",
      short: "m",
      kind: "bool",
      default: true,
      usage: "merge into an existing kubeconfig instead of writing a new file",
    },
  ],
  async run(ctx) {
    const { downloadKubeconfig } = await import("./kubeconfig_run.ts");
    await downloadKubeconfig(ctx, {
      arg: ctx.args[0],
      force: bool(ctx, "force"),
      merge: bool(ctx, "merge"),
      forceContextName: str(ctx, "force-context-name"),
    });
  },
};
