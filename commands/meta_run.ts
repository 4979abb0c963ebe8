// The body of `meta write` and `meta delete`: the key is an 8-bit number in Go syntax
// (10, 0x0a, 0o12, 0b1010), checked before anything is dialed.

import type { RunContext } from "./spec.ts";

export async function metaRun(ctx: RunContext, action: "write" | "delete"): Promise<void> {
  const { openSession, throwJoined, UserError } = await import("./kit.ts");
  const { goParseUint } = await import("../gofmt/mod.ts");
  let key: number;
  try {
    key = Number(goParseUint(ctx.args[0], 0, 8));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const session = await openSession(ctx);
  const value = new TextEncoder().encode(ctx.args[1] ?? "");
  const errors = await session.unary<import("./kit.ts").WithMetadata>(
    ({ client, options }) =>
      action === "write"
        ? client.machine.metaWrite({ key, value }, options)
        : client.machine.metaDelete({ key }, options),
    () => {},
    action === "write" ? "error writing meta to node" : "error deleting meta from node",
  );
  throwJoined(errors);
}
