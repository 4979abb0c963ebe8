// `talosctl etcd status`: the local etcd member's status on each node.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  use: "status",
  short: "Show the status of the etcd member on each node",
  long:
    "Reports, for every node given, its etcd member: database size, leader, raft indexes and errors.\nTarget all control plane nodes to see the whole cluster.",
  args: noArgs,
  async run(ctx) {
    const { openSession } = await import("../../rpc/mod.ts");
    const { unaryNodes } = await import("../../rpc/unary.ts");
    const { formatMemberId, goFixed, humanizeBytes, IdleFlushTable, throwJoined } = await import(
      "../../rpc/render.ts"
    );
    const session = await openSession(ctx);
    const out = ctx.deps.io.stdout;
    // As talosctl: rows in arrival order, the table flushed after 500 ms without a reply.
    const table = new IdleFlushTable((t) => out.write(t));
    table.add(
      "NODE\tMEMBER\tDB SIZE\tIN USE\tLEADER\tRAFT INDEX\tRAFT TERM\tRAFT APPLIED INDEX\tLEARNER\tPROTOCOL\tSTORAGE\tERRORS\n",
    );
    const errors = await unaryNodes(session.nodes, async (node) => {
      try {
        const { client, options } = session.forNode(node);
        return await client.machine.etcdStatus({}, options);
      } finally {
        table.touch();
      }
    }, (node, messages) => {
      for (const msg of messages) {
        const s = msg.memberStatus;
        const size = s?.dbSize ?? 0n, inUse = s?.dbSizeInUse ?? 0n;
        const ratio = size > 0n ? (Number(inUse) / Number(size)) * 100 : 0;
        table.add(
          [
            node,
            formatMemberId(s?.memberId ?? 0n),
            // humanize.Bytes(uint64(...)): a negative size wraps around as in Go.
            humanizeBytes(BigInt.asUintN(64, size)),
            `${humanizeBytes(BigInt.asUintN(64, inUse))} (${goFixed(ratio, 2)}%)`,
            formatMemberId(s?.leader ?? 0n),
            String(s?.raftIndex ?? 0n),
            String(s?.raftTerm ?? 0n),
            String(s?.raftAppliedIndex ?? 0n),
            String(s?.isLearner ?? false),
            s?.protocolVersion ?? "",
            s?.storageVersion ?? "",
            (s?.errors ?? []).join(", "),
          ].join("\t") + "\n",
        );
      }
    });
    await table.flush();
    throwJoined(errors);
  },
};
