// `talosctl etcd members`: the member list as each node's etcd sees it.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { nodeTable } = await import("./node_table.ts");
    const { formatMemberId } = await import("../kit.ts");
    await nodeTable(
      ctx,
      ["NODE", "ID", "HOSTNAME", "PEER URLS", "CLIENT URLS", "LEARNER"],
      ({ client, options }) => client.machine.etcdMemberList({ queryLocal: true }, options),
      (node, msg) =>
        msg.members.map((m) => [
          node,
          formatMemberId(m.id),
          m.hostname,
          m.peerUrls.join(","),
          m.clientUrls.join(","),
          String(m.isLearner),
        ]),
    );
  },
};
