// Emulated TimeService, as machined answers it: Time asks the node's first configured time
// server (time.cloudflare.com when none is configured), TimeCheck the server in the request
// (InvalidArgument "ntp server is required" when empty). The reply carries the server, the
// node's clock after the query and the server's clock. A server the node cannot reach fails
// with a plain error (Unknown), as the NTP client's error does.

import { Code, ConnectError } from "@connectrpc/connect";
import { timestampFromDate, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TimeService } from "../../gen/time/time_pb.ts";
import type { Emulator, NodeCall } from "./server.ts";
import type { SimNode } from "./node.ts";

export interface SimTime {
  /** machine.time.servers of the node's config; empty = Talos's default. */
  servers: string[];
  /** The node's clock (default: the real clock). */
  now?: () => Date;
  /** How far the NTP servers' clock is ahead of the node's, in ms (may be fractional). */
  offsetMs: number;
  /** Servers the node cannot reach. */
  unreachable: Set<string>;
  /** Fault injection: send these raw timestamps instead (e.g. an invalid one). */
  raw?: { localtime?: unknown; remotetime?: unknown };
}

const states = new WeakMap<SimNode, SimTime>();

/** The node's time state, created on first use. */
export function timeOf(node: SimNode): SimTime {
  let s = states.get(node);
  if (!s) {
    s = { servers: [], offsetMs: 0, unreachable: new Set() };
    states.set(node, s);
  }
  return s;
}

export const DEFAULT_NTP_SERVER = "time.cloudflare.com";

function check(server: string, call: NodeCall) {
  if (server === "") throw new ConnectError("ntp server is required", Code.InvalidArgument);
  const t = timeOf(call.node);
  if (t.unreachable.has(server)) {
    throw new ConnectError(
      `error querying NTP server "${server}": read udp ${call.node.address}:41234->${server}:123: i/o timeout`,
      Code.Unknown,
    );
  }
  const local = t.now?.() ?? new Date();
  const remoteMs = local.getTime() + t.offsetMs;
  return {
    messages: [{
      server,
      localtime: t.raw && "localtime" in t.raw ? t.raw.localtime : timestampFromDate(local),
      remotetime: t.raw && "remotetime" in t.raw
        ? t.raw.remotetime
        : Number.isInteger(remoteMs)
        ? timestampFromMs(remoteMs)
        : fractional(remoteMs),
    }],
  };
}

function fractional(ms: number) {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function registerTimeHandlers(emu: Emulator): void {
  emu.handle(TimeService.method.time, (_req, call: NodeCall) => {
    const servers = timeOf(call.node).servers;
    return check(servers[0] ?? DEFAULT_NTP_SERVER, call);
  });
  emu.handle(TimeService.method.timeCheck, (req, call: NodeCall) => check(req.server, call));
}
