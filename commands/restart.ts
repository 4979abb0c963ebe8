// `talosctl restart <id>`: stop a container on every node (SIGTERM) so that it is started again.

import { bool, type CommandSpec, exactArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { kubernetesFlags } from "./system_format.ts";

export const spec: CommandSpec = {
  use: "<id>",
  args: exactArgs(1),
  async complete(ctx) {
    const { containerIds, tooMany } = await import("./complete_node.ts");
    if (ctx.args.length !== 0) return tooMany();
    return { items: await containerIds(ctx, ctx.flags.kubernetes === true), directive: 4 };
  },
  persistentFlags: globalFlags,
  flags: kubernetesFlags,
  async run(ctx) {
    const { openSession, throwJoined } = await import("./kit.ts");
    const { containerTarget } = await import("./system_format.ts");
    const session = await openSession(ctx);
    const req = { ...(await containerTarget(bool(ctx, "kubernetes"))), id: ctx.args[0] };
    const errors = await session.unary(
      ({ client, options }) => client.machine.restart(req, options),
      () => {},
      "error restarting process on node",
    );
    throwJoined(errors);
  },
};
