// `talosctl etcd members`: the member list as each node's etcd sees it.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  use: "members",
  short: "List the members of the etcd cluster",
  args: noArgs,
  async run(ctx) {
    const { attribute, forEachNode, NodeError, openSession } = await import("../../rpc/mod.ts");
    const { formatMemberId, tabwrite, throwJoined } = await import("../../rpc/render.ts");
    const session = await openSession(ctx);
    const results = await forEachNode(session.nodes, (node) => {
      const { client, options } = session.forNode(node);
      return client.machine.etcdMemberList({ queryLocal: true }, options);
    });
    let text = "NODE\tID\tHOSTNAME\tPEER URLS\tCLIENT URLS\tLEARNER\n";
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
        for (const m of p.message!.members) {
          text += `${p.node}\t${formatMemberId(m.id)}\t${m.hostname}\t${m.peerUrls.join(",")}\t${
            m.clientUrls.join(",")
          }\t${m.isLearner}\n`;
        }
      }
    }
    await ctx.deps.io.stdout.write(tabwrite(text));
    throwJoined(errors);
  },
};
