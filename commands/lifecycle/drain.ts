// Draining Kubernetes nodes around a reboot (reboot --drain, upgrade --drain), as talosctl does
// it: the admin kubeconfig from the Talos API (kept in memory), each node's Kubernetes name from
// its Nodename resource, cordon + evict every pod (DaemonSet and mirror pods excepted, waiting
// for each to be gone) on all nodes at once; after the reboot, wait for each node to be Ready
// and uncordon it, even when the reboot failed.

import type { RunContext } from "../spec.ts";
import type { Session } from "../session.ts";
import { errorText, goDuration, goQuote } from "../kit.ts";
import { UserError } from "../../errors.ts";
import { parseGoDuration } from "../flag_values.ts";
import { sleepOrThrow } from "../../wait/mod.ts";
import type { Reporter, Status } from "./reporter.ts";
import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { K8sApiError } from "../../k8s/mod.ts";

const NODENAME_TYPE = "Nodenames.kubernetes.talos.dev";

interface Intervals {
  /** Between two checks that an evicted pod is gone (kubectl: 1 s). */
  podGone: number;
  /** Before evicting again a pod a disruption budget protects (kubectl: 5 s). */
  evictRetry: number;
  /** Between two checks that a node is Ready (5 s). */
  nodeReady: number;
}

function intervals(ctx: RunContext): Intervals {
  const env = ctx.deps.env.TALOSCTL_RETRY_INTERVAL;
  const d = env ? parseGoDuration(env) : null;
  if (d !== null && d > 0) return { podGone: d, evictRetry: d, nodeReady: d };
  return { podGone: 1000, evictRetry: 5000, nodeReady: 5000 };
}

const sleep = (ms: number, signal: AbortSignal) =>
  sleepOrThrow(ms, signal, () => new UserError("context canceled"));

/** talosctl's drain progress: every node's latest line, sorted, one status for all. */
class DrainProgress {
  #nodes = new Map<string, { message: string; status: Status }>();
  constructor(private readonly reporter: Reporter) {}

  update(node: string, message: string, status: Status = "running"): Promise<void> {
    this.#nodes.set(node, { message: `${node}: ${message}`, status });
    let text = "";
    let combined: Status = "succeeded";
    for (const n of [...this.#nodes.keys()].sort()) text += this.#nodes.get(n)!.message + "\n";
    for (const s of this.#nodes.values()) {
      if (s.status === "error") {
        combined = "error";
        break;
      }
      if (s.status === "running") combined = "running";
    }
    return this.reporter.report({ message: text, status: combined });
  }
}

async function kubeClientFor(session: Session, signal: AbortSignal): Promise<Kube> {
  const { receiveArchive } = await import("../kubeconfig_run.ts");
  const { extractFileFromTarGz } = await import("../../archive/file.ts");
  let text: string;
  try {
    const c = session.client;
    const archive = await receiveArchive(c, c.callOptions(undefined, { signal }));
    text = new TextDecoder().decode(await extractFileFromTarGz("kubeconfig", archive));
  } catch (e) {
    throw new UserError(
      `error creating Kubernetes client for drain: error fetching kubeconfig from Talos API: ${
        errorText(e)
      }`,
    );
  }
  try {
    const { connectionFromKubeconfig } = await import("../clustercheck/k8s_access.ts");
    const { K8sClient } = await import("../../k8s/mod.ts");
    return new Kube(new K8sClient(await connectionFromKubeconfig(text, ""), signal));
  } catch (e) {
    throw new UserError(`error creating Kubernetes client for drain: ${errorText(e)}`);
  }
}

/** The node's Kubernetes name, from its Nodename resource. */
async function kubernetesName(session: Session, node: string): Promise<string> {
  const t = session.forNode(node);
  try {
    const reply = await t.client.cosi.get(
      { namespace: "k8s", type: NODENAME_TYPE, id: "nodename" },
      t.options,
    );
    const { parse } = await import("yaml");
    const spec = parse(reply.resource?.spec?.yamlSpec ?? "") as { nodename?: string } | null;
    return spec?.nodename ?? "";
  } catch (e) {
    throw new UserError(
      `error resolving Kubernetes node name for ${node}: error getting Kubernetes node name from Talos API: ${
        errorText(e)
      }`,
    );
  }
}

/** The few Kubernetes calls a drain makes. */
class Kube {
  constructor(readonly api: K8sClient) {}

  close(): void {
    this.api.close();
  }

  getNode(name: string): Promise<K8sObject> {
    return this.api.get(`/api/v1/nodes/${encodeURIComponent(name)}`);
  }

  /** spec.unschedulable as kubectl cordon/uncordon patch it. */
  async setUnschedulable(name: string, on: boolean): Promise<void> {
    await this.api.request("PATCH", `/api/v1/nodes/${encodeURIComponent(name)}`, {
      body: { spec: { unschedulable: on ? true : null } },
      contentType: "application/strategic-merge-patch+json",
    });
  }

  async podsOnNode(name: string): Promise<K8sObject[]> {
    const list = await this.api.get<{ items?: K8sObject[] }>("/api/v1/pods", {
      query: { fieldSelector: `spec.nodeName=${name}` },
    });
    return list.items ?? [];
  }

  getPod(ns: string, name: string): Promise<K8sObject> {
    return this.api.get(
      `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`,
    );
  }

  async evict(pod: K8sObject): Promise<void> {
    const { namespace, name } = pod.metadata;
    await this.api.request(
      "POST",
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${
        encodeURIComponent(name)
      }/eviction`,
      { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } } },
    );
  }
}

const status = (e: unknown) => e instanceof K8sApiError ? e.status : 0;

/** Pods `kubectl drain --ignore-daemonsets --force --delete-emptydir-data` evicts. */
function evictable(pod: K8sObject): boolean {
  if (pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined) return false;
  return !((pod.metadata?.ownerReferences ?? []) as { kind: string; controller?: boolean }[])
    .some((o) => o.controller && o.kind === "DaemonSet");
}

async function cordonAndDrain(
  kube: Kube,
  name: string,
  timeoutMs: number,
  iv: Intervals,
  progress: DrainProgress,
  signal: AbortSignal,
): Promise<void> {
  await progress.update(name, "cordoning node");
  try {
    let node;
    try {
      node = await kube.getNode(name);
    } catch (e) {
      throw new Error(`failed to get node ${goQuote(name)}: ${errorText(e)}`);
    }
    if (!node.spec?.unschedulable) {
      try {
        await kube.setUnschedulable(name, true);
      } catch (e) {
        throw new Error(`failed to cordon node ${goQuote(name)}: ${errorText(e)}`);
      }
    }
  } catch (e) {
    await progress.update(name, `error cordoning node: ${errorText(e)}`, "error");
    throw new UserError(`error cordoning node ${goQuote(name)}: ${errorText(e)}`);
  }
  await progress.update(name, "node cordoned");
  await progress.update(name, "draining node");
  const deadline = Date.now() + timeoutMs;
  try {
    const pods = (await kube.podsOnNode(name)).filter(evictable);
    await Promise.all(pods.map(async (pod) => {
      const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
      await progress.update(name, `evicting pod ${id}`);
      try {
        for (;;) {
          try {
            await kube.evict(pod);
            break;
          } catch (e) {
            if (status(e) === 404) break;
            // A disruption budget refuses for now: kubectl tries again a little later.
            if (status(e) !== 429) throw e;
            if (Date.now() + iv.evictRetry > deadline) {
              throw new Error(`global timeout reached: ${goDuration(timeoutMs)}`);
            }
            await sleep(iv.evictRetry, signal);
          }
        }
        for (;;) {
          try {
            const now = await kube.getPod(pod.metadata.namespace, pod.metadata.name);
            if (now.metadata.uid !== pod.metadata.uid) break;
          } catch (e) {
            if (status(e) === 404) break;
            throw e;
          }
          if (Date.now() + iv.podGone > deadline) {
            throw new Error(`global timeout reached: ${goDuration(timeoutMs)}`);
          }
          await sleep(iv.podGone, signal);
        }
      } catch (e) {
        await progress.update(name, `failed to evict pod ${id}: ${errorText(e)}`);
        throw e;
      }
      await progress.update(name, `evicted pod ${id}`);
    }));
  } catch (e) {
    const why = `failed to drain node ${goQuote(name)}: ${errorText(e)}`;
    await progress.update(name, `error cordoning node: ${why}`, "error");
    throw new UserError(`error draining node ${goQuote(name)}: ${why}`);
  }
  await progress.update(name, "node drained", "succeeded");
}

async function waitReadyAndUncordon(
  kube: Kube,
  name: string,
  timeoutMs: number,
  iv: Intervals,
  progress: DrainProgress,
  signal: AbortSignal,
): Promise<void> {
  await progress.update(name, "waiting for node to become Ready");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const node = await kube.getNode(name);
      const conditions = (node.status?.conditions ?? []) as { type: string; status: string }[];
      const ready = conditions.find((c) => c.type === "Ready");
      if (ready?.status === "True") break;
    } catch (e) {
      // Connection trouble and the API server restarting are retried; other errors are not.
      if (e instanceof K8sApiError && e.status < 500 && e.status !== 429) {
        throw new UserError(
          `error waiting for node ${goQuote(name)} to become Ready: failed to get node ${
            goQuote(name)
          }: ${errorText(e)}`,
        );
      }
      if (signal.aborted) throw e;
    }
    if (Date.now() + iv.nodeReady > deadline) {
      throw new UserError(
        `error waiting for node ${goQuote(name)} to become Ready: context deadline exceeded`,
      );
    }
    await sleep(iv.nodeReady, signal);
  }
  await progress.update(name, "uncordoning node");
  try {
    await kube.setUnschedulable(name, false);
  } catch (e) {
    if (status(e) === 404) return;
    const why = `failed to uncordon node ${goQuote(name)}: ${errorText(e)}`;
    await progress.update(name, `error uncordoning node: ${why}`, "error");
    throw new UserError(`error uncordoning node ${goQuote(name)}: ${why}`);
  }
  await progress.update(name, "node uncordoned", "succeeded");
}

/**
 * Cordons and drains the session's nodes, runs `inner` (the reboot), then waits for each node to
 * be Ready again and uncordons it. `wrap` prefixes drain errors (reboot: "error draining nodes").
 */
export async function drainAround(
  ctx: RunContext,
  session: Session,
  reporter: Reporter,
  inner: () => Promise<void>,
  wrap = "",
): Promise<void> {
  const signal = ctx.deps.signal;
  const iv = intervals(ctx);
  const drainTimeout = ctx.flags["drain-timeout"] as number;
  const timeout = ctx.flags.timeout as number;
  let kube = await kubeClientFor(session, signal);
  const names = new Map<string, string>();
  try {
    const progress = new DrainProgress(reporter);
    let first: unknown;
    await Promise.all(session.nodes.map(async (node) => {
      try {
        const name = await kubernetesName(session, node);
        names.set(node, name);
        await cordonAndDrain(kube, name, drainTimeout, iv, progress, signal);
      } catch (e) {
        first ??= e;
      }
    }));
    if (first !== undefined) {
      throw wrap ? new UserError(`${wrap}: ${errorText(first)}`) : first;
    }
  } finally {
    kube.close();
  }
  let failure: unknown;
  try {
    await inner();
  } catch (e) {
    failure = e;
  }
  // A fresh client: the API server may have moved while the nodes rebooted.
  const errors: string[] = [];
  try {
    kube = await kubeClientFor(session, signal);
    const progress = new DrainProgress(reporter);
    await Promise.all([...names.values()].map(async (name) => {
      try {
        await waitReadyAndUncordon(kube, name, timeout, iv, progress, signal);
      } catch (e) {
        errors.push(errorText(e));
      }
    }));
    kube.close();
  } catch (e) {
    errors.push(errorText(e));
  }
  if (failure !== undefined && errors.length === 0) throw failure;
  if (errors.length > 0) {
    const before = failure === undefined ? [] : [failure instanceof Error ? failure.message : ""];
    // An exit code without a message (the tracker printed its own) keeps the uncordon errors.
    throw new UserError(
      [...before.filter((m) => m !== "" && !/^exit \d+$/.test(m)), ...errors].join("\n"),
    );
  }
}
