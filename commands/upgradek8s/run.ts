// The body of `upgrade-k8s`, in upstream's order: the client version check, detect the lowest
// version (without --from), the upgrade path, the image flags, discover nodes, Talos/Kubernetes
// compatibility of every node, pre-flight checks, pre-pull images, update kube-apiserver,
// kube-controller-manager and kube-scheduler node by node, kube-proxy, kubelets, then sync the
// bootstrap manifests. Progress lines go to stdout; the version skew warning to stderr.

import type { RunContext } from "../spec.ts";
import { errorText, goQuote, openSession, UserError } from "../kit.ts";
import type { NodeTarget } from "../session.ts";
import type { K8sClient, K8sObject } from "../../k8s/mod.ts";
import { quoteList } from "../clustercheck/cluster.ts";
import { KubernetesAccess } from "../clustercheck/k8s_access.ts";
import { UpgradePath, versionFromImageRef } from "./versions.ts";
import { compareSemver, parseTolerant, type SemVer as Semver, semverString } from "../semver.ts";
import type { CommentChoice, Component } from "./patch.ts";
import { preflight } from "./preflight.ts";
import { invalidImage } from "./images.ts";
import { type NodeVersion, supportsSSAManifestSync, verifyVersionCompatibility } from "./compat.ts";
import { performManifestsSync } from "./sync.ts";
import { parseGoDuration } from "../flag_values.ts";
import { prePullImages, upgradeKubelet, upgradeKubeProxy, upgradeStaticPod } from "./components.ts";

export interface UpgradeOptions {
  from: string;
  to: string;
  endpoint: string;
  dryRun: boolean;
  prePull: boolean;
  upgradeKubelet: boolean;
  images: Record<Component, string>;
  /** --with-docs / --with-examples: comments of the machine configs sent to the nodes. */
  comments: CommentChoice;
  inventoryPolicy: string;
  reconcileTimeoutMs: number;
  /** --manifests-force / --manifests-no-prune (manifest sync, see sync.ts). */
  forceManifests?: boolean;
  noPrune?: boolean;
  /** TALOSCTL_RETRY_INTERVAL: the manifest sync's poll and retry interval (tests). */
  retryIntervalMs?: number;
  /**
   * Filled by the run once the nodes are checked: every node's Talos version and the lowest one
   * (Talos 1.13+ everywhere: server-side apply manifest sync, see supportsSSAManifestSync).
   */
  talosVersions?: NodeVersion[];
  minTalosVersion?: Semver;
}

export async function runUpgradeK8s(ctx: RunContext, o: UpgradeOptions): Promise<void> {
  const out = ctx.deps.io.stdout;
  const log = (line: string) => out.write(line + "\n");
  const interval = ctx.deps.env.TALOSCTL_RETRY_INTERVAL;
  o.retryIntervalMs ??= (interval ? parseGoDuration(interval) : null) ?? undefined;
  const session = await openSession(ctx);
  const { clientVersionCheck } = await import("../version_check.ts");
  await clientVersionCheck(session, ctx.deps);
  const node = session.single("upgrade-k8s");
  const signal = ctx.deps.signal;
  const talos = (n?: string): NodeTarget => session.forNode(n ?? node);
  const access = new KubernetesAccess(() => talos(), o.endpoint, signal);
  try {
    const k8s = () => access.client(signal);
    let from = o.from;
    if (from === "") {
      try {
        let client: K8sClient;
        try {
          client = await k8s();
        } catch (e) {
          throw new Error(`error building kubernetes client: ${errorText(e)}`);
        }
        from = await detectLowestVersion(client, signal, log);
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
      throw new UserError(
        `invalid inventory policy ${
          goQuote(o.inventoryPolicy)
        }: must be one of MustMatch, AdoptIfNoInventory, or AdoptAll`,
      );
    }
    const bad = invalidImage(o.images);
    if (bad) throw new UserError(`invalid upgrade options: ${bad}`);
    await upgrade(o, path, talos, k8s, signal, log);
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
  client: () => Promise<K8sClient>,
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
  let k8s: K8sClient;
  try {
    k8s = await client();
  } catch (e) {
    throw new UserError(`error building kubernetes client: ${errorText(e)}`);
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
  const compat = await verifyVersionCompatibility(
    [...cp, ...workers],
    (n) => talos(n),
    path.toVersion,
    log,
  );
  o.talosVersions = compat.versions;
  o.minTalosVersion = compat.min;
  await preflight(path.toString(), cp, workers, (n) => talos(n), k8s, signal, log);
  if (o.prePull) {
    try {
      await prePullImages(o, path, cp, workers, (n) => talos(n), signal, log);
    } catch (e) {
      throw new UserError(`failed pre-pulling images: ${errorText(e)}`);
    }
  }
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
    try {
      await upgradeKubeProxy(o, path, n, talos(n), signal, log);
    } catch (e) {
      throw new UserError(
        `failed updating kube-proxy: error updating node ${goQuote(n)}: ${errorText(e)}`,
      );
    }
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
  const useSSA = o.minTalosVersion !== undefined && supportsSSAManifestSync(o.minTalosVersion);
  await performManifestsSync(
    talos(cp[0]),
    k8s,
    useSSA,
    {
      dryRun: o.dryRun,
      force: o.forceManifests === true,
      noPrune: o.noPrune === true,
      inventoryPolicy: o.inventoryPolicy,
      reconcileTimeoutMs: o.reconcileTimeoutMs,
      intervalMs: o.retryIntervalMs,
    },
    signal,
    log,
  );
}
