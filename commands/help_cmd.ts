// `talosctl help [command]`: the help of any command, as cobra's built-in help command.

import { helpString, usageString } from "./help.ts";
import type { CommandSpec } from "./spec.ts";

export const spec: CommandSpec = {
  use: "[command]",
  long: `Shows the help of any command.
Type talosctl help [path to command], e.g. "talosctl help config add", for the details.`,
  async run(ctx) {
    const { root } = await import("./mod.ts");
    const { resolvePath } = await import("./tree.ts");
    const { node, rest } = await resolvePath(root, ctx.args);
    const helpNode = {
      spec: node.spec,
      path: node.path,
      localFlags: [...(node.spec.flags ?? []), ...(node.spec.persistentFlags ?? [])],
      inheritedFlags: node.inherited,
      isRoot: node.path === "talosctl",
    };
    // As cobra: an unknown first word is an unknown topic (with the root usage, on stderr);
    // extra words below a known command are ignored.
    if (rest.length > 0 && node.path === "talosctl") {
      const topic = "[" + ctx.args.map(backquote).join(" ") + "]";
      await ctx.deps.io.stderr.write(`Unknown help topic ${topic}\n${usageString(helpNode)}`);
      return;
    }
    await ctx.deps.io.stdout.write(helpString(helpNode));
  },
};

/** Go's %#q for a string: backquoted when possible, else double-quoted. */
function backquote(s: string): string {
  const plain = [...s].every((c) => {
    const cp = c.codePointAt(0)!;
    return c !== "`" && cp !== 0xfeff && cp !== 0x7f && (cp >= 0x20 || c === "\t");
  });
  return plain ? "`" + s + "`" : JSON.stringify(s);
}
