// talosctl's default cluster checks (pkg/cluster/check at HEAD), in upstream's order, with
// upstream's descriptions, poll intervals and error texts, over the Talos API (services, etcd,
// versions, memory, COSI resources) and the Kubernetes API.

import { Code } from "@connectrpc/connect";
import { formatErrors, goQuote, humanizeIBytes } from "../../gofmt/mod.ts";
import { errorText } from "../../rpc/mod.ts";
import type { NodeTarget } from "../session.ts";
import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { type Check, PollingCondition, SKIP, SkipAssertion } from "./conditions.ts";
import {
  type ClusterInfo,
  compareAddr,
  internalIPs,
  type MachineType,
  type NodeInfo,
  nodesMatch,
  plainList,
  quoteList,
} from "./cluster.ts";
import { cosiGet, cosiList, cosiWatch, isCode, isNotFound } from "./cosi.ts";

/** What a check works with. */
export interface CheckCluster {
  info: ClusterInfo;
  /** The Talos API of a node; without a node, the command's node. */
  talos(node?: string): NodeTarget;
  /** The Kubernetes API (kubeconfig through the Talos API, cached). */
  k8s(signal: AbortSignal): Promise<K8sClient>;
}

/** Errors rendered as Go renders them: gRPC statuses as "rpc error: ...". */
export function goError(e: unknown): Error {
  if (e instanceof SkipAssertion) return e;
  const text = errorText(e);
  return new Error(text);
}

const fail = (text: string) => new Error(text);
const wrap = (prefix: string, e: unknown) => fail(`${prefix}: ${errorText(e)}`);

const SECOND = 1000;

/** Calls every node at once; results in arrival order (as talosctl's multiplex.Unary). */
async function eachNode<T>(
  nodes: string[],
  call: (node: string) => Promise<T>,
): Promise<{ node: string; value?: T; error?: unknown }[]> {
  const out: { node: string; value?: T; error?: unknown }[] = [];
  await Promise.all(nodes.map(async (node) => {
    try {
      out.push({ node, value: await call(node) });
    } catch (error) {
      out.push({ node, error });
    }
  }));
  return out;
}

const byTypes = (c: CheckCluster, ...types: MachineType[]) =>
  types.flatMap((t) => c.info.byType[t]);

const callOpts = (t: NodeTarget, signal: AbortSignal) => ({ ...t.options, signal });

// ---- skip conditions -------------------------------------------------------------------------

async function etcdDisabled(c: CheckCluster, signal: AbortSignal): Promise<boolean> {
  const mc = await cosiGet(
    c.talos(),
    signal,
    "config",
    "MachineConfigs.config.talos.dev",
    "v1alpha1",
  );
  const { parseAllDocuments } = await import("yaml");
  // Talos sends the machine config as one YAML string holding the config's documents.
  const text = typeof mc.spec === "string" ? mc.spec : mc.specYaml;
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  const v1 = docs.find((d) => d && typeof d === "object" && "machine" in d) ?? docs[0] ?? {};
  return v1?.cluster?.etcd?.ca === undefined || v1?.cluster?.etcd?.ca === null;
}

async function kubeletDisabled(c: CheckCluster, signal: AbortSignal): Promise<boolean> {
  try {
    await cosiGet(c.talos(), signal, "k8s", "KubeletConfigs.kubernetes.talos.dev", "kubelet");
    return false;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

async function cniDisabled(c: CheckCluster, signal: AbortSignal): Promise<boolean> {
  try {
    const r = await cosiGet(
      c.talos(),
      signal,
      "controlplane",
      "BootstrapManifestsConfigs.kubernetes.talos.dev",
      "manifests",
    );
    return r.spec?.cniName === "none";
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

type AssertionFn = (signal: AbortSignal) => Promise<void>;

function skipIf(
  c: CheckCluster,
  when: (c: CheckCluster, signal: AbortSignal) => Promise<boolean>,
  assertion: AssertionFn,
): AssertionFn {
  return async (signal) => {
    if (await when(c, signal)) throw SKIP;
    await assertion(signal);
  };
}

function poll(description: string, assertion: AssertionFn, intervalMs: number) {
  return new PollingCondition(description, async (signal) => {
    try {
      await assertion(signal);
    } catch (e) {
      throw goError(e);
    }
  }, intervalMs);
}

// ---- Talos assertions ------------------------------------------------------------------------

export async function serviceHealth(
  c: CheckCluster,
  signal: AbortSignal,
  service: string,
  types: MachineType[] = [],
): Promise<void> {
  const nodes = types.length > 0 ? byTypes(c, ...types) : c.info.nodes;
  const results = await eachNode(internalIPs(nodes), async (node) => {
    const t = c.talos(node);
    const resp = await t.client.machine.serviceList({}, callOpts(t, signal));
    return resp.messages.flatMap((m) => m.services.filter((s) => s.id === service));
  });
  const found: { node: string; svc: NonNullable<typeof results[number]["value"]>[number] }[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      throw wrap(
        `error getting service info for service ${goQuote(service)} from node ${goQuote(r.node)}`,
        r.error,
      );
    }
    for (const svc of r.value ?? []) found.push({ node: r.node, svc });
  }
  if (found.length !== nodes.length) {
    throw fail(`expected a response with ${nodes.length} node(s), got ${found.length}`);
  }
  found.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const errs: string[] = [];
  for (const { node, svc } of found) {
    const events = svc.events?.events ?? [];
    if (events.length === 0) {
      errs.push(`${node}: no events recorded yet for service ${goQuote(service)}`);
      continue;
    }
    const last = events[events.length - 1];
    if (last.state !== "Running") {
      errs.push(
        `${node}: service ${
          goQuote(service)
        } not in expected state "Running": current state [${last.state}] ${last.msg}`,
      );
      continue;
    }
    if (!svc.health?.healthy) errs.push(`${node}: service is not healthy: ${service}`);
  }
  if (errs.length > 0) throw fail(formatErrors(errs));
}

async function etcdConsistent(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const nodes = byTypes(c, "init", "controlplane");
  const results = await eachNode(internalIPs(nodes), async (node) => {
    const t = c.talos(node);
    return await t.client.machine.etcdMemberList({}, callOpts(t, signal));
  });
  const responses: {
    node: string;
    members: { hostname: string; id: bigint; isLearner: boolean }[];
  }[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      throw wrap(`error getting etcd member list from node ${goQuote(r.node)}`, r.error);
    }
    const msgs = r.value?.messages ?? [];
    if (msgs.length === 0) throw fail(`node ${goQuote(r.node)}: no messages returned`);
    responses.push({ node: r.node, members: msgs[0].members });
  }
  responses.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const known = new Map<string, string>();
  const key = (m: { hostname: string; id: bigint; isLearner: boolean }) =>
    `${m.hostname}\u0000${m.id}\u0000${m.isLearner}`;
  responses.forEach((resp, i) => {
    if (i === 0) {
      for (const m of resp.members) known.set(key(m), m.hostname);
      return;
    }
    if (resp.members.length !== known.size) {
      const expected = [...known.values()].sort();
      throw fail(
        `${resp.node}: expected to have ${plainList(expected)} members, got ${
          plainList(resp.members.map((m) => m.hostname))
        }`,
      );
    }
    for (const m of resp.members) {
      if (!known.has(key(m))) {
        throw fail(`${resp.node}: found unexpected etcd member ${m.hostname}`);
      }
    }
  });
}

async function etcdControlPlaneNodes(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const nodes = byTypes(c, "init", "controlplane");
  const t = c.talos();
  const resp = await t.client.machine.etcdMemberList({}, callOpts(t, signal));
  const members = resp.messages[0]?.members ?? [];
  const memberIPs: string[] = [];
  for (const m of members) {
    for (const u of m.peerUrls) {
      memberIPs.push(new URL(u).hostname.replace(/^\[(.*)\]$/, "$1"));
    }
  }
  const cpIPs = nodes.flatMap((n) => n.ips);
  if (!memberIPs.every((ip) => cpIPs.includes(ip))) {
    throw fail(
      `etcd member ips ${quoteList(memberIPs)} are not subset of control plane node ips ${
        quoteList(cpIPs)
      }`,
    );
  }
}

async function apidReady(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const results = await eachNode(internalIPs(c.info.nodes), async (node) => {
    const t = c.talos(node);
    return await t.client.machine.version({}, callOpts(t, signal));
  });
  const errs = results.filter((r) => r.error !== undefined).map((r) =>
    `error getting version from node ${goQuote(r.node)}: ${errorText(r.error)}`
  );
  if (errs.length > 0) throw fail(errs.join("\n"));
}

/** Nodes that are not containers (Talos in Docker has no memory or disk minimums). */
async function nonContainerNodes(
  c: CheckCluster,
  signal: AbortSignal,
  nodes: string[],
): Promise<string[]> {
  const results = await eachNode(nodes, async (node) => {
    const t = c.talos(node);
    return await t.client.machine.version({}, callOpts(t, signal));
  });
  const errs: string[] = [];
  const out: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      errs.push(`error getting version from node ${goQuote(r.node)}: ${errorText(r.error)}`);
      continue;
    }
    if (r.value?.messages[0]?.platform?.mode === "container") continue;
    out.push(r.node);
  }
  if (errs.length > 0) throw fail(errs.join("\n"));
  return out;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** pkg/minimal: the least memory a node of each type needs (bytes). */
export function minimalMemory(t: MachineType): number {
  return t === "worker" ? 1 * GiB - 150 * MiB : 1848 * MiB - 150 * MiB;
}

async function memorySizes(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const nodes = await nonContainerNodes(c, signal, internalIPs(c.info.nodes));
  if (nodes.length === 0) return;
  const typeOf = new Map<string, MachineType>();
  for (const t of ["init", "controlplane", "worker"] as MachineType[]) {
    for (const n of c.info.byType[t]) typeOf.set(n.internalIP, t);
  }
  const results = await eachNode(nodes, async (node) => {
    const t = c.talos(node);
    return await t.client.machine.memory({}, callOpts(t, signal));
  });
  const errs: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      errs.push(`error getting memory info for node ${goQuote(r.node)}: ${errorText(r.error)}`);
      continue;
    }
    const type = typeOf.get(r.node);
    if (!type) throw fail(`unexpected node ${goQuote(r.node)} in response`);
    const minimum = minimalMemory(type);
    const total = Number(r.value?.messages[0]?.meminfo?.memtotal ?? 0n) * 1024;
    if (total < minimum) {
      errs.push(
        `node ${goQuote(r.node)} does not meet memory requirements: expected at least ${
          Math.floor(minimum / MiB)
        } MiB, actual ${Math.floor(total / MiB)} MiB`,
      );
    }
  }
  if (errs.length > 0) throw fail(formatErrors(errs));
}

/** The least EPHEMERAL size: 6 GiB less EFI (UKI), STATE, META and GPT overhead. */
export const MINIMAL_EPHEMERAL = 6 * GiB -
  ((100 + 1 + 2000) * MiB + 100 * MiB + 1 * MiB + 10 * MiB);

async function diskSizes(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const nodes = await nonContainerNodes(c, signal, internalIPs(c.info.nodes));
  if (nodes.length === 0) return;
  nodes.sort();
  const errs: string[] = [];
  for (const node of nodes) {
    let vs;
    try {
      vs = await cosiGet(
        c.talos(node),
        signal,
        "runtime",
        "VolumeStatuses.block.talos.dev",
        "EPHEMERAL",
      );
    } catch (e) {
      if (isCode(e, Code.PermissionDenied)) throw SKIP;
      errs.push(`error getting volume status for node ${goQuote(node)}: ${errorText(e)}`);
      continue;
    }
    const size = Number(vs.spec?.size ?? 0);
    if (size < MINIMAL_EPHEMERAL) {
      errs.push(
        `ephemeral partition ${goQuote(String(vs.spec?.location ?? ""))} for node ${
          goQuote(node)
        } is too small, expected at least ${humanizeIBytes(MINIMAL_EPHEMERAL)}, actual ${
          humanizeIBytes(size)
        }`,
      );
    }
  }
  if (errs.length > 0) throw fail(formatErrors(errs));
}

async function noDiagnostics(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const byNode = new Map<string, string[]>();
  for (const node of internalIPs(c.info.nodes)) {
    let items;
    try {
      items = await cosiList(c.talos(node), signal, "runtime", "Diagnostics.runtime.talos.dev");
    } catch (e) {
      if (isCode(e, Code.PermissionDenied)) throw SKIP;
      throw e;
    }
    for (const d of items) {
      byNode.set(node, [...(byNode.get(node) ?? []), String(d.spec?.message ?? "")]);
    }
  }
  if (byNode.size === 0) return;
  const nodes = [...byNode.keys()].sort();
  throw fail(
    `active diagnostics: ${nodes.map((n) => `${n}: ${byNode.get(n)!.join(", ")}`).join("; ")}`,
  );
}

const STAGES = [
  "unknown",
  "booting",
  "installing",
  "maintenance",
  "running",
  "rebooting",
  "shutting down",
  "resetting",
  "upgrading",
];

async function allNodesBooted(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const nodes = internalIPs(c.info.nodes);
  const stages = new Map(nodes.map((n) => [n, "unknown"]));
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const watches = await Promise.all(nodes.map(async (node) => ({
      node,
      events: await cosiWatch(
        c.talos(node),
        ctl.signal,
        "runtime",
        "MachineStatuses.runtime.talos.dev",
        "machine",
      ),
    })));
    type Item = { node: string; event?: Awaited<ReturnType<typeof watches[0]["events"]["next"]>> };
    const queue: Item[] = [];
    let wake: (() => void) | undefined;
    for (const w of watches) {
      (async () => {
        try {
          for await (const e of w.events) {
            queue.push({ node: w.node, event: { done: false, value: e } });
            wake?.();
          }
        } catch (e) {
          queue.push({
            node: w.node,
            event: { done: false, value: { type: "errored", error: errorText(e) } },
          });
          wake?.();
        }
      })();
    }
    for (;;) {
      while (queue.length === 0) {
        if (signal.aborted) throw signal.reason;
        await new Promise<void>((r) => {
          wake = r;
          signal.addEventListener("abort", () => r(), { once: true });
        });
        wake = undefined;
      }
      const { node, event } = queue.shift()!;
      const ev = event!.value!;
      if (ev.type === "created" || ev.type === "updated") {
        stages.set(node, String(ev.resource?.spec?.stage ?? "unknown"));
      } else if (ev.type === "errored") {
        throw fail(`error watching machine ${node} status: ${ev.error ?? ""}`);
      }
      const values = [...stages.values()];
      if (values.includes("unknown")) continue;
      if (values.every((s) => s === "running")) return;
      const withNodes = new Map<string, string[]>();
      for (const [n, s] of stages) {
        if (s !== "running") withNodes.set(s, [...(withNodes.get(s) ?? []), n]);
      }
      const ordered = [...withNodes.keys()].sort((a, b) => STAGES.indexOf(a) - STAGES.indexOf(b));
      throw fail(
        `nodes are not running: ${
          ordered.map((s) => `${s}: ${plainList(withNodes.get(s)!.sort())}`).join(", ")
        }`,
      );
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    ctl.abort();
  }
}

// ---- Kubernetes assertions -------------------------------------------------------------------

/** The Kubernetes client, or SKIP when the node has no kubeconfig to give. */
async function k8sOrSkip(c: CheckCluster, signal: AbortSignal): Promise<K8sClient> {
  try {
    return await c.k8s(signal);
  } catch (e) {
    if (isCode(e, Code.FailedPrecondition)) throw SKIP;
    throw e;
  }
}

function nodeInfoOf(node: K8sObject): NodeInfo {
  let internalIP = "";
  const ips: string[] = [];
  for (const a of node.status?.addresses ?? []) {
    if (a.type === "InternalIP") {
      internalIP = a.address;
      ips.push(a.address);
    } else if (a.type === "ExternalIP") {
      ips.push(a.address);
    }
  }
  return { internalIP, ips };
}

const isReady = (o: K8sObject, type: string) =>
  (o.status?.conditions ?? []).some((c: K8sObject) => c.type === type && c.status === "True");

const notReady = (o: K8sObject, type: string) =>
  (o.status?.conditions ?? []).some((c: K8sObject) => c.type === type && c.status !== "True");

async function k8sAllNodesReported(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const k8s = await k8sOrSkip(c, signal);
  const nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
  const err = nodesMatch(c.info.nodes, nodes.items.map(nodeInfoOf));
  if (err) throw fail(err);
}

const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

async function k8sFullControlPlane(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const k8s = await k8sOrSkip(c, signal);
  const expected = byTypes(c, "init", "controlplane");
  const nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
  const actual = nodes.items
    .filter((n) => Object.hasOwn(n.metadata?.labels ?? {}, CONTROL_PLANE_LABEL))
    .map(nodeInfoOf);
  const err = nodesMatch(expected, actual);
  if (err) throw fail(err);
  const dss = await k8s.list(
    "/apis/apps/v1/namespaces/kube-system/daemonsets",
    "k8s-app in (kube-apiserver,kube-scheduler,kube-controller-manager)",
    { signal },
  );
  for (const ds of dss.items) {
    const s = ds.status ?? {};
    const want = s.desiredNumberScheduled ?? 0;
    const name = ds.metadata?.name ?? "";
    if ((s.currentNumberScheduled ?? 0) !== want) {
      throw fail(
        `expected current number scheduled for ${name} to be ${want}, got ${
          s.currentNumberScheduled ?? 0
        }`,
      );
    }
    if ((s.numberAvailable ?? 0) !== want) {
      throw fail(
        `expected number available for ${name} to be ${want}, got ${s.numberAvailable ?? 0}`,
      );
    }
    if ((s.numberReady ?? 0) !== want) {
      throw fail(`expected number ready for ${name} to be ${want}, got ${s.numberReady ?? 0}`);
    }
  }
  for (const app of ["kube-apiserver", "kube-scheduler", "kube-controller-manager"]) {
    let pods;
    try {
      pods = await k8s.list("/api/v1/namespaces/kube-system/pods", `k8s-app = ${app}`, { signal });
    } catch (e) {
      throw wrap(`error listing pods for app ${app}`, e);
    }
    const items = pods.items.filter((p) =>
      !Object.hasOwn(p.metadata?.annotations ?? {}, "checkpointer.alpha.coreos.com/checkpoint-of")
    );
    if (items.length !== actual.length) {
      throw fail(`expected number of pods for ${app} to be ${actual.length}, got ${items.length}`);
    }
    const bad = items.filter((p) => notReady(p, "Ready")).map((p) => p.metadata?.name ?? "");
    if (bad.length > 0) throw fail(`some pods are not ready for ${app}: ${plainList(bad)}`);
  }
}

async function k8sAllNodesReady(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const k8s = await k8sOrSkip(c, signal);
  const nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
  const bad = nodes.items.filter((n) => notReady(n, "Ready")).map((n) => n.metadata?.name ?? "");
  if (bad.length > 0) throw fail(`some nodes are not ready: ${plainList(bad)}`);
}

async function k8sAllNodesSchedulable(c: CheckCluster, signal: AbortSignal): Promise<void> {
  const k8s = await k8sOrSkip(c, signal);
  const nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
  // As upstream: the first cordoned node is named.
  const bad = nodes.items.filter((n) => n.spec?.unschedulable === true).slice(0, 1)
    .map((n) => n.metadata?.name ?? "");
  if (bad.length > 0) throw fail(`some nodes are not schedulable: ${plainList(bad)}`);
}

async function podsReady(
  c: CheckCluster,
  signal: AbortSignal,
  replicas: number,
  namespace: string,
  selector: string,
): Promise<void> {
  const k8s = await k8sOrSkip(c, signal);
  const pods = await k8s.list(`/api/v1/namespaces/${namespace}/pods`, selector, { signal });
  if (pods.items.length === 0) {
    throw fail(
      `no pods found for namespace ${goQuote(namespace)} and label selector ${goQuote(selector)}`,
    );
  }
  const ready: string[] = [], notReadyPods: string[] = [];
  for (const p of pods.items) {
    if (p.metadata?.deletionTimestamp) continue;
    if (p.status?.phase === "Failed") continue;
    const statuses = p.status?.containerStatuses ?? [];
    if (statuses.every((s: K8sObject) => s.state?.terminated)) continue;
    (isReady(p, "Ready") ? ready : notReadyPods).push(p.metadata?.name ?? "");
  }
  if (ready.length === 0) {
    throw fail(
      `no ready pods found for namespace ${goQuote(namespace)} and label selector ${
        goQuote(selector)
      }`,
    );
  }
  if (notReadyPods.length === 0) {
    if (ready.length !== replicas) {
      throw fail(`expected ${replicas} ready pods, got ${ready.length}`);
    }
    return;
  }
  throw fail(`some pods are not ready: ${plainList(notReadyPods)}`);
}

async function workloadPresent(
  c: CheckCluster,
  signal: AbortSignal,
  resource: "daemonsets" | "deployments",
  selector: string,
): Promise<{ present: boolean; replicas: number }> {
  const k8s = await k8sOrSkip(c, signal);
  const list = await k8s.list(`/apis/apps/v1/namespaces/kube-system/${resource}`, selector, {
    signal,
  });
  if (list.items.length === 0) return { present: false, replicas: 0 };
  const first = list.items[0];
  return {
    present: true,
    replicas: resource === "daemonsets"
      ? first.status?.desiredNumberScheduled ?? 0
      : first.spec?.replicas ?? 0,
  };
}

async function controlPlaneStaticPods(c: CheckCluster, signal: AbortSignal): Promise<void> {
  for (const node of byTypes(c, "init", "controlplane")) {
    const t = c.talos(node.internalIP);
    const expected = new Set<string>();
    for (
      const [id, type] of [
        ["kube-system/kube-apiserver", "APIServerConfigs.kubernetes.talos.dev"],
        ["kube-system/kube-controller-manager", "ControllerManagerConfigs.kubernetes.talos.dev"],
        ["kube-system/kube-scheduler", "SchedulerConfigs.kubernetes.talos.dev"],
      ]
    ) {
      let items;
      try {
        items = await cosiList(t, signal, "controlplane", type);
      } catch (e) {
        throw wrap(`error listing static pods config for node ${node.internalIP}`, e);
      }
      if (items.length > 0) expected.add(id);
    }
    let statuses;
    try {
      statuses = await cosiList(t, signal, "k8s", "StaticPodStatuses.kubernetes.talos.dev");
    } catch (e) {
      throw wrap(`error listing static pods on node ${node.internalIP}`, e);
    }
    for (const s of statuses) {
      for (const want of [...expected]) if (s.id.startsWith(want)) expected.delete(want);
    }
    if (expected.size > 0) {
      throw fail(
        `missing static pods on node ${node.internalIP}: ${plainList([...expected].sort())}`,
      );
    }
  }
}

// ---- the lists -------------------------------------------------------------------------------

export function preBootSequenceChecks(): Check<CheckCluster>[] {
  return [
    (c) =>
      poll(
        "etcd to be healthy",
        skipIf(c, etcdDisabled, (s) => serviceHealth(c, s, "etcd", ["init", "controlplane"])),
        5 * SECOND,
      ),
    (c) =>
      poll(
        "etcd members to be consistent across nodes",
        skipIf(c, etcdDisabled, (s) => etcdConsistent(c, s)),
        5 * SECOND,
      ),
    (c) =>
      poll(
        "etcd members to be control plane nodes",
        skipIf(c, etcdDisabled, (s) => etcdControlPlaneNodes(c, s)),
        5 * SECOND,
      ),
    (c) => poll("apid to be ready", (s) => apidReady(c, s), 5 * SECOND),
    (c) => poll("all nodes memory sizes", (s) => memorySizes(c, s), 5 * SECOND),
    (c) => poll("all nodes disk sizes", (s) => diskSizes(c, s), 5 * SECOND),
    (c) => poll("no diagnostics", (s) => noDiagnostics(c, s), 5 * SECOND),
    (c) =>
      poll(
        "kubelet to be healthy",
        skipIf(c, kubeletDisabled, (s) => serviceHealth(c, s, "kubelet", ["init", "controlplane"])),
        5 * SECOND,
      ),
    (c) => poll("all nodes to finish boot sequence", (s) => allNodesBooted(c, s), 5 * SECOND),
  ];
}

export function k8sComponentsReadinessChecks(): Check<CheckCluster>[] {
  return [
    (c) => poll("all k8s nodes to report", (s) => k8sAllNodesReported(c, s), 30 * SECOND),
    (c) =>
      poll(
        "all control plane static pods to be running",
        (s) => controlPlaneStaticPods(c, s),
        5 * SECOND,
      ),
    (c) =>
      poll(
        "all control plane components to be ready",
        (s) => k8sFullControlPlane(c, s),
        5 * SECOND,
      ),
  ];
}

export function defaultClusterChecks(): Check<CheckCluster>[] {
  return [
    ...preBootSequenceChecks(),
    ...k8sComponentsReadinessChecks(),
    (c) =>
      poll(
        "all k8s nodes to report ready",
        skipIf(c, cniDisabled, (s) => k8sAllNodesReady(c, s)),
        5 * SECOND,
      ),
    (c) =>
      poll("kube-proxy to report ready", async (s) => {
        const { present, replicas } = await workloadPresent(
          c,
          s,
          "daemonsets",
          "k8s-app=kube-proxy",
        );
        if (!present || replicas === 0) throw SKIP;
        await podsReady(c, s, replicas, "kube-system", "k8s-app=kube-proxy");
      }, 5 * SECOND),
    (c) =>
      poll(
        "coredns to report ready",
        skipIf(c, cniDisabled, async (s) => {
          const { present, replicas } = await workloadPresent(
            c,
            s,
            "deployments",
            "k8s-app=kube-dns",
          );
          if (!present) throw SKIP;
          await podsReady(c, s, replicas, "kube-system", "k8s-app=kube-dns");
        }),
        5 * SECOND,
      ),
    (c) =>
      poll("all k8s nodes to report schedulable", (s) => k8sAllNodesSchedulable(c, s), 5 * SECOND),
  ];
}

export { compareAddr };
