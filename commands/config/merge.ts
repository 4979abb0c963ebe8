// `talosctl config merge <from>`: copy every context of another talosconfig into this one,
// renaming name clashes to name-1, name-2, ... and adopting the other file's current context.

import { type CommandSpec, minArgs } from "../spec.ts";
import { lib, wrap } from "./common.ts";
import type { Talosconfig } from "../../clientconfig/talosconfig.ts";
import { goQuote } from "../../gofmt/quote.ts";

/** Merges `from` into `into`; returns the renames as [from, to] pairs. */
export function mergeTalosconfig(into: Talosconfig, from: Talosconfig): [string, string][] {
  const renames: [string, string][] = [];
  const mapped = new Map<string, string>();
  const names = Object.keys(from.contexts).sort();
  for (const name of names) {
    let merged = name;
    if (Object.hasOwn(into.contexts, merged)) {
      for (let i = 1;; i++) {
        merged = `${name}-${i}`;
        if (!Object.hasOwn(into.contexts, merged)) break;
      }
    }
    mapped.set(name, merged);
    if (merged !== name) renames.push([name, merged]);
    into.contexts[merged] = from.contexts[name];
  }
  if (from.context !== "") into.context = mapped.get(from.context) ?? "";
  return renames;
}

export const spec: CommandSpec = {
  use: "<from>",
  long: "Contexts whose names are already taken are added under a new name (name-1, name-2, ...).",
  args: minArgs(1),
  async run(ctx) {
    const l = await lib();
    const from = ctx.args[0];
    try {
      await l.updateTalosconfig(ctx.deps, ctx.global, async (cfg) => {
        let other: Talosconfig;
        try {
          // As talosctl, the other file is opened like a talosconfig: created if missing.
          ({ cfg: other } = await l.openTalosconfig(ctx.deps, { talosconfig: from }));
        } catch (e) {
          wrap("error reading config: ", e);
        }
        for (const [a, b] of mergeTalosconfig(cfg, other)) {
          await ctx.deps.io.stderr.write(
            `renamed talosconfig context ${goQuote(a)} -> ${goQuote(b)}\n`,
          );
        }
      });
    } catch (e) {
      wrap("", e);
    }
  },
};
