// `talosctl copy <src-path> -|<local-path>` (alias `cp`): a node's files as a tar.gz stream,
// extracted into a local directory or written raw to stdout.

import { type CommandSpec, exactArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  async complete(ctx, toComplete) {
    const { nodePaths, tooMany } = await import("./complete_node.ts");
    if (ctx.args.length === 0) return await nodePaths(ctx, toComplete);
    return ctx.args.length === 1 ? { items: [], directive: 0 } : tooMany();
  },
  use: "<src-path> -|<local-path>",
  long: `Asks the node to pack <src-path> (a file or a directory tree) into a .tar.gz archive and
streams it back.

With '-' as <local-path> the archive is written to stdout as it arrives, with the owners and
permission bits it records. Otherwise it is unpacked into <local-path>, which is created when
missing and must be a directory: entries keep their permission bits (directories stay
writable by you) but not their owners, and nothing is written outside <local-path>: entry names
are confined to it, links that would lead out of it are skipped with a warning, and no entry is
written through a link.`,
  args: exactArgs(2),
  persistentFlags: globalFlags,
  async run(ctx) {
    const { runCopy } = await import("./files/copy_run.ts");
    await runCopy(ctx);
  },
};
