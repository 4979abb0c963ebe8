// `talosctl dmesg`: the kernel ring buffer of every node, each record prefixed by its node.

import { bool, type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "follow",
      short: "f",
      kind: "bool",
      usage: "keep streaming new kernel messages",
    },
    {
      name: "tail",
      kind: "bool",
      usage: "skip the messages already logged, show only new ones (use with --follow)",
    },
    ...insecureFlags,
  ],
  async run(ctx) {
    const { openSession, throwJoined } = await import("./kit.ts");
    const session = await openSession(ctx);
    const req = { follow: bool(ctx, "follow"), tail: bool(ctx, "tail") };
    const out = ctx.deps.io.stdout;
    const enc = new TextEncoder();
    const errors = await session.stream(
      ({ client, options }) => client.machine.dmesg(req, options),
      async (node, m) => {
        if (m.bytes.length === 0) return;
        const prefix = enc.encode(`${node}: `);
        const buf = new Uint8Array(prefix.length + m.bytes.length);
        buf.set(prefix);
        buf.set(m.bytes, prefix.length);
        await out.write(buf);
      },
    );
    throwJoined(errors);
  },
};
