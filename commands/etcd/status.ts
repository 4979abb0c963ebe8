// `talosctl etcd status`: the local etcd member's status on each node.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  use: "status",
  short: "Show the status of the etcd member on each node",
  long:
    "Reports, for every node given, its etcd member: database size, leader, raft indexes and errors.\nTarget all control plane nodes to see the whole cluster.",
  args: noArgs,
  async run(ctx) {
    const { attribute, forEachNode, NodeError, openSession } = await import("../../rpc/mod.ts");
    const { formatMemberId, humanizeBytes, tabwrite, throwJoined } = await import(
      "../../rpc/render.ts"
    );
    const session = await openSession(ctx);
    const results = await forEachNode(session.nodes, (node) => {
      const { client, options } = session.forNode(node);
      return client.machine.etcdStatus({}, options);
    });
    let text =
      "NODE\tMEMBER\tDB SIZE\tIN USE\tLEADER\tRAFT INDEX\tRAFT TERM\tRAFT APPLIED INDEX\tLEARNER\tPROTOCOL\tSTORAGE\tERRORS\n";
    const errors: Error[] = [];
    for (const r of results) {
      if (!r.ok) {
        errors.push(new NodeError(r.node, r.error));
        continue;
      }
      for (const p of attribute(r.node, r.value.messages)) {
        if (p.error) {
          errors.push(new NodeError(p.node, p.error));
          continue;
        }
        const s = p.message!.memberStatus;
        const size = Number(s?.dbSize ?? 0n), inUse = Number(s?.dbSizeInUse ?? 0n);
        const ratio = size > 0 ? (inUse / size) * 100 : 0;
        text += [
          p.node,
          formatMemberId(s?.memberId ?? 0n),
          humanizeBytes(size),
          `${humanizeBytes(inUse)} (${ratio.toFixed(2)}%)`,
          formatMemberId(s?.leader ?? 0n),
          String(s?.raftIndex ?? 0n),
          String(s?.raftTerm ?? 0n),
          String(s?.raftAppliedIndex ?? 0n),
          String(s?.isLearner ?? false),
          s?.protocolVersion ?? "",
          s?.storageVersion ?? "",
          (s?.errors ?? []).join(", "),
        ].join("\t") + "\n";
      }
    }
    await ctx.deps.io.stdout.write(tabwrite(text));
    throwJoined(errors);
  },
};
