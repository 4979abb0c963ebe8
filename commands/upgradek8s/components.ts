// The node-by-node steps of upgrade-k8s, as upstream runs them: pre-pulling the new images,
// each control plane static pod (patch the config, wait for the new static pod config version,
// then for the pod running it, ready), kube-proxy, and each kubelet (patch, wait for the
// kubelet service to restart, then for the Node to report the new version).

import { errorText, goQuote } from "../kit.ts";
import type { NodeTarget } from "../session.ts";
import { isRetryable, type K8sClient, type K8sObject } from "../../k8s/mod.ts";
import { type CosiEvent, cosiGet, cosiWatch } from "../clustercheck/cosi.ts";
import {
  type CommentChoice,
  type Component,
  imagePatch,
  patchNodeConfig,
  UpdateSkipped,
} from "./patch.ts";
import { type UpgradePath, versionFromImageRef } from "./versions.ts";
import { sleep } from "../../wait/mod.ts";

/** What the steps need of the command's options. */
export interface StepOptions {
  dryRun: boolean;
  upgradeKubelet: boolean;
  images: Record<Component, string>;
  comments: CommentChoice;
}

export type Log = (line: string) => Promise<void>;

const CONFIG_TYPES: Record<string, string> = {
  "kube-apiserver": "APIServerConfigs.kubernetes.talos.dev",
  "kube-controller-manager": "ControllerManagerConfigs.kubernetes.talos.dev",
  "kube-scheduler": "SchedulerConfigs.kubernetes.talos.dev",
};

const KUBELET_SPEC = "KubeletSpecs.kubernetes.talos.dev";

/** state.EventType numbers, as upstream prints them with %d. */
const EVENT_NUMBER: Record<string, number> = {
  created: 0,
  updated: 1,
  destroyed: 2,
  bootstrapped: 3,
  errored: 4,
};
/** state.EventType names, as upstream prints them with %s. */
const EVENT_NAME: Record<string, string> = {
  created: "Created",
  updated: "Updated",
  destroyed: "Destroyed",
  bootstrapped: "Bootstrapped",
  errored: "Errored",
};

export const kubeletSuffix = (ref: string) => ["-fat", "-slim"].find((s) => ref.endsWith(s)) ?? "";

const trimV = (s: string) => s.replace(/^v+/, "");

async function nextEvent(events: AsyncGenerator<CosiEvent>, signal: AbortSignal) {
  const ev = await events.next();
  if (ev.done) throw new Error(signal.aborted ? "context canceled" : "watch ended");
  return ev.value;
}

/** A child signal ended when the step is over, so its watches close. */
async function scoped<T>(parent: AbortSignal, f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  parent.addEventListener("abort", stop, { once: true });
  try {
    return await f(ctl.signal);
  } finally {
    parent.removeEventListener("abort", stop);
    ctl.abort();
  }
}

export async function prePullImages(
  o: StepOptions,
  path: UpgradePath,
  cp: string[],
  workers: string[],
  talos: (n: string) => NodeTarget,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  const pull = async (n: string, ref: string, namespace: number) => {
    await log(` > ${goQuote(n)}: pre-pulling ${ref}`);
    const t = talos(n);
    try {
      await t.client.machine.imagePull({ namespace, reference: ref }, { ...t.options, signal });
    } catch (e) {
      if ((e as { code?: number }).code === 12) {
        await log(` < ${goQuote(n)}: not implemented, skipping`);
        return;
      }
      throw new Error(`error pre-pulling ${ref} on ${n}: ${errorText(e)}`);
    }
  };
  for (const c of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const) {
    for (const n of cp) await pull(n, `${o.images[c]}:v${path.toVersion}`, 2 /* CRI */);
  }
  if (!o.upgradeKubelet) return;
  for (const n of [...cp, ...workers]) {
    let spec;
    try {
      spec = await cosiGet(talos(n), signal, "k8s", KUBELET_SPEC, "kubelet");
    } catch (e) {
      throw new Error(`error fetching kubelet spec on node ${n}: ${errorText(e)}`);
    }
    const suffix = kubeletSuffix(String(spec.spec?.image ?? ""));
    await pull(n, `${o.images.kubelet}:v${path.toVersion}${suffix}`, 1 /* SYSTEM */);
  }
}

/** Runs a config patch; true when the patcher skipped the update. */
async function patch(
  t: NodeTarget,
  signal: AbortSignal,
  comments: CommentChoice,
  patcher: Parameters<typeof patchNodeConfig>[3],
): Promise<boolean> {
  try {
    await patchNodeConfig(t, signal, comments, patcher);
    return false;
  } catch (e) {
    if (e instanceof UpdateSkipped) return true;
    throw e;
  }
}

export async function upgradeStaticPod(
  o: StepOptions,
  path: UpgradePath,
  service: "kube-apiserver" | "kube-controller-manager" | "kube-scheduler",
  n: string,
  t: NodeTarget,
  k8s: K8sClient,
  parent: AbortSignal,
  log: Log,
): Promise<void> {
  await scoped(parent, async (signal) => {
    await log(` > ${goQuote(n)}: starting update`);
    let events;
    try {
      events = await cosiWatch(t, signal, "controlplane", CONFIG_TYPES[service], service);
    } catch (e) {
      throw new Error(`error watching service configuration: ${errorText(e)}`);
    }
    const first = await nextEvent(events, signal);
    if (first.type !== "created") {
      throw new Error(`unexpected event type: ${EVENT_NUMBER[first.type]}`);
    }
    let expected = first.resource!.version;
    const current = String(first.resource!.spec?.image ?? "");
    const image = `${o.images[service]}:v${path.toVersion}`;
    let skipped: boolean;
    try {
      skipped = await patch(t, signal, o.comments, async (docs) => {
        if (current === image) throw new UpdateSkipped();
        const old = trimV(versionFromImageRef(current) || path.fromVersion);
        await log(` > update ${service}: ${old} -> ${path.toVersion}`);
        if (o.dryRun) {
          await log(" > skipped in dry-run");
          throw new UpdateSkipped();
        }
        return imagePatch(docs, service, image);
      });
    } catch (e) {
      throw new Error(`error patching node config: ${(e as Error).message}`);
    }
    if (o.dryRun) return;
    await log(` > ${goQuote(n)}: machine configuration patched`);
    await log(` > ${goQuote(n)}: waiting for ${service} pod update`);
    if (!skipped) {
      const next = await nextEvent(events, signal);
      if (next.type !== "updated") {
        throw new Error(`unexpected event type: ${EVENT_NUMBER[next.type]}`);
      }
      expected = next.resource!.version;
    }
    await waitForPod(k8s, service, n, expected, signal, log);
    await log(` < ${goQuote(n)}: successfully updated`);
  });
}

/** Follows the service's pods until the one on `node` runs config `version` and is ready. */
async function waitForPod(
  k8s: K8sClient,
  service: string,
  node: string,
  version: string,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(5 * 60_000)]);
  const selector = `k8s-app = ${service}`;
  const path = "/api/v1/namespaces/kube-system/pods";
  const check = async (pod: K8sObject): Promise<boolean> => {
    if (pod.status?.hostIP !== node) return false;
    const got = pod.metadata?.annotations?.["talos.dev/config-version"] ?? "";
    if (got !== version) {
      await log(
        ` > ${goQuote(node)}: ${service}: waiting, config version mismatch: got ${
          goQuote(got)
        }, expected ${goQuote(version)}`,
      );
      return false;
    }
    const ready = (pod.status?.conditions ?? []).some((c: K8sObject) =>
      c.type === "Ready" && c.status === "True"
    );
    if (!ready) {
      await log(` > ${goQuote(node)}: ${service}: pod is not ready, waiting`);
      return false;
    }
    return true;
  };
  // As an informer does: list, then watch from there; a failed list or watch (the API server
  // being the pod that restarts) is logged and both start over.
  while (!timeout.aborted) {
    try {
      const list = await k8s.list(path, selector, { signal: timeout });
      for (const pod of list.items) if (await check(pod)) return;
      for await (
        const ev of k8s.watch(path, {
          labelSelector: selector,
          resourceVersion: list.metadata?.resourceVersion,
        }, timeout)
      ) {
        if ((ev.type === "ADDED" || ev.type === "MODIFIED") && await check(ev.object)) return;
      }
    } catch (e) {
      if (timeout.aborted) break;
      await log(`kubernetes endpoint watch error: ${errorText(e)}`);
      await sleep(1000, timeout);
    }
  }
  throw new Error(signal.aborted ? "context canceled" : "context deadline exceeded");
}

export async function upgradeKubelet(
  o: StepOptions,
  path: UpgradePath,
  n: string,
  t: NodeTarget,
  k8s: K8sClient,
  parent: AbortSignal,
  log: Log,
): Promise<void> {
  await scoped(parent, async (signal) => {
    await log(` > ${goQuote(n)}: starting update`);
    let events;
    try {
      events = await cosiWatch(t, signal, "runtime", "Services.v1alpha1.talos.dev", "kubelet");
    } catch (e) {
      throw new Error(`error watching service: ${errorText(e)}`);
    }
    const first = await nextEvent(events, signal);
    if (first.type !== "created") {
      throw new Error(`unexpected event type: ${EVENT_NAME[first.type]}`);
    }
    const svc = first.resource!.spec ?? {};
    if (!svc.running || !svc.healthy) throw new Error("kubelet is not healthy");
    let spec;
    try {
      spec = await cosiGet(t, signal, "k8s", KUBELET_SPEC, "kubelet");
    } catch (e) {
      throw new Error(`error fetching kubelet spec: ${errorText(e)}`);
    }
    const oldImage = String(spec.spec?.image ?? "");
    const oldVersion = versionFromImageRef(oldImage) ?? "";
    const newVersion = path.toVersion + kubeletSuffix(oldVersion);
    const image = `${o.images.kubelet}:v${newVersion}`;
    let skipped: boolean;
    try {
      skipped = await patch(t, signal, o.comments, async (docs) => {
        if (oldImage === image) throw new UpdateSkipped();
        await log(` > update kubelet: ${trimV(oldVersion || path.fromVersion)} -> ${newVersion}`);
        if (o.dryRun) {
          await log(" > skipped in dry-run");
          throw new UpdateSkipped();
        }
        return imagePatch(docs, "kubelet", image);
      });
    } catch (e) {
      throw new Error(`error patching node config: ${(e as Error).message}`);
    }
    if (o.dryRun) return;
    await log(` > ${goQuote(n)}: machine configuration patched`);
    if (!skipped) {
      await log(` > ${goQuote(n)}: waiting for kubelet restart`);
      while ((await nextEvent(events, signal)).type !== "destroyed");
      for (;;) {
        const ev = await nextEvent(events, signal);
        const s = ev.resource?.spec ?? {};
        if ((ev.type === "created" || ev.type === "updated") && s.running && s.healthy) break;
      }
    }
    await log(` > ${goQuote(n)}: waiting for node update`);
    const { ExpectedError, retryConstant } = await import("../retry.ts");
    await retryConstant({ timeoutMs: 3 * 60_000, unitMs: 10_000, signal }, async (s) => {
      const err = await nodeKubeletVersion(k8s, n, `v${path.toVersion}`, s);
      if (err) throw new ExpectedError(new Error(err));
    });
    await log(` < ${goQuote(n)}: successfully updated`);
  });
}

async function nodeKubeletVersion(
  k8s: K8sClient,
  n: string,
  version: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  let nodes;
  try {
    nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
  } catch (e) {
    // Connection failures, timeouts and internal errors are waited out, as upstream does.
    if (isRetryable(e)) return errorText(e);
    throw e;
  }
  const node = nodes.items.find((x) =>
    (x.status?.addresses ?? []).some((a: K8sObject) => a.address === n)
  );
  if (!node) return `node ${goQuote(n)} not found`;
  const got = node.status?.nodeInfo?.kubeletVersion ?? "";
  if (got !== version) {
    return `node version mismatch: got ${goQuote(got)}, expected ${goQuote(version)}`;
  }
  const ready = (node.status?.conditions ?? []).some((c: K8sObject) =>
    c.type === "Ready" && c.status === "True"
  );
  return ready ? undefined : "node is not ready";
}

/** kube-proxy: every control plane node's config gets the new image (not waited for). */
export async function upgradeKubeProxy(
  o: StepOptions,
  path: UpgradePath,
  n: string,
  t: NodeTarget,
  signal: AbortSignal,
  log: Log,
): Promise<void> {
  await log(` > ${goQuote(n)}: starting update`);
  const image = `${o.images["kube-proxy"]}:v${path.toVersion}`;
  await patch(t, signal, o.comments, async (docs) => {
    if (!o.dryRun) return imagePatch(docs, "kube-proxy", image);
    await log(" > skipped in dry-run");
    // Upstream applies the config unchanged here; a dry run here changes nothing.
    throw new UpdateSkipped();
  });
}
