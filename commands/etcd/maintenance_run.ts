// The bodies of the etcd maintenance commands that fan out to every node.

import type { RunContext } from "../spec.ts";
import type { NodeTarget, WithMetadata } from "../kit.ts";

/** One call per node, no output; every node's error joined (talosctl's multiplexer). */
export async function quietFanOut<E extends WithMetadata>(
  ctx: RunContext,
  call: (t: NodeTarget) => Promise<{ messages: E[] }>,
): Promise<void> {
  const { openSession, throwJoined } = await import("../kit.ts");
  const session = await openSession(ctx);
  throwJoined(await session.unary(call, () => {}));
}

export async function removeMemberRun(ctx: RunContext): Promise<void> {
  const { openSession, throwJoined, UserError } = await import("../kit.ts");
  const { goParseUint } = await import("../../gofmt/mod.ts");
  const session = await openSession(ctx);
  let memberId: bigint;
  try {
    memberId = goParseUint(ctx.args[0], 16, 64);
  } catch (e) {
    throw new UserError(
      `error parsing member ID: error parsing etcd member id: ${(e as Error).message}`,
    );
  }
  throwJoined(
    await session.unary(
      ({ client, options }) => client.machine.etcdRemoveMemberByID({ memberId }, options),
      () => {},
    ),
  );
}

/** `etcd alarm list` / `etcd alarm disarm`: NODE MEMBER ALARM, the header with the first alarm. */
export async function alarmTable(ctx: RunContext, disarm: boolean): Promise<void> {
  const { formatMemberId, IdleFlushTable, openSession, throwJoined } = await import("../kit.ts");
  const { EtcdMemberAlarm_AlarmType } = await import("../../gen/machine/machine_pb.ts");
  const session = await openSession(ctx);
  const table = new IdleFlushTable((t) => ctx.deps.io.stdout.write(t));
  let header = false;
  type Alarms = WithMetadata & { memberAlarms: { memberId: bigint; alarm: number }[] };
  const errors = await session.unary<Alarms>(
    async ({ client, options }) => {
      try {
        return disarm
          ? await client.machine.etcdAlarmDisarm({}, options)
          : await client.machine.etcdAlarmList({}, options);
      } finally {
        table.touch();
      }
    },
    (node, messages) => {
      for (const msg of messages) {
        for (const a of msg.memberAlarms) {
          if (!header) table.add("NODE\tMEMBER\tALARM\n");
          header = true;
          const name = EtcdMemberAlarm_AlarmType[a.alarm] ?? String(a.alarm);
          table.add(`${node}\t${formatMemberId(a.memberId)}\t${name}\n`);
        }
      }
    },
  );
  await table.flush();
  throwJoined(errors);
}

type Downgrade = "validate" | "enable" | "cancel";

/** `etcd downgrade validate|enable <version>`, `etcd downgrade cancel`: one node, NODE MESSAGE. */
export async function downgrade(ctx: RunContext, action: Downgrade): Promise<void> {
  const { callSingleNode } = await import("../node_call.ts");
  const { tabwrite } = await import("../kit.ts");
  const version = ctx.args[0] ?? "";
  type Element = WithMetadata & { clusterDowngrade?: { clusterVersion: string } };
  const { node, messages } = await callSingleNode<Element>(
    ctx,
    `etcd downgrade ${action}`,
    ({ client, options }): Promise<{ messages: Element[] }> =>
      action === "validate"
        ? client.machine.etcdDowngradeValidate({ version }, options)
        : action === "enable"
        ? client.machine.etcdDowngradeEnable({ version }, options)
        : client.machine.etcdDowngradeCancel({}, options),
  );
  let text = "";
  messages.forEach((m, i) => {
    if (i === 0) text += "NODE\tMESSAGE\n";
    const v = m.clusterDowngrade?.clusterVersion ?? "";
    text += `${node}\tdowngrade ${action} success, cluster version ${v}\n`;
  });
  await ctx.deps.io.stdout.write(tabwrite(text));
}
