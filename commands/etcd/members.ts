// `talosctl etcd members`: the member list as each node's etcd sees it.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  use: "members",
  short: "List the members of the etcd cluster",
  args: noArgs,
  async run(ctx) {
    const { openSession } = await import("../../rpc/mod.ts");
    const { unaryNodes } = await import("../../rpc/unary.ts");
    const { formatMemberId, IdleFlushTable, throwJoined } = await import("../../rpc/render.ts");
    const session = await openSession(ctx);
    const out = ctx.deps.io.stdout;
    // As talosctl: rows in arrival order, the table flushed after 500 ms without a reply.
    const table = new IdleFlushTable((t) => out.write(t));
    table.add("NODE\tID\tHOSTNAME\tPEER URLS\tCLIENT URLS\tLEARNER\n");
    const errors = await unaryNodes(session.nodes, async (node) => {
      try {
        const { client, options } = session.forNode(node);
        return await client.machine.etcdMemberList({ queryLocal: true }, options);
      } finally {
        table.touch();
      }
    }, (node, messages) => {
      for (const msg of messages) {
        for (const m of msg.members) {
          table.add(
            `${node}\t${formatMemberId(m.id)}\t${m.hostname}\t${m.peerUrls.join(",")}\t${
              m.clientUrls.join(",")
            }\t${m.isLearner}\n`,
          );
        }
      }
    });
    await table.flush();
    throwJoined(errors);
  },
};
