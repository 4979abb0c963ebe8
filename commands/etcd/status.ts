// `talosctl etcd status`: the local etcd member's status on each node.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  long:
    "Reports, for every node given, its etcd member: database size, leader, raft indexes and errors.\nTarget all control plane nodes to see the whole cluster.",
  args: noArgs,
  async run(ctx) {
    const { nodeTable } = await import("./node_table.ts");
    const { formatMemberId, goFixed, humanizeBytes } = await import("../kit.ts");
    const header = "NODE|MEMBER|DB SIZE|IN USE|LEADER|RAFT INDEX|RAFT TERM|RAFT APPLIED INDEX|" +
      "LEARNER|PROTOCOL|STORAGE|ERRORS";
    await nodeTable(
      ctx,
      header.split("|"),
      ({ client, options }) => client.machine.etcdStatus({}, options),
      (node, msg) => {
        const s = msg.memberStatus;
        const size = s?.dbSize ?? 0n, inUse = s?.dbSizeInUse ?? 0n;
        const ratio = size > 0n ? (Number(inUse) / Number(size)) * 100 : 0;
        return [[
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
        ]];
      },
    );
  },
};
