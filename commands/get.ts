// `talosctl get <type> [<id>]` (alias `g`): resources of the nodes, read over COSI.

import { type CommandSpec, rangeArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  use: "<type> [<id>]",
  long: `Reads resources from the nodes, in the manner of 'kubectl get': every resource of a type,
or the one with the given ID. The type may be given by its full name or any of its aliases, in
any case; 'talosctl get rd' lists the types a node knows.`,
  args: rangeArgs(1, 2),
  async complete(ctx, toComplete) {
    const c = await import("./complete_cosi.ts");
    if (ctx.args.length === 0) return await c.resourceTypes(ctx, toComplete !== "");
    if (ctx.args.length === 1) {
      return await c.resourceIds(ctx, ctx.args[0], ctx.flags.namespace as string);
    }
    return { items: [], directive: 5 };
  },
  persistentFlags: globalFlags,
  flags: [
    {
      name: "namespace",
      kind: "string",
      usage: "namespace to read from (default: the namespace the type's definition names)",
    },
    {
      name: "output",
      short: "o",
      kind: "string",
      default: "table",
      usage: "how to print resources: table, yaml, json or jsonpath=<template>",
      complete: () =>
        Promise.resolve({ items: ["json", "table", "yaml", "jsonpath"], directive: 4 }),
    },
    { name: "watch", short: "w", kind: "bool", usage: "keep running and print every change" },
    ...insecureFlags,
  ],
  async run(ctx) {
    const { runGet } = await import("./get_run.ts");
    await runGet(ctx);
  },
};
