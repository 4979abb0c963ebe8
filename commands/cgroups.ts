// `talosctl cgroups` (alias `cg`): the node's cgroup v2 tree with columns from a preset or a
// schema file of Go templates.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  long: `Reads the node's control groups (cgroup v2) and prints them as a tree, one row per cgroup.

The columns come from a preset, chosen with --preset:

* cpu
* cpuset
* io
* memory
* process
* psi
* swap

or from your own schema, a YAML file given with --schema-file: a list 'columns' of
entries with a 'name' (the header) and a 'template' (a Go template over the cgroup, for
example '{{ .MemoryCurrent.HumanizeIBytes }}'; '.Parent' is the parent cgroup, nil at the root).
`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    { name: "schema-file", kind: "string", usage: "YAML file with the columns to print" },
    {
      name: "preset",
      kind: "string",
      usage: "columns to print: one of [cpu cpuset io memory process psi swap]",
      async complete() {
        const { PRESET_NAMES } = await import("./cgroups/presets.ts");
        return { items: PRESET_NAMES, directive: 4 };
      },
    },
    {
      name: "skip-cri-resolve",
      kind: "bool",
      usage: "show pod and container cgroups by their IDs, without asking CRI for names",
    },
  ],
  async run(ctx) {
    const { runCgroups } = await import("./cgroups/run.ts");
    await runCgroups(ctx);
  },
};
