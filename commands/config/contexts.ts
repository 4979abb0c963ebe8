// `talosctl config contexts` (alias get-contexts): list the contexts as a table.

import type { CommandSpec } from "../spec.ts";
import { open, tabwrite } from "./common.ts";

export const spec: CommandSpec = {
  async run(ctx) {
    const { cfg } = await open(ctx);
    const rows = [["CURRENT", "NAME", "ENDPOINTS", "NODES"]];
    for (const name of Object.keys(cfg.contexts).sort(byCodeUnits)) {
      const c = cfg.contexts[name];
      const nodes = c.nodes ?? [];
      rows.push([
        name === cfg.context ? "*" : "",
        name,
        c.endpoints.join(","),
        nodes.length > 3 ? nodes.slice(0, 3).join(",") + "..." : nodes.join(","),
      ]);
    }
    await ctx.deps.io.stdout.write(tabwrite(rows));
  },
};

// Go's slices.Sort on strings compares bytes; for UTF-16 strings this is the code point order.
function byCodeUnits(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!), y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
