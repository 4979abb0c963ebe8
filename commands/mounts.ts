// `talosctl mounts` (alias `mount`): each node's mounts with their size and use in GB.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  async run(ctx) {
    const { nodeTable } = await import("./etcd/node_table.ts");
    const { goFixed } = await import("./kit.ts");
    const gb = (v: bigint) => goFixed(Number(v) * 1e-9, 2);
    await nodeTable(
      ctx,
      [
        "NODE",
        "FILESYSTEM",
        "SIZE(GB)",
        "USED(GB)",
        "AVAILABLE(GB)",
        "PERCENT USED",
        "MOUNTED ON",
      ],
      ({ client, options }) => client.machine.mounts({}, options),
      (node, msg) =>
        msg.stats.flatMap((r) => {
          const used = 100 - 100 * (Number(r.available) / Number(r.size));
          // 0/0: a pseudo filesystem without blocks is left out.
          if (Number.isNaN(used)) return [];
          const pct = Number.isFinite(used) ? goFixed(used, 2) : used > 0 ? "+Inf" : "-Inf";
          return [[
            node,
            r.filesystem,
            gb(r.size),
            gb(BigInt.asUintN(64, r.size - r.available)),
            gb(r.available),
            `${pct}%`,
            r.mountedOn,
          ]];
        }),
    );
  },
};
