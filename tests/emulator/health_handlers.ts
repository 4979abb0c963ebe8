// Emulated ClusterService/HealthCheck, as machined serves it: control-plane nodes only; the
// cluster's nodes come from the request, else from the node's discovered members, else from
// the Kubernetes node list; the first message is `discovered nodes: [...]`, then one
// `waiting for ...` line per change of the running check; the stream ends with a
// DeadlineExceeded error when `wait_timeout` runs out (zero = already expired).
//
// Like machined, it runs talosctl's check library against the cluster through a local client
// that carries the caller's roles: here a loopback mTLS client to this emulator, with a
// certificate for those roles, and the Kubernetes API through the Kubeconfig RPC.
//
// Also: MachineService/Memory (the node's MemTotal from `memoryOf`) when no other file serves it.

import { Code, ConnectError } from "@connectrpc/connect";
import { ClusterService } from "../../gen/cluster/cluster_pb.ts";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import { newClient } from "../../rpc/client.ts";
import type { NodeTarget } from "../../commands/session.ts";
import {
  type ClusterInfo,
  discoveredClusterInfo,
  explicitClusterInfo,
  type NodeInfo,
  parseAddr,
} from "../../commands/clustercheck/cluster.ts";
import {
  type PollingCondition,
  waitChecks,
  withTimeout,
} from "../../commands/clustercheck/conditions.ts";
import { defaultClusterChecks } from "../../commands/clustercheck/checks.ts";
import { KubernetesAccess } from "../../commands/clustercheck/k8s_access.ts";
import { cosiList } from "../../commands/clustercheck/cosi.ts";
import { errorText } from "../../rpc/mod.ts";
import type { Emulator, NodeCall } from "./server.ts";
import type { TestEmulator } from "./mod.ts";
import type { SimNode } from "./node.ts";
import { nodeSystem } from "./system.ts";

const memory = new WeakMap<SimNode, number>();

/** The node's MemTotal in KiB (default 4 GiB). */
export function memoryOf(node: SimNode): number {
  return memory.get(node) ?? 4 * 1024 * 1024;
}

export function setMemory(node: SimNode, kib: number): void {
  memory.set(node, kib);
  nodeSystem(node).meminfo.memtotal = BigInt(kib);
}

function durationMs(d: { seconds: bigint; nanos: number } | undefined): number {
  return d ? Number(d.seconds) * 1000 + d.nanos / 1e6 : 0;
}

/** Whether the node is a control plane: its MachineType, else the SimNode flag. */
function isControlPlane(node: SimNode): boolean {
  return node.controlPlane;
}

export function registerHealthHandlers(emu: TestEmulator): void {
  if (!emu.handlers.has("/machine.MachineService/Memory")) {
    emu.handle(MachineService.method.memory, (_req, call: NodeCall) => ({
      messages: [{ meminfo: { memtotal: BigInt(memoryOf(call.node)) } }],
    }));
  }

  emu.handle(ClusterService.method.healthCheck, async function* (req, call: NodeCall) {
    if (!isControlPlane(call.node)) {
      throw new ConnectError(
        "cluster health check is only available on control plane nodes",
        Code.Unimplemented,
      );
    }
    const cert = await emu.clientCert(call.roles);
    const local = newClient({
      contextName: "local",
      endpoints: [emu.endpoint],
      tls: { ca: emu.ca.cert, cert: cert.cert, key: cert.key },
    }, { signal: call.signal });
    const target = (node?: string): NodeTarget => {
      const n = node ?? call.node.address;
      return { node: n, client: local, options: local.callOptions(n, { signal: call.signal }) };
    };
    using deadline = withTimeout(call.signal, durationMs(req.waitTimeout));
    const k8s = new KubernetesAccess(
      () => target(),
      req.clusterInfo?.forceEndpoint ?? "",
      deadline,
    );
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const send = (m: string) => {
      queue.push(m);
      wake?.();
    };
    let finished = false;
    let failure: unknown;
    const work = (async () => {
      try {
        const info = await clusterInfo(req, target, k8s, deadline);
        send(
          `discovered nodes: [${info.nodes.map((n) => JSON.stringify(n.internalIP)).join(" ")}]`,
        );
        let last = "";
        await waitChecks(
          deadline,
          {
            info,
            talos: target,
            k8s: (s: AbortSignal) => k8s.client(s),
          },
          defaultClusterChecks(),
          {
            update(c: PollingCondition) {
              const line = `waiting for ${c.statusLine()}`;
              if (line !== last) {
                send(line.trim());
                last = line;
              }
            },
          },
        );
      } catch (e) {
        failure = e;
      } finally {
        finished = true;
        k8s.close();
        wake?.();
      }
    })();
    while (!finished || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((r) => wake = r);
        wake = undefined;
        continue;
      }
      yield { message: queue.shift()! };
    }
    await work;
    if (failure !== undefined) {
      const text = failure instanceof Error ? failure.message : String(failure);
      if (text === "context deadline exceeded") {
        throw new ConnectError(text, Code.DeadlineExceeded);
      }
      if (text === "context canceled") throw new ConnectError(text, Code.Canceled);
      if (failure instanceof ConnectError) throw failure;
      throw new ConnectError(text, Code.Unknown);
    }
  });
}

async function clusterInfo(
  // deno-lint-ignore no-explicit-any
  req: any,
  target: (node?: string) => NodeTarget,
  k8s: KubernetesAccess,
  signal: AbortSignal,
): Promise<ClusterInfo> {
  const cp: string[] = req.clusterInfo?.controlPlaneNodes ?? [];
  const workers: string[] = req.clusterInfo?.workerNodes ?? [];
  if (cp.length > 0 || workers.length > 0) return explicitClusterInfo([], cp, workers);
  try {
    const members = await cosiList(target(), signal, "cluster", "Members.cluster.talos.dev");
    if (members.length > 0) {
      return discoveredClusterInfo(members.map((m) => ({ id: m.id, ...m.spec })));
    }
  } catch {
    // machined logs the discovery error and falls back to the Kubernetes nodes
  }
  const client = await k8s.client(signal);
  const nodes = await client.list("/api/v1/nodes", undefined, { signal });
  const byType: ClusterInfo["byType"] = { init: [], controlplane: [], worker: [] };
  const all: NodeInfo[] = [];
  for (const n of nodes.items) {
    let internalIP = "";
    const ips: string[] = [];
    for (const a of n.status?.addresses ?? []) {
      if (a.type === "InternalIP") ips.push(internalIP = parseAddr(a.address));
      if (a.type === "ExternalIP") ips.push(parseAddr(a.address));
    }
    const info = { internalIP, ips };
    all.push(info);
    const cpNode = Object.hasOwn(n.metadata?.labels ?? {}, "node-role.kubernetes.io/control-plane");
    byType[cpNode ? "controlplane" : "worker"].push(info);
  }
  return { nodes: all, byType };
}

export { errorText };
export type { Emulator };
