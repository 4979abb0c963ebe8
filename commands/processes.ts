// `talosctl processes` (aliases `p`, `ps`): each node's processes, biggest first.

import { type CommandSpec, noArgs, str } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "sort",
      short: "s",
      kind: "string",
      default: "rss",
      usage: "order by this column, largest first: rss or cpu",
    },
  ],
  async run(ctx) {
    const { nodeTable } = await import("./etcd/node_table.ts");
    const { goFixed, goSort, humanizeBytes } = await import("./kit.ts");
    const { processArgs } = await import("./system_format.ts");
    const byCpu = str(ctx, "sort") === "cpu";
    await nodeTable(
      ctx,
      ["NODE", "PID", "STATE", "THREADS", "CPU-TIME", "VIRTMEM", "RESMEM", "LABEL", "COMMAND"],
      ({ client, options }) => client.machine.processes({}, options),
      (node, msg) =>
        // sort.Sort, not stable: processes with the same RSS (every kernel thread has 0) or
        // CPU time come out in the order Go's pdqsort leaves them.
        goSort(
          [...msg.processes],
          byCpu ? (a, b) => a.cpuTime > b.cpuTime : (a, b) => a.residentMemory > b.residentMemory,
        )
          .map((p) => [
            node,
            String(p.pid),
            p.state,
            String(p.threads),
            goFixed(p.cpuTime, 2),
            humanizeBytes(p.virtualMemory),
            humanizeBytes(p.residentMemory),
            p.label,
            processArgs(p),
          ]),
    );
  },
};
