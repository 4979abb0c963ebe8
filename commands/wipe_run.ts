// The bodies of the wipe commands: one call per node, nothing printed, every node's error.

import type { RunContext } from "./spec.ts";

const METHODS = ["FAST", "ZEROES"];

export async function wipeDisk(ctx: RunContext): Promise<void> {
  const { goQuote, openSession, throwJoined, UserError } = await import("./kit.ts");
  const session = await openSession(ctx);
  const name = ctx.flags.method as string;
  const method = METHODS.indexOf(name);
  if (method < 0) throw new UserError(`invalid wipe method ${goQuote(name)}`);
  const devices = ctx.args.map((device) => ({
    device,
    method,
    skipVolumeCheck: ctx.flags["skip-volume-check"] as boolean,
    skipSecondaryCheck: ctx.flags["skip-secondary-check"] as boolean,
    dropPartition: ctx.flags["drop-partition"] as boolean,
  }));
  const errors = await session.unary(
    ({ client, options }) => client.storage.blockDeviceWipe({ devices }, options),
    () => {},
    "error wiping device on node",
  );
  throwJoined(errors);
}

export async function wipeLvm(ctx: RunContext, what: "lv" | "vg" | "pv" | "md"): Promise<void> {
  const { goQuote, openSession, throwJoined, UserError } = await import("./kit.ts");
  const arg = ctx.args[0];
  let vg = "", lv = "";
  if (what === "lv") {
    const slash = arg.indexOf("/");
    vg = slash < 0 ? "" : arg.slice(0, slash);
    lv = slash < 0 ? "" : arg.slice(slash + 1);
    if (vg === "" || lv === "") {
      throw new UserError(`invalid logical volume ${goQuote(arg)}, expected <vg>/<lv>`);
    }
  }
  if (what === "md" && !arg.startsWith("/dev/")) {
    throw new UserError("md device must be a full /dev path");
  }
  const session = await openSession(ctx);
  const errors = await session.unary(async ({ client, options }) => {
    if (what === "lv") {
      await client.lvm.logicalVolumeRemove({ volumeGroup: vg, logicalVolume: lv }, options);
    } else if (what === "vg") {
      await client.lvm.volumeGroupRemove({ volumeGroup: arg }, options);
    } else if (what === "pv") {
      await client.lvm.physicalVolumeRemove({ device: arg }, options);
    } else {
      await client.md.destroy({ device: arg }, options);
    }
    return { messages: [] };
  }, () => {});
  throwJoined(errors);
}
