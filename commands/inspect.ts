// `talosctl inspect dependencies`: the controller runtime's controller/resource graph of one
// node, as graphviz dot text (pipe it through `dot -Tpng`).

import { type CommandEntry, type CommandSpec, loadSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

const entries: CommandEntry[] = [
  {
    name: "dependencies",
    short: "Print the controller/resource dependency graph in graphviz dot format",
    load: () => loadSpec(import.meta.url, "./inspect.ts", "dependencies"),
  },
];

export const spec: CommandSpec = { persistentFlags: globalFlags, subcommands: entries };

export const dependencies: CommandSpec = {
  long: `Prints how the node's controllers depend on resource types: which resources each
controller reads (strong inputs solid, weak ones dotted) and which it writes (bold).
Render it with graphviz, for example:

    talosctl inspect dependencies | dot -Tpng > graph.png`,
  args: noArgs,
  flags: [
    {
      name: "with-resources",
      kind: "bool",
      usage: "draw the resources that exist now instead of their types",
    },
  ],
  async run(ctx) {
    const { inspectDependencies } = await import("./inspect_run.ts");
    await inspectDependencies(ctx);
  },
};
