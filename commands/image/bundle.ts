// `talosctl image k8s-bundle|talos-bundle|integration`: the image lists talosctl knows offline
// (talos-bundle also reads the official extension and overlay lists from the registry).

import { type CommandSpec, type FlagSpec, noArgs, rangeArgs } from "../spec.ts";
import { semverCheck } from "./semver.ts";
import {
  DEFAULT_COREDNS_VERSION,
  DEFAULT_ETCD_VERSION,
  DEFAULT_KUBERNETES_VERSION,
  FLANNEL_VERSION,
  KUBE_NETWORK_POLICIES_VERSION,
  TALOS_VERSION,
} from "./defaults.ts";

function semverFlag(name: string, def: string, usage: string): FlagSpec {
  return {
    name,
    kind: "string",
    typeName: "semver",
    default: def,
    defaultText: def,
    usage,
    check: semverCheck,
  };
}

export const k8sBundle: CommandSpec = {
  persistentFlags: [
    semverFlag("k8s-version", "v" + DEFAULT_KUBERNETES_VERSION, "Kubernetes version (semver)"),
    semverFlag("etcd-version", DEFAULT_ETCD_VERSION, "etcd version (semver)"),
    semverFlag("flannel-version", FLANNEL_VERSION, "Flannel CNI version (semver)"),
    semverFlag("coredns-version", DEFAULT_COREDNS_VERSION, "CoreDNS version (semver)"),
    semverFlag(
      "kube-network-policies-version",
      KUBE_NETWORK_POLICIES_VERSION,
      "kube-network-policies version (semver)",
    ),
  ],
  async run(ctx) {
    const { k8sBundleRun } = await import("./bundle_run.ts");
    await k8sBundleRun(ctx);
  },
};

export const talosBundle: CommandSpec = {
  use: "[talos-version]",
  args: rangeArgs(0, 1),
  persistentFlags: [
    {
      name: "overlays",
      kind: "bool",
      default: true,
      usage: "list the images of the official Talos overlays too",
    },
    {
      name: "extensions",
      kind: "bool",
      default: true,
      usage: "list the images of the official Talos system extensions too",
    },
  ],
  async run(ctx) {
    const { talosBundleRun } = await import("./bundle_run.ts");
    await talosBundleRun(ctx);
  },
};

export const integration: CommandSpec = {
  args: noArgs,
  persistentFlags: [
    { name: "installer-tag", kind: "string", required: true, usage: "tag of the installer image" },
    { name: "talos-tag", kind: "string", default: TALOS_VERSION, usage: "tag of the talos image" },
    {
      name: "registry-and-user",
      required: true,
      kind: "string",
      usage: "registry and user prefix of the installer and talos images",
    },
  ],
  async run(ctx) {
    const { integrationRun } = await import("./bundle_run.ts");
    await integrationRun(ctx);
  },
};
