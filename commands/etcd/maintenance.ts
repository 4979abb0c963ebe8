// `talosctl etcd defrag | leave | forfeit-leadership | remove-member <id>`: etcd maintenance
// calls. defrag and leave act on exactly one node; the other two on every node given.

import { type CommandSpec, exactArgs, noArgs } from "../spec.ts";

export const defrag: CommandSpec = {
  long: `Compacts the etcd database file of one control plane node, giving unused space back to the
filesystem. It is heavy on the node: run it on one node at a time, and only when needed.`,
  args: noArgs,
  async run(ctx) {
    const { callSingleNode } = await import("../node_call.ts");
    await callSingleNode(
      ctx,
      "etcd defrag",
      ({ client, options }) => client.machine.etcdDefragment({}, options),
    );
  },
};

export const leave: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { callSingleNode } = await import("../node_call.ts");
    await callSingleNode(
      ctx,
      "etcd leave",
      ({ client, options }) => client.machine.etcdLeaveCluster({}, options),
    );
  },
};

export const forfeitLeadership: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { quietFanOut } = await import("./maintenance_run.ts");
    await quietFanOut(
      ctx,
      ({ client, options }) => client.machine.etcdForfeitLeadership({}, options),
    );
  },
};

export const removeMember: CommandSpec = {
  use: "<member ID>",
  long: `Removes a member from the etcd cluster by its ID (as 'etcd members' shows it).
Meant for a member that is broken or unreachable and so cannot run 'etcd leave' itself;
whenever the node can still leave on its own, use 'etcd leave' instead.`,
  args: exactArgs(1),
  async run(ctx) {
    const { removeMemberRun } = await import("./maintenance_run.ts");
    await removeMemberRun(ctx);
  },
};
