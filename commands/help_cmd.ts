// `talosctl help [command]`: the help of any command, as cobra's built-in help command.

import { helpString, usageString } from "./help.ts";
import type { CommandSpec } from "./spec.ts";

export const spec: CommandSpec = {
  use: "[command]",
  long: `Shows the help of any command.
Type talosctl help [path to command], e.g. "talosctl help config add", for the details.`,
  async complete(ctx, toComplete) {
    // as cobra's help command: the subcommands of the command named so far (nothing after an
    // unknown command of the root)
    const { root } = await import("./mod.ts");
    const { resolvePath } = await import("./tree.ts");
    const { node, rest } = await resolvePath(root, ctx.args);
    if (rest.length > 0 && node.path === "talosctl") return { items: [], directive: 4 };
    const items = (node.spec.subcommands ?? [])
      .filter((e) => !e.hidden && e.name.startsWith(toComplete))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((e) => `${e.name}\t${e.short}`);
    return { items, directive: 4 };
  },
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
