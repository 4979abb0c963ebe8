// `talosctl time [--check server]`: each node's clock next to an NTP server's.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  use: "[--check server]",
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "check",
      kind: "string",
      usage: "ask this NTP server for the time instead of the node's first configured one",
    },
  ],
  async run(ctx) {
    const { IdleFlushTable, openSession, UserError } = await import("./kit.ts");
    const { goTimeString, timestampValid } = await import("../gofmt/mod.ts");
    const server = String(ctx.flags.check ?? "");
    const session = await openSession(ctx);
    const out = ctx.deps.io.stdout;
    const table = new IdleFlushTable((t) => out.write(t));
    table.add("NODE\tNTP-SERVER\tNODE-TIME\tNTP-SERVER-TIME\n");
    // Go's errors.Join in the order talosctl meets them: replies are read as they arrive.
    const errors: Error[] = [];
    await session.unary(
      async ({ client, options }) => {
        try {
          return server === ""
            ? await client.time.time({}, options)
            : await client.time.timeCheck({ server }, options);
        } finally {
          table.touch();
        }
      },
      (node, messages) => {
        for (const m of messages) {
          const local = m.localtime, remote = m.remotetime;
          if (!local || !timestampValid(local.seconds, local.nanos)) {
            errors.push(new Error(`node ${node}: error parsing local time`));
            continue;
          }
          if (!remote || !timestampValid(remote.seconds, remote.nanos)) {
            errors.push(new Error(`node ${node}: error parsing remote time`));
            continue;
          }
          table.add(
            `${node}\t${m.server}\t${goTimeString(local.seconds, local.nanos)}\t${
              goTimeString(remote.seconds, remote.nanos)
            }\n`,
          );
        }
      },
      undefined,
      errors,
    );
    await table.flush();
    if (errors.length > 0) throw new UserError(errors.map((e) => e.message).join("\n"));
  },
};
