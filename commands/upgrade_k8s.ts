// `talosctl upgrade-k8s`: upgrades the Kubernetes control plane, kube-proxy and kubelets of a
// Talos cluster by patching the nodes' machine configs, then syncs the bootstrap manifests.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const DEFAULT_KUBERNETES_VERSION = "1.37.0-rc.1";

export const spec: CommandSpec = {
  long: "Upgrades the Kubernetes control plane components from one version to another.",
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "from",
      kind: "string",
      usage: "Kubernetes version to upgrade from (default: detected)",
    },
    {
      name: "to",
      kind: "string",
      default: DEFAULT_KUBERNETES_VERSION,
      usage: "Kubernetes version to upgrade to",
    },
    { name: "endpoint", kind: "string", usage: "Kubernetes API endpoint of the cluster" },
    {
      name: "with-examples",
      kind: "bool",
      default: true,
      usage: "keep the commented examples in the patched machine configs",
    },
    {
      name: "with-docs",
      kind: "bool",
      default: true,
      usage: "keep the field documentation in the patched machine configs",
    },
    { name: "pre-pull-images", kind: "bool", default: true, usage: "pull the new images first" },
    { name: "upgrade-kubelet", kind: "bool", default: true, usage: "also upgrade the kubelets" },
    { name: "dry-run", kind: "bool", usage: "show what would change without changing anything" },
    {
      name: "kubelet-image",
      kind: "string",
      default: "ghcr.io/siderolabs/kubelet",
      usage: "kubelet image",
    },
    {
      name: "apiserver-image",
      kind: "string",
      default: "registry.k8s.io/kube-apiserver",
      usage: "kube-apiserver image",
    },
    {
      name: "controller-manager-image",
      kind: "string",
      default: "registry.k8s.io/kube-controller-manager",
      usage: "kube-controller-manager image",
    },
    {
      name: "scheduler-image",
      kind: "string",
      default: "registry.k8s.io/kube-scheduler",
      usage: "kube-scheduler image",
    },
    {
      name: "proxy-image",
      kind: "string",
      default: "registry.k8s.io/kube-proxy",
      usage: "kube-proxy image",
    },
    {
      name: "manifests-force",
      kind: "bool",
      usage: "recreate objects whose immutable fields changed",
    },
    {
      name: "manifests-no-prune",
      kind: "bool",
      usage: "keep objects that earlier syncs applied and the manifests no longer list",
    },
    {
      name: "manifests-inventory-policy",
      kind: "string",
      default: "AdoptIfNoInventory",
      usage: "server-side apply inventory policy: MustMatch, AdoptIfNoInventory or AdoptAll",
    },
    {
      name: "manifests-reconcile-timeout",
      kind: "duration",
      default: 5 * 60_000,
      usage: "how long to wait for the applied objects to reconcile (0: do not wait)",
    },
  ],
  async run(ctx) {
    const { runUpgradeK8s } = await import("./upgradek8s/run.ts");
    const f = ctx.flags;
    await runUpgradeK8s(ctx, {
      from: String(f.from ?? ""),
      to: String(f.to ?? DEFAULT_KUBERNETES_VERSION),
      endpoint: String(f.endpoint ?? ""),
      dryRun: f["dry-run"] === true,
      prePull: f["pre-pull-images"] !== false,
      upgradeKubelet: f["upgrade-kubelet"] !== false,
      images: {
        "kube-apiserver": String(f["apiserver-image"]),
        "kube-controller-manager": String(f["controller-manager-image"]),
        "kube-scheduler": String(f["scheduler-image"]),
        "kube-proxy": String(f["proxy-image"]),
        kubelet: String(f["kubelet-image"]),
      },
      comments: { docs: f["with-docs"] !== false, examples: f["with-examples"] !== false },
      inventoryPolicy: String(f["manifests-inventory-policy"]),
      reconcileTimeoutMs: Number(f["manifests-reconcile-timeout"] ?? 0),
      forceManifests: f["manifests-force"] === true,
      noPrune: f["manifests-no-prune"] === true,
    });
  },
};
