// What the checks know of the cluster: its nodes by machine type (from flags, or discovered
// from the Members resources), the Talos API per node, and the Kubernetes API.

import { parseAddr as parseGoAddr } from "../../machineconfig/validate/netip.ts";
import { addrString } from "../../machineconfig/validate/netfmt.ts";
import { goQuote } from "../../gofmt/mod.ts";
import type { NodeTarget } from "../session.ts";

export type MachineType = "init" | "controlplane" | "worker";

export interface NodeInfo {
  /** The address Talos API calls target. */
  internalIP: string;
  ips: string[];
}

export interface ClusterInfo {
  nodes: NodeInfo[];
  byType: Record<MachineType, NodeInfo[]>;
}

/** Go's netip.ParseAddr + String: the canonical text of an IP address, or Go's error. */
export function parseAddr(ip: string): string {
  const a = parseGoAddr(ip);
  if ("error" in a) throw new Error(a.error);
  return addrString(a);
}

export function ipsToNodeInfos(ips: string[]): NodeInfo[] {
  return ips.map((ip) => {
    const a = parseAddr(ip);
    return { internalIP: a, ips: [a] };
  });
}

/** Cluster info from explicit node lists (the flags of `health`). */
export function explicitClusterInfo(
  init: string[],
  controlPlane: string[],
  workers: string[],
): ClusterInfo {
  const byType = {
    init: ipsToNodeInfos(init),
    controlplane: ipsToNodeInfos(controlPlane),
    worker: ipsToNodeInfos(workers),
  };
  return { nodes: [...byType.init, ...byType.controlplane, ...byType.worker], byType };
}

/** A Members resource spec (cluster discovery). */
export interface MemberSpec {
  id: string;
  addresses?: string[];
  machineType?: string;
}

/** Cluster info from the discovered members, grouped by machine type. */
export function discoveredClusterInfo(members: MemberSpec[]): ClusterInfo {
  const byType: Record<MachineType, NodeInfo[]> = { init: [], controlplane: [], worker: [] };
  const order: MachineType[] = [];
  for (const m of members) {
    const ips = (m.addresses ?? []).map(parseAddr);
    if (ips.length === 0) throw new Error(`no IP address found for member: ${m.id}`);
    const t = (["init", "controlplane"].includes(m.machineType ?? "")
      ? m.machineType
      : "worker") as MachineType;
    if (!order.includes(t)) {
      order.push(t);
    }
    byType[t].push({ internalIP: ips[0], ips });
  }
  return { nodes: order.flatMap((t) => byType[t]), byType };
}

export const internalIPs = (nodes: NodeInfo[]) => nodes.map((n) => n.internalIP);

/** Go's %q of a string slice: ["a" "b"]. */
export const quoteList = (xs: string[]) => `[${xs.map(goQuote).join(" ")}]`;

/** Go's %v of a string slice: [a b]. */
export const plainList = (xs: string[]) => `[${xs.join(" ")}]`;

/**
 * Every expected node must share an IP with one actual node, and no actual node may be left
 * over. Returns the error text, or undefined when they match.
 */
export function nodesMatch(expected: NodeInfo[], actual: NodeInfo[]): string | undefined {
  const left = [...actual];
  for (const e of expected) {
    const i = left.findIndex((a) => a.ips.some((ip) => e.ips.includes(ip)));
    if (i < 0) return `can't find expected node with IPs ${quoteList(e.ips)}`;
    left.splice(i, 1);
  }
  if (left.length > 0) {
    const ips = left.flatMap((n) => n.ips).sort(compareAddr);
    return `unexpected nodes with IPs ${quoteList(ips)}`;
  }
  return undefined;
}

/** netip.Addr.Compare for the text forms: IPv4 before IPv6, then numerically. */
export function compareAddr(a: string, b: string): number {
  const key = (ip: string) => {
    if (!ip.includes(":")) {
      return "0" + ip.split(".").map((p) => Number(p).toString(16).padStart(2, "0")).join("");
    }
    return "1" + ip;
  };
  const ka = key(a), kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Cluster info from the Members resources node `t` sees (talosctl's discovery). */
export async function membersClusterInfo(t: NodeTarget, signal: AbortSignal): Promise<ClusterInfo> {
  const { cosiList } = await import("./cosi.ts");
  const members = await cosiList(t, signal, "cluster", "Members.cluster.talos.dev");
  return discoveredClusterInfo(members.map((m) => ({ id: m.id, ...m.spec })));
}
