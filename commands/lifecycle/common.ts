// What reboot, shutdown, reset and upgrade share: the --wait/--debug/--timeout reading, the
// plain (no-wait) call on every node, and running the tracker with its exit code.

import { bool, int, type RunContext } from "../spec.ts";
import { ExitCode } from "../../errors.ts";
import { parseGoDuration } from "../flag_values.ts";
import { filterMessages, type NodeTarget, type Session, throwJoined } from "../kit.ts";
import type { Metadata } from "../../gen/common/common_pb.ts";
import { type Goal, track, type TrackerOptions } from "./tracker.ts";
import type { Reporter } from "./reporter.ts";
import { clientVersionCheck } from "../version_check.ts";

/**
 * Sessions of the commands that wait on streams: as talosctl's tracker dial options, HTTP/2
 * pings every 10 s (5 s to answer) find connections to nodes that vanished without closing them.
 */
export const TRACKING = { keepalive: { intervalMs: 10_000, timeoutMs: 5_000 } };

export interface Waiting {
  wait: boolean;
  debug: boolean;
  timeoutMs: number;
  retryMs: number;
}

/**
 * --wait, --debug (which implies --wait) and --timeout. TALOSCTL_RETRY_INTERVAL (a Go duration,
 * default 1s) sets how often an unreachable node is tried again.
 */
export function waiting(ctx: RunContext): Waiting {
  const debug = bool(ctx, "debug");
  const env = ctx.deps.env.TALOSCTL_RETRY_INTERVAL;
  const retry = env ? parseGoDuration(env) : null;
  return {
    wait: bool(ctx, "wait") || debug,
    debug,
    timeoutMs: int(ctx, "timeout"),
    retryMs: retry !== null && retry > 0 ? retry : 1000,
  };
}

type Reply = { messages: { metadata?: Metadata; actorId?: string }[] };

/** The actor ID of an action's reply (talosctl's *WithResponse + first message). */
export function actorOf(reply: Reply): string {
  const { messages, error } = filterMessages(reply.messages);
  if (error) throw error;
  if (messages.length === 0) throw new Error("no messages returned from action run");
  return messages[0].actorId ?? "";
}

/**
 * Without --wait: the version skew check, then the action on every node; failures are
 * `error executing <what> on node <node>: <error>`.
 */
export async function actWithoutWaiting<E extends { metadata?: Metadata }>(
  ctx: RunContext,
  session: Session,
  what: string,
  call: (t: NodeTarget) => Promise<{ messages: E[] }>,
): Promise<void> {
  await clientVersionCheck(session, ctx.deps);
  const errors = await session.unary(call, () => {}, `error executing ${what} on node`);
  throwJoined(errors);
}

/** The version skew check, then the tracker; exit 1 unless every node reached the goal. */
export async function actAndWait(
  ctx: RunContext,
  session: Session,
  w: Waiting,
  goal: Goal,
  action: TrackerOptions["action"],
  reporter: Reporter,
  extra: Partial<TrackerOptions> = {},
): Promise<void> {
  await clientVersionCheck(session, ctx.deps);
  const failed = await track({
    session,
    deps: ctx.deps,
    goal,
    action,
    reporter,
    timeoutMs: w.timeoutMs,
    retryMs: w.retryMs,
    debug: w.debug,
    ...extra,
  });
  // The progress output already names each failed node and why, as talosctl leaves it.
  if (failed.length > 0) throw new ExitCode(1);
}
