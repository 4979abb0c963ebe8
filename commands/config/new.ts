// `talosctl config new [<path>]`: ask one control-plane node for a new client certificate
// (GenerateClientConfiguration) and write a new talosconfig that uses it, with this client's
// endpoints filled in.

import { type CommandSpec, rangeArgs } from "../spec.ts";

const HOUR = 3_600_000;

export const spec: CommandSpec = {
  use: "[<path>]",
  args: rangeArgs(0, 1),
  flags: [
    {
      name: "roles",
      kind: "strings",
      default: ["os:admin"],
      usage: "roles (Talos API access levels) of the new client certificate",
    },
    {
      name: "crt-ttl",
      kind: "duration",
      default: 8760 * HOUR,
      usage: "how long the new client certificate stays valid",
    },
  ],
  async run(ctx) {
    const { newClientConfig } = await import("./new_run.ts");
    await newClientConfig(ctx);
  },
};
