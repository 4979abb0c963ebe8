// The body of `upgrade-k8s`, in upstream's order: detect the lowest version (without --from),
// check the path, discover nodes, check Talos/Kubernetes compatibility, pre-flight checks,
// pre-pull images, update kube-apiserver, kube-controller-manager and kube-scheduler node by node
// (machine config patch -> new static pod config -> pod ready with the new config version),
// kube-proxy, kubelets, then sync the bootstrap manifests. Progress lines go to stdout.

import type { RunContext } from "../spec.ts";
import { errorText, goQuote, openSession, UserError } from "../kit.ts";
import type { NodeTarget } from "../session.ts";
import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { quoteList } from "../clustercheck/cluster.ts";
import { cosiGet, cosiList, cosiWatch } from "../clustercheck/cosi.ts";
import { KubernetesAccess } from "../clustercheck/k8s_access.ts";
import { supportedWith, UpgradePath, versionFromImageRef } from "./versions.ts";
import {
  compareSemver,
  parseTolerant,
  type SemVer as Semver,
  semverString,
} from "../version_check.ts";
import { type Component, withImage } from "./patch.ts";
import { preflight } from "./preflight.ts";

export interface UpgradeOptions {
  from: string;
  to: string;
  endpoint: string;
  dryRun: boolean;
  prePull: boolean;
  upgradeKubelet: boolean;
  images: Record<Component, string>;
  inventoryPolicy: string;
  reconcileTimeoutMs: number;
}

const CONFIG_TYPES: Record<string, string> = {
  "kube-apiserver": "APIServerConfigs.kubernetes.talos.dev",
  "kube-controller-manager": "ControllerManagerConfigs.kubernetes.talos.dev",
  "kube-scheduler": "SchedulerConfigs.kubernetes.talos.dev",
};

export async function runUpgradeK8s(ctx: RunContext, o: UpgradeOptions): Promise<void> {
  const out = ctx.deps.io.stdout;
  const log = (line: string) => out.write(line + "\n");
  const session = await openSession(ctx);
  const node = session.single("upgrade-k8s");
  const signal = ctx.deps.signal;
  const talos = (n?: string): NodeTarget => session.forNode(n ?? node);
  const access = new KubernetesAccess(() => talos(), o.endpoint, signal);
  try {
    const k8s = () => access.client(signal);
    let from = o.from;
    if (from === "") {
      try {
        from = await detectLowestVersion(await k8s(), signal, log);
      } catch (e) {
        throw new UserError(`error detecting the lowest Kubernetes version ${errorText(e)}`);
      }
      await log(`automatically detected the lowest Kubernetes version ${from}`);
    }
    let path: UpgradePath;
    try {
      path = new UpgradePath(from, o.to);
    } catch (e) {
      throw new UserError(`error creating upgrade path ${(e as Error).message}`);
    }
    if (!["MustMatch", "AdoptIfNoInventory", "AdoptAll"].includes(o.inventoryPolicy)) {
      throw new UserError(`invalid inventory policy: ${goQuote(o.inventoryPolicy)}`);
    }
    await upgrade(o, path, talos, await k8s(), signal, log);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(errorText(e));
  } finally {
    access.close();
  }
}

async function detectLowestVersion(
  k8s: K8sClient,
  signal: AbortSignal,
  log: (l: string) => Promise<void>,
): Promise<string> {
  const apps = ["kube-apiserver", "kube-controller-manager", "kube-proxy", "kube-scheduler"];
  const pods = await k8s.list("/api/v1/namespaces/kube-system/pods", undefined, { signal });
  let lowest: Semver | undefined;
  for (const pod of pods.items) {
    const app = pod.metadata?.labels?.["k8s-app"];
    if (!apps.includes(app)) continue;
    for (const c of pod.spec?.containers ?? []) {
      if (c.name !== app) continue;
      const tag = versionFromImageRef(c.image ?? "");
      if (!tag) continue;
      let v: Semver;
      try {
        v = parseTolerant(tag.replace(/^v+/, ""));
      } catch (e) {
        await log(`failed to parse ${app} container version ${(e as Error).message}`);
        continue;
      }
      if (!lowest || compareSemver(v, lowest) < 0) lowest = v;
    }
  }
  if (!lowest) throw new Error("failed to detect lowest Kubernetes version");
  return semverString(lowest);
}

async function nodeIPs(k8s: K8sClient, signal: AbortSignal, controlPlane: boolean) {
  const nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
  const out: string[] = [];
  for (const n of nodes.items) {
    const cp = Object.hasOwn(n.metadata?.labels ?? {}, "node-role.kubernetes.io/control-plane");
    if (cp !== controlPlane) continue;
    const addrs: K8sObject[] = n.status?.addresses ?? [];
    const a = addrs.find((x) => x.type === "InternalIP") ??
      addrs.find((x) => x.type === "ExternalIP");
    if (a) out.push(a.address);
  }
  return out;
}

async function upgrade(
  o: UpgradeOptions,
  path: UpgradePath,
  talos: (n?: string) => NodeTarget,
  k8s: K8sClient,
  signal: AbortSignal,
  log: (l: string) => Promise<void>,
): Promise<void> {
  if (!path.isSupported()) {
    throw new UserError(
      `unsupported upgrade path ${path} (from ${goQuote(path.fromVersion)} to ${
        goQuote(path.toVersion)
      })`,
    );
  }
  let cp: string[], workers: string[] = [];
  try {
    cp = await nodeIPs(k8s, signal, true);
  } catch (e) {
    throw new UserError(`error fetching controlplane nodes: ${errorText(e)}`);
  }
  if (cp.length === 0) throw new UserError("no controlplane nodes discovered");
  await log(`discovered controlplane nodes ${quoteList(cp)}`);
  if (o.upgradeKubelet) {
    try {
      workers = await nodeIPs(k8s, signal, false);
    } catch (e) {
      throw new UserError(`error fetching worker nodes: ${errorText(e)}`);
    }
    await log(`discovered worker nodes ${quoteList(workers)}`);
  }
  // Talos versions of every node against the target Kubernetes version.
  const all = [...cp, ...workers];
  const versions = await Promise.all(all.map(async (n) => {
    const t = talos(n);
    try {
      const resp = await t.client.machine.version({}, t.options);
      return parseTolerant(resp.messages[0]?.version?.tag ?? "");
    } catch (e) {
      throw new UserError(`node ${goQuote(n)}: ${errorText(e)}`);
    }
  }));
  for (let i = 0; i < all.length; i++) {
    const err = supportedWith(path.to, versions[i]);
    if (err) throw new UserError(`node ${goQuote(all[i])}: ${err}`);
  }
  for (let i = 0; i < all.length; i++) {
    await log(
      `> ${goQuote(all[i])}: Talos version ${
        semverString(versions[i])
      } is compatible with Kubernetes version ${path.toVersion}`,
    );
  }
  await preflight(path.toString(), cp, workers, (n) => talos(n), k8s, signal, log);
  if (o.prePull) await prePullImages(o, path, cp, workers, talos, log);
  for (const service of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const) {
    await log(`updating ${goQuote(service)} to version ${goQuote(path.toVersion)}`);
    for (const n of cp) {
      try {
        await upgradeStaticPod(o, path, service, n, talos(n), k8s, signal, log);
      } catch (e) {
        throw new UserError(
          `failed updating service ${goQuote(service)}: error updating node ${goQuote(n)}: ${
            errorText(e)
          }`,
        );
      }
    }
  }
  await log(`updating kube-proxy to version ${goQuote(path.toVersion)}`);
  for (const n of cp) {
    await log(` > ${goQuote(n)}: starting update`);
    if (o.dryRun) {
      await log(" > skipped in dry-run");
      continue;
    }
    await patchNodeConfig(
      talos(n),
      signal,
      "kube-proxy",
      `${o.images["kube-proxy"]}:v${path.toVersion}`,
    );
  }
  if (o.upgradeKubelet) {
    await log(`updating kubelet to version ${goQuote(path.toVersion)}`);
    for (const n of [...cp, ...workers]) {
      try {
        await upgradeKubelet(o, path, n, talos(n), k8s, signal, log);
      } catch (e) {
        throw new UserError(
          `failed upgrading kubelet: error updating node ${goQuote(n)}: ${errorText(e)}`,
        );
      }
    }
  }
  await syncManifests(o, talos(cp[0]), k8s, signal, log);
}

async function prePullImages(
  o: UpgradeOptions,
  path: UpgradePath,
  cp: string[],
  workers: string[],
  talos: (n?: string) => NodeTarget,
  log: (l: string) => Promise<void>,
): Promise<void> {
  const pull = async (n: string, ref: string, namespace: number) => {
    await log(` > ${goQuote(n)}: pre-pulling ${ref}`);
    const t = talos(n);
    try {
      await t.client.machine.imagePull({ namespace, reference: ref }, t.options);
    } catch (e) {
      if ((e as { code?: number }).code === 12) {
        await log(` < ${goQuote(n)}: not implemented, skipping`);
        return;
      }
      throw new UserError(
        `failed pre-pulling images: error pre-pulling ${ref} on ${n}: ${errorText(e)}`,
      );
    }
  };
  for (const c of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const) {
    for (const n of cp) await pull(n, `${o.images[c]}:v${path.toVersion}`, 2);
  }
  if (!o.upgradeKubelet) return;
  for (const n of [...cp, ...workers]) {
    const spec = await cosiGet(
      talos(n),
      talos(n).options.signal ?? new AbortController().signal,
      "k8s",
      "KubeletSpecs.kubernetes.talos.dev",
      "kubelet",
    );
    const suffix = kubeletSuffix(String(spec.spec?.image ?? ""));
    await pull(n, `${o.images.kubelet}:v${path.toVersion}${suffix}`, 1);
  }
}

const kubeletSuffix = (ref: string) => ["-fat", "-slim"].find((s) => ref.endsWith(s)) ?? "";

async function patchNodeConfig(
  t: NodeTarget,
  signal: AbortSignal,
  component: Component,
  image: string,
): Promise<void> {
  let mc;
  try {
    mc = await cosiGet(t, signal, "config", "MachineConfigs.config.talos.dev", "v1alpha1");
  } catch (e) {
    throw new Error(`error fetching config resource: ${errorText(e)}`);
  }
  const text = typeof mc.spec === "string" ? mc.spec : mc.specYaml;
  const patched = withImage(text, component, image);
  try {
    await t.client.machine.applyConfiguration(
      { data: new TextEncoder().encode(patched), mode: 2 },
      { ...t.options, signal },
    );
  } catch (e) {
    throw new Error(`error applying config: ${errorText(e)}`);
  }
}

async function upgradeStaticPod(
  o: UpgradeOptions,
  path: UpgradePath,
  service: "kube-apiserver" | "kube-controller-manager" | "kube-scheduler",
  n: string,
  t: NodeTarget,
  k8s: K8sClient,
  parent: AbortSignal,
  log: (l: string) => Promise<void>,
): Promise<void> {
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  parent.addEventListener("abort", stop, { once: true });
  try {
    await log(` > ${goQuote(n)}: starting update`);
    let events;
    try {
      events = await cosiWatch(t, ctl.signal, "controlplane", CONFIG_TYPES[service], service);
    } catch (e) {
      throw new Error(`error watching service configuration: ${errorText(e)}`);
    }
    const first = await events.next();
    if (first.done || first.value.type !== "created") {
      throw new Error(`unexpected event type: ${first.done ? "none" : first.value.type}`);
    }
    let expected = first.value.resource!.version;
    const current = String(first.value.resource!.spec?.image ?? "");
    const image = `${o.images[service]}:v${path.toVersion}`;
    let skipped = current === image;
    if (!skipped) {
      const old = (versionFromImageRef(current) ?? path.fromVersion).replace(/^v+/, "");
      await log(` > update ${service}: ${old} -> ${path.toVersion}`);
      if (o.dryRun) {
        await log(" > skipped in dry-run");
        skipped = true;
      } else {
        try {
          await patchNodeConfig(t, ctl.signal, service, image);
        } catch (e) {
          throw new Error(`error patching node config: ${(e as Error).message}`);
        }
      }
    }
    if (o.dryRun) return;
    await log(` > ${goQuote(n)}: machine configuration patched`);
    await log(` > ${goQuote(n)}: waiting for ${service} pod update`);
    if (!skipped) {
      const next = await events.next();
      if (next.done || next.value.type !== "updated") {
        throw new Error(`unexpected event type: ${next.done ? "none" : next.value.type}`);
      }
      expected = next.value.resource!.version;
    }
    await waitForPod(k8s, service, n, expected, ctl.signal, log);
    await log(` < ${goQuote(n)}: successfully updated`);
  } finally {
    parent.removeEventListener("abort", stop);
    ctl.abort();
  }
}

/** Follows the service's pods until the one on `node` runs config `version` and is ready. */
async function waitForPod(
  k8s: K8sClient,
  service: string,
  node: string,
  version: string,
  signal: AbortSignal,
  log: (l: string) => Promise<void>,
): Promise<void> {
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(5 * 60_000)]);
  const selector = `k8s-app = ${service}`;
  const path = "/api/v1/namespaces/kube-system/pods";
  const list = await k8s.list(path, selector, { signal: timeout });
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
  for (const pod of list.items) if (await check(pod)) return;
  for await (
    const ev of k8s.watch(path, {
      labelSelector: selector,
      resourceVersion: list.metadata?.resourceVersion,
    }, timeout)
  ) {
    if ((ev.type === "ADDED" || ev.type === "MODIFIED") && await check(ev.object)) return;
  }
  throw new Error(timeout.aborted ? "context deadline exceeded" : "watch ended");
}

async function upgradeKubelet(
  o: UpgradeOptions,
  path: UpgradePath,
  n: string,
  t: NodeTarget,
  k8s: K8sClient,
  parent: AbortSignal,
  log: (l: string) => Promise<void>,
): Promise<void> {
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  parent.addEventListener("abort", stop, { once: true });
  try {
    await log(` > ${goQuote(n)}: starting update`);
    let events;
    try {
      events = await cosiWatch(t, ctl.signal, "runtime", "Services.v1alpha1.talos.dev", "kubelet");
    } catch (e) {
      throw new Error(`error watching service: ${errorText(e)}`);
    }
    const first = await events.next();
    if (first.done || first.value.type !== "created") {
      throw new Error(`unexpected event type: ${first.done ? "none" : first.value.type}`);
    }
    const svc = first.value.resource!.spec ?? {};
    if (!svc.running || !svc.healthy) throw new Error("kubelet is not healthy");
    const spec = await cosiGet(
      t,
      ctl.signal,
      "k8s",
      "KubeletSpecs.kubernetes.talos.dev",
      "kubelet",
    );
    const oldImage = String(spec.spec?.image ?? "");
    const oldVersion = versionFromImageRef(oldImage) ?? "";
    const newVersion = path.toVersion + kubeletSuffix(oldVersion);
    const image = `${o.images.kubelet}:v${newVersion}`;
    let skipped = oldImage === image;
    if (!skipped) {
      await log(
        ` > update kubelet: ${
          (oldVersion || path.fromVersion).replace(/^v+/, "")
        } -> ${newVersion}`,
      );
      if (o.dryRun) {
        await log(" > skipped in dry-run");
        skipped = true;
      } else {
        try {
          await patchNodeConfig(t, ctl.signal, "kubelet", image);
        } catch (e) {
          throw new Error(`error patching node config: ${(e as Error).message}`);
        }
      }
    }
    if (o.dryRun) return;
    await log(` > ${goQuote(n)}: machine configuration patched`);
    if (!skipped) {
      await log(` > ${goQuote(n)}: waiting for kubelet restart`);
      for (;;) {
        const ev = await events.next();
        if (ev.done) throw new Error("watch ended");
        if (ev.value.type === "destroyed") break;
      }
      for (;;) {
        const ev = await events.next();
        if (ev.done) throw new Error("watch ended");
        const s = ev.value.resource?.spec ?? {};
        if (
          (ev.value.type === "created" || ev.value.type === "updated") && s.running && s.healthy
        ) {
          break;
        }
      }
    }
    await log(` > ${goQuote(n)}: waiting for node update`);
    const deadline = Date.now() + 3 * 60_000;
    for (;;) {
      const err = await nodeKubeletVersion(k8s, n, `v${path.toVersion}`, ctl.signal);
      if (!err) break;
      if (Date.now() > deadline) throw new Error(err);
      await new Promise((r) => setTimeout(r, Math.min(1000, deadline - Date.now())));
    }
    await log(` < ${goQuote(n)}: successfully updated`);
  } finally {
    parent.removeEventListener("abort", stop);
    ctl.abort();
  }
}

async function nodeKubeletVersion(
  k8s: K8sClient,
  n: string,
  version: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const nodes = await k8s.list("/api/v1/nodes", undefined, { signal });
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

/** The bootstrap manifests (Manifest resources) applied one by one, created or updated. */
async function syncManifests(
  o: UpgradeOptions,
  t: NodeTarget,
  k8s: K8sClient,
  signal: AbortSignal,
  log: (l: string) => Promise<void>,
): Promise<void> {
  const manifests = await cosiList(t, signal, "controlplane", "Manifests.kubernetes.talos.dev");
  const objects: K8sObject[] = manifests.flatMap((m) =>
    (m.spec?.items ?? []).map((i: K8sObject) => i.object ?? i)
  );
  await log("updating manifests");
  for (const obj of objects) {
    const [group, version] = String(obj.apiVersion).includes("/")
      ? String(obj.apiVersion).split("/")
      : ["", String(obj.apiVersion)];
    const gv = group ? `${group}/${version}` : version;
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name;
    await log(` > processing manifest ${gv}.${obj.kind}/${ns ? ns + "/" : ""}${name}`);
    const resource = `${String(obj.kind).toLowerCase()}s`;
    const base = `${group ? `/apis/${gv}` : "/api/v1"}${ns ? `/namespaces/${ns}` : ""}/${resource}`;
    let current: K8sObject | undefined;
    try {
      current = await k8s.get(`${base}/${name}`, { signal });
    } catch (e) {
      if ((e as { status?: number }).status !== 404) throw e;
    }
    const same = current !== undefined &&
      JSON.stringify(stripServerFields(current)) === JSON.stringify(stripServerFields(obj));
    if (same) {
      await log(" < no changes");
      continue;
    }
    if (o.dryRun) {
      await log(" < dry run, change skipped");
      continue;
    }
    if (current) {
      await k8s.request("PUT", `${base}/${name}`, {
        body: {
          ...obj,
          metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion },
        },
        signal,
      });
    } else {
      await k8s.request("POST", base, { body: obj, signal });
    }
    await log(" < applied successfully");
  }
  if (o.dryRun) return;
  await log("waiting for all manifests to be applied");
}

function stripServerFields(o: K8sObject): K8sObject {
  const c = structuredClone(o);
  for (const k of ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"]) {
    delete c.metadata?.[k];
  }
  delete c.status;
  return c;
}
