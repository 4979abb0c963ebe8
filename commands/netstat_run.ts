// The body of `netstat`: the request built from the flags as talosctl builds it, pod network
// namespaces found through the CRI container list, and the table of sockets.

import type { RunContext } from "./spec.ts";
import { ExitCode } from "../errors.ts";
import type { ConnectRecord, Netstat, NetstatRequest } from "../gen/machine/network_pb.ts";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { NetstatRequestSchema } from "../gen/machine/network_pb.ts";

type Flags = Record<string, boolean>;

/** talosctl's netstatFlagsToRequest. */
export function netstatRequest(f: Flags): MessageInitShape<typeof NetstatRequestSchema> {
  const l4 = {
    tcp: f.tcp,
    tcp6: f.tcp,
    udp: f.udp,
    udp6: f.udp,
    udplite: f.udplite,
    udplite6: f.udplite,
    raw: f.raw,
    raw6: f.raw,
  };
  const keys = Object.keys(l4) as (keyof typeof l4)[];
  if (f.verbose) { for (const k of keys) l4[k] = true; }
  if (!keys.some((k) => l4[k])) Object.assign(l4, { tcp: true, tcp6: true, udp: true, udp6: true });
  if (f.ipv4 && !f.ipv6) {
    Object.assign(l4, { tcp6: false, udp6: false, udplite6: false, raw6: false });
  }
  if (f.ipv6 && !f.ipv4) Object.assign(l4, { tcp: false, udp: false, udplite: false, raw: false });
  // NetstatRequest.Filter: ALL 0, CONNECTED 1, LISTENING 2.
  const filter = f.all ? 0 : f.listening ? 2 : 1;
  return {
    filter,
    feature: { pid: f.programs },
    l4proto: l4,
    netns: { allnetns: f.pods, hostnetwork: true, netns: [] },
  };
}

const STATES = [
  "RESERVED",
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSEWAIT",
  "LASTACK",
  "LISTEN",
  "CLOSING",
];
const TIMERS = ["OFF", "ON", "KEEPALIVE", "TIMEWAIT", "PROBE"];

function header(f: Flags): string {
  let h = "NODE\tProto\tRecv-Q\tSend-Q\tLocal Address\tForeign Address\tState";
  if (f.extend) h += "\tUid\tInode";
  if (f.programs) h += "\tPID/Program name";
  if (f.pods) h += "\tPod";
  if (f.timers) h += "\tTimer";
  return h + "\n";
}

/** One table line, as talosctl's netstat printer formats a record. */
function row(
  fixed: (x: number, digits: number) => string,
  f: Flags,
  node: string,
  r: ConnectRecord,
  pods: Map<string, Map<string, string>> | undefined,
): string {
  const cells = [
    node,
    r.l4proto,
    String(r.rxqueue),
    String(r.txqueue),
    `${r.localip}:${r.localport}`,
    `${r.remoteip}:${r.remoteport === 0 ? "*" : r.remoteport}`,
    // CLOSE (7), the state of every UDP and raw socket, prints empty.
    r.state === 7 ? "" : STATES[r.state] ?? String(r.state),
  ];
  if (f.extend) cells.push(String(r.uid), String(r.inode));
  if (f.programs) {
    const p = r.process;
    cells.push(p && p.pid !== 0 ? `${p.pid}/${p.name}` : "-");
  }
  if (f.pods) {
    const m = pods?.get(node);
    cells.push(r.netns === "" || !m ? "-" : m.get(r.netns) ?? "");
  }
  if (f.timers) {
    const when = fixed(Number(r.timerwhen) / 100, 2);
    const tr = (TIMERS[r.tr] ?? String(r.tr)).toLowerCase();
    cells.push(`${tr} (${when}/${r.retrnsmt}/${r.timeout})`);
  }
  return cells.join("\t") + "\n";
}

export async function runNetstat(ctx: RunContext): Promise<void> {
  const kit = await import("./kit.ts");
  const f = ctx.flags as Flags;
  if (f.pods && ctx.args.length > 0) throw new kit.UserError("cannot use --pods and specify a pod");
  const req = netstatRequest(f);
  const session = await kit.openSession(ctx);
  const pod = ctx.args[0];
  let pods: Map<string, Map<string, string>> | undefined;
  if (pod !== undefined || f.pods) pods = await podNetNs(session);

  let text = "";
  let headerWritten = false;
  const print = (node: string, messages: Netstat[]) => {
    for (const m of messages) {
      for (const r of m.connectrecord) {
        if (!headerWritten) text += header(f);
        headerWritten = true;
        text += row(kit.goFixed, f, node, r, pods);
      }
    }
  };
  const out = ctx.deps.io.stdout;

  if (pod !== undefined) {
    const wanted = pod.toLowerCase();
    let found: { node: string; netns: string } | undefined;
    for (const [node, m] of pods!) {
      for (const [netns, id] of m) if (id === wanted && !found) found = { node, netns };
    }
    if (!found) {
      // talosctl exits through cli.Fatalf here: the message alone, never the usage after it
      // (which an error naming a "flag" or "command" pod would get).
      await ctx.deps.io.stderr.write(`pod ${pod} not found\n`);
      throw new ExitCode(1);
    }
    const podReq = { ...req, netns: { ...req.netns, netns: [found.netns], hostnetwork: false } };
    const { client, options } = session.forNode(found.node);
    let reply;
    try {
      reply = await client.machine.netstat(podReq as NetstatRequest, options);
    } catch (e) {
      throw new kit.UserError(kit.errorText(e));
    }
    const { messages, error } = kit.filterMessages(reply.messages);
    if (error) await ctx.deps.io.stderr.write(`WARNING: ${error.message}\n`);
    print(found.node, messages);
    await out.write(kit.tabwrite(text));
    return;
  }

  const errors = await session.unary(
    ({ client, options }) => client.machine.netstat(req, options),
    print,
  );
  await out.write(kit.tabwrite(text));
  kit.throwJoined(errors);
}

/** Per node: pod network namespace -> pod ID ("namespace/pod"), from the CRI containers. */
export async function podNetNs(
  session: import("./kit.ts").Session,
): Promise<Map<string, Map<string, string>>> {
  const { throwJoined } = await import("./kit.ts");
  const result = new Map<string, Map<string, string>>();
  const errors = await session.unary(
    ({ client, options }) => client.machine.containers({ namespace: "k8s.io", driver: 1 }, options),
    (node, messages) => {
      for (const m of messages) {
        for (const c of m.containers) {
          if (c.networkNamespace === "" || c.pid === 0 || c.id !== c.podId) continue;
          if (!result.has(node)) result.set(node, new Map());
          result.get(node)!.set(c.networkNamespace, c.id);
        }
      }
    },
    "error getting containers from node",
  );
  throwJoined(errors);
  return result;
}
