// `talosctl memory` (aliases `m`, `free`): each node's memory in MiB, or all of /proc/meminfo.

import { bool, type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "verbose",
      short: "v",
      kind: "bool",
      usage: "print every /proc/meminfo figure, one per line",
    },
    ...insecureFlags,
  ],
  async run(ctx) {
    if (!bool(ctx, "verbose")) {
      const { nodeTable } = await import("./etcd/node_table.ts");
      const mib = (v: bigint) => String(BigInt.asUintN(64, v) / 1024n);
      await nodeTable(
        ctx,
        ["NODE", "TOTAL", "USED", "FREE", "SHARED", "BUFFERS", "CACHE", "AVAILABLE"],
        ({ client, options }) => client.machine.memory({}, options),
        (node, msg) => {
          const m = msg.meminfo!;
          return [[
            node,
            mib(m.memtotal),
            mib(m.memtotal - m.memfree - m.cached - m.buffers),
            mib(m.memfree),
            mib(m.shmem),
            mib(m.buffers),
            mib(m.cached),
            mib(m.memavailable),
          ]];
        },
      );
      return;
    }
    const { openSession, throwJoined } = await import("./kit.ts");
    const { meminfoLines } = await import("./memory_verbose.ts");
    const session = await openSession(ctx);
    const out = ctx.deps.io.stdout;
    const errors = await session.unary(
      ({ client, options }) => client.machine.memory({}, options),
      async (node, messages) => {
        for (const msg of messages) await out.write(meminfoLines(node, msg.meminfo));
      },
    );
    throwJoined(errors);
  },
};
