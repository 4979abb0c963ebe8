// Where the dashboard's data comes from, per node, as upstream's dashboard gathers it:
// - metrics: nine unary calls per node every interval (load, memory, /proc/stat, CPU frequency
//   and info, network and disk counters, processes, services); a failed call leaves its field
//   empty for that round;
// - logs: a `dmesg --follow` stream per node, reopened 30 s after it fails;
// - resources: COSI watches per node (single resources and whole kinds), all reopened a second
//   after any of them fails; types the node refuses (PermissionDenied) are skipped.

import type { Session } from "../session.ts";
import { toRpcError } from "../../rpc/errors.ts";
import { Code, ConnectError } from "@connectrpc/connect";
import { EventType } from "../../gen/cosi/state_pb.ts";
import type { Resource } from "../../gen/cosi/resource_pb.ts";
import { type ApiData, gather } from "./metrics.ts";
import { sleep } from "../../wait/mod.ts";

/** Polls every node each `intervalMs`; each round's data (diffed with the last) goes to `onData`. */
export async function pollMetrics(
  session: Session,
  nodes: string[],
  intervalMs: number,
  signal: AbortSignal,
  onData: (data: ApiData) => void,
): Promise<void> {
  let old: ApiData | undefined;
  while (!signal.aborted) {
    const next = sleep(intervalMs, signal); // a ticker: the interval includes the gathering
    const data = await gather(session, nodes, signal);
    if (signal.aborted) return;
    data.diff(old ?? data);
    onData(data);
    old = data;
    await next;
  }
}

/** Follows each node's kernel log; `onLine` gets lines, or an error text for a failed stream. */
export function followLogs(
  session: Session,
  nodes: string[],
  signal: AbortSignal,
  onLine: (node: string, line: string, error: string) => void,
  retryMs = 30_000,
): Promise<void>[] {
  const dec = new TextDecoder();
  return nodes.map(async (node) => {
    while (!signal.aborted) {
      try {
        const t = session.forNode(node);
        const stream = t.client.machine.dmesg(
          { follow: true, tail: false },
          { ...t.options, signal },
        );
        for await (const m of stream) {
          if (m.bytes.length === 0) continue;
          const line = dec.decode(m.bytes).trim();
          if (line !== "") onLine(node, line, "");
        }
      } catch (e) {
        if (signal.aborted) return;
        onLine(node, "", `error reading dmesg stream: ${toRpcError(e).message}`);
      }
      await sleep(retryMs, signal);
    }
  });
}

/** A resource change from a node's watch. */
export interface ResourceEvent {
  node: string;
  resource: Resource;
  deleted: boolean;
}

/** A resource (by namespace, type and id) or every resource of a kind (id undefined). */
interface Pointer {
  namespace: string;
  type: string;
  id?: string;
}

// What the dashboard watches: single resources, then whole kinds (with their current contents).
const SINGLE: Pointer[] = [
  { namespace: "runtime", type: "MachineStatuses.runtime.talos.dev", id: "machine" },
  { namespace: "runtime", type: "SecurityStates.talos.dev", id: "securitystate" },
  { namespace: "config", type: "MachineTypes.config.talos.dev", id: "machine-type" },
  { namespace: "k8s", type: "KubeletSpecs.kubernetes.talos.dev", id: "kubelet" },
  { namespace: "k8s", type: "KubeletStatuses.kubernetes.talos.dev", id: "kubelet" },
  { namespace: "network", type: "ResolverStatuses.net.talos.dev", id: "resolvers" },
  { namespace: "network", type: "TimeServerStatuses.net.talos.dev", id: "timeservers" },
  { namespace: "hardware", type: "SystemInformations.hardware.talos.dev", id: "systeminformation" },
  { namespace: "cluster", type: "Infos.cluster.talos.dev", id: "current" },
  { namespace: "network", type: "NetworkStatuses.net.talos.dev", id: "status" },
  { namespace: "network", type: "HostnameStatuses.net.talos.dev", id: "hostname" },
  { namespace: "runtime", type: "Versions.runtime.talos.dev", id: "version" },
];

const KINDS: Pointer[] = [
  { namespace: "runtime", type: "MetaKeys.runtime.talos.dev" },
  { namespace: "k8s", type: "StaticPodStatuses.kubernetes.talos.dev" },
  { namespace: "network", type: "RouteStatuses.net.talos.dev" },
  { namespace: "network", type: "LinkStatuses.net.talos.dev" },
  { namespace: "cluster", type: "Members.cluster.talos.dev" },
  { namespace: "network", type: "NodeAddresses.net.talos.dev" },
  { namespace: "config", type: "SiderolinkStatuses.siderolink.talos.dev" },
  { namespace: "runtime", type: "Diagnostics.runtime.talos.dev" },
];

/** Watches each node's resources until `signal` aborts; changes go to `onEvent`. */
export function watchResources(
  session: Session,
  nodes: string[],
  signal: AbortSignal,
  onEvent: (e: ResourceEvent) => void,
  retryMs = 1000,
): Promise<void>[] {
  return nodes.map(async (node) => {
    while (!signal.aborted) {
      const round = new AbortController();
      const stop = () => round.abort();
      signal.addEventListener("abort", stop, { once: true });
      try {
        await watchRound(session, node, round.signal, onEvent);
      } catch {
        // retried below
      } finally {
        round.abort();
        signal.removeEventListener("abort", stop);
      }
      await sleep(retryMs, signal);
    }
  });
}

/** Opens every watch of a node; returns (or throws) when any of them ends. */
async function watchRound(
  session: Session,
  node: string,
  signal: AbortSignal,
  onEvent: (e: ResourceEvent) => void,
): Promise<void> {
  const t = session.forNode(node);
  const options = { ...t.options, signal };
  const streams: AsyncIterator<{ event: { eventType: EventType; resource?: Resource }[] }>[] = [];
  for (const p of [...SINGLE, ...KINDS]) {
    const req = p.id !== undefined
      ? { namespace: p.namespace, type: p.type, id: p.id, options: {}, apiVersion: 1 }
      : {
        namespace: p.namespace,
        type: p.type,
        options: { bootstrapContents: true },
        apiVersion: 1,
      };
    const it = t.client.cosi.watch(req, options)[Symbol.asyncIterator]();
    try {
      await it.next(); // the watch is set up
    } catch (e) {
      if (e instanceof ConnectError && e.code === Code.PermissionDenied) continue;
      throw e;
    }
    streams.push(it);
  }
  if (streams.length === 0) {
    // Nothing to watch on this node: wait until the dashboard stops.
    await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
    return;
  }
  await Promise.race(streams.map(async (it) => {
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      for (const ev of r.value.event) {
        if (ev.eventType === EventType.ERRORED) throw new Error("watch failed");
        if (!ev.resource) continue;
        if (ev.eventType === EventType.CREATED || ev.eventType === EventType.UPDATED) {
          onEvent({ node, resource: ev.resource, deleted: false });
        } else if (ev.eventType === EventType.DESTROYED) {
          onEvent({ node, resource: ev.resource, deleted: true });
        }
      }
    }
  }));
}
