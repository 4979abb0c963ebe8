// The bodies of reboot, shutdown, reset and rollback.

import { bool, list, type RunContext, str } from "../spec.ts";
import { openSession, throwJoined } from "../kit.ts";
import { RebootRequest_Mode, ResetRequest_WipeMode } from "../../gen/machine/machine_pb.ts";
import { newClient } from "../../rpc/client.ts";
import { actAndWait, actorOf, actWithoutWaiting, TRACKING, waiting } from "./common.ts";
import { reporterFor } from "./reporter.ts";
import { drainAround } from "./drain.ts";

export function rebootMode(name: string): RebootRequest_Mode {
  return RebootRequest_Mode[name.toUpperCase() as keyof typeof RebootRequest_Mode];
}

/**
 * Reboots the session's nodes: without waiting, or followed by the tracker until each node has
 * booted again and is ready (`expectVersion`: and runs that Talos version).
 */
export async function rebootNodes(
  ctx: RunContext,
  session: Awaited<ReturnType<typeof openSession>>,
  mode: RebootRequest_Mode,
  w: ReturnType<typeof waiting>,
  reporter: ReturnType<typeof reporterFor>,
  expectVersion?: string,
): Promise<void> {
  if (!w.wait) {
    await actWithoutWaiting(
      ctx,
      session,
      "reboot",
      ({ client, options }) => client.machine.reboot({ mode }, options),
    );
    return;
  }
  await actAndWait(
    ctx,
    session,
    w,
    { kind: "ready", expectVersion },
    async (t, signal) => actorOf(await t.client.machine.reboot({ mode }, { ...t.options, signal })),
    reporter,
  );
}

export async function runReboot(ctx: RunContext): Promise<void> {
  const w = waiting(ctx);
  const drain = bool(ctx, "drain");
  if (drain) w.wait = true;
  const session = await openSession(ctx, TRACKING);
  const reporter = reporterFor(ctx.deps, str(ctx, "progress"));
  const mode = rebootMode(str(ctx, "mode"));
  if (!drain) return await rebootNodes(ctx, session, mode, w, reporter);
  await drainAround(
    ctx,
    session,
    reporter,
    () => rebootNodes(ctx, session, mode, w, reporter),
    "error draining nodes",
  );
}

export async function runShutdown(ctx: RunContext): Promise<void> {
  const w = waiting(ctx);
  const force = bool(ctx, "force");
  const session = await openSession(ctx, TRACKING);
  if (!w.wait) {
    return await actWithoutWaiting(
      ctx,
      session,
      "shutdown",
      ({ client, options }) => client.machine.shutdown({ force }, options),
    );
  }
  await actAndWait(
    ctx,
    session,
    w,
    { kind: "stopped" },
    async (t, signal) =>
      actorOf(await t.client.machine.shutdown({ force }, { ...t.options, signal })),
    reporterFor(ctx.deps),
  );
}

const WIPE: Record<string, ResetRequest_WipeMode> = {
  "all": ResetRequest_WipeMode.ALL,
  "system-disk": ResetRequest_WipeMode.SYSTEM_DISK,
  "user-disks": ResetRequest_WipeMode.USER_DISKS,
};

export async function runReset(ctx: RunContext): Promise<void> {
  const w = waiting(ctx);
  const reboot = bool(ctx, "reboot");
  const req = {
    graceful: bool(ctx, "graceful"),
    reboot,
    userDisksToWipe: list(ctx, "user-disks-to-wipe"),
    mode: WIPE[str(ctx, "wipe-mode")] ?? ResetRequest_WipeMode.ALL,
    systemPartitionsToWipe: list(ctx, "system-labels-to-wipe").map((label) => ({
      label,
      wipe: true,
    })),
  };
  const session = await openSession(ctx, TRACKING);
  if (!w.wait) {
    return await actWithoutWaiting(
      ctx,
      session,
      "reset",
      ({ client, options }) => client.machine.reset(req, options),
    );
  }
  // After a reboot a wiped node answers only in maintenance mode: reaching it there (no
  // client certificate, any server certificate) proves the reset went through.
  const maintenanceProbe = async (node: string, signal: AbortSignal) => {
    const c = newClient({
      contextName: "",
      endpoints: [node],
      tls: { ca: "", cert: "", key: "", insecure: true },
    }, { signal });
    await c.storage.disks({}, c.callOptions(undefined, { signal }));
  };
  await actAndWait(
    ctx,
    session,
    w,
    { kind: "stopped", thenBack: reboot },
    async (t, signal) => actorOf(await t.client.machine.reset(req, { ...t.options, signal })),
    reporterFor(ctx.deps),
    reboot ? { maintenanceProbe } : {},
  );
}

export async function runRollback(ctx: RunContext): Promise<void> {
  const session = await openSession(ctx, TRACKING);
  const errors = await session.unary(
    ({ client, options }) => client.machine.rollback({}, options),
    () => {},
    "error executing rollback on node",
  );
  throwJoined(errors);
}
