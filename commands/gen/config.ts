// `talosctl gen config <cluster name> <cluster endpoint>`: machine configs for control-plane and
// worker nodes plus a talosconfig, from a fresh or given secrets bundle. The work happens in
// config_run.ts, loaded only when the command runs.

import { TALOS_VERSION } from "../version_info.ts";
import { type CommandSpec, exactArgs, type FlagSpec, lazy } from "../spec.ts";

export const DEFAULT_KUBERNETES_VERSION = "1.36.3";
export const INSTALLER_REPOSITORY = "ghcr.io/siderolabs/installer";
export const OUTPUT_TYPES = ["controlplane", "worker", "talosconfig"];

export const genConfigFlags: FlagSpec[] = [
  { name: "install-disk", kind: "string", default: "/dev/sda", usage: "disk to install Talos to" },
  {
    name: "install-image",
    kind: "string",
    default: `${INSTALLER_REPOSITORY}:${TALOS_VERSION}`,
    usage: "installer image used to install Talos",
  },
  {
    name: "additional-sans",
    kind: "strings",
    default: [],
    usage: "extra names and IP addresses for the Kubernetes API server certificate",
  },
  {
    name: "dns-domain",
    kind: "string",
    default: "cluster.local",
    usage: "DNS domain of the cluster",
  },
  {
    name: "version",
    kind: "string",
    default: "v1alpha1",
    usage: "machine config format version to generate",
  },
  {
    name: "talos-version",
    kind: "string",
    usage: "Talos version whose config format to generate (for older clusters, e.g. v1.5)",
  },
  {
    name: "kubernetes-version",
    kind: "string",
    default: DEFAULT_KUBERNETES_VERSION,
    usage: "Kubernetes version for the cluster",
  },
  {
    name: "config-patch",
    kind: "stringArray",
    usage: "patch for every generated machine config; @file reads the patch from a file",
  },
  {
    name: "config-patch-control-plane",
    kind: "stringArray",
    usage: "patch for the 'init' and 'controlplane' machine configs",
  },
  {
    name: "config-patch-worker",
    kind: "stringArray",
    usage: "patch for the 'worker' machine config",
  },
  {
    name: "registry-mirror",
    kind: "strings",
    default: [],
    usage: "registry mirrors, as <registry host>=<mirror URL>",
  },
  {
    name: "with-examples",
    kind: "bool",
    default: true,
    usage: "add commented examples to the machine configs",
  },
  {
    name: "with-docs",
    kind: "bool",
    default: true,
    usage: "add documentation comments to the machine configs",
  },
  {
    name: "with-cluster-discovery",
    kind: "bool",
    default: true,
    usage: "enable cluster membership discovery",
  },
  {
    name: "with-kubespan",
    kind: "bool",
    default: false,
    usage: "turn on the KubeSpan WireGuard mesh",
  },
  {
    name: "with-secrets",
    kind: "string",
    usage: "secrets bundle to use (from 'gen secrets') instead of generating new secrets",
  },
  {
    name: "output-types",
    short: "t",
    kind: "strings",
    default: OUTPUT_TYPES,
    usage: `which outputs to write; valid types: ${
      JSON.stringify(OUTPUT_TYPES).replaceAll(",", " ")
    }`,
  },
  {
    name: "output",
    short: "o",
    kind: "string",
    usage:
      'where to write: a directory for several output types; a file path or "-" (stdout) for a single one',
  },
  { name: "output-dir", kind: "string", usage: "directory to write to", hidden: true },
  {
    name: "skip-k8s-etcd",
    kind: "bool",
    usage: "leave out etcd and Kubernetes configuration (experimental)",
    hidden: true,
  },
];

const LONG =
  `<cluster endpoint> is the https URL where the Kubernetes API server will be reached, such as
https://10.0.0.2:6443. A cluster with one control plane node can use that node's address and
port 6443, the API server's port. With several control plane nodes, put a load balancer in
front of them and give its address and port.`;

export function genConfigSpec(withFlags: boolean): CommandSpec {
  return {
    use: "<cluster name> <cluster endpoint>",
    long: LONG,
    args: exactArgs(2),
    flags: withFlags ? genConfigFlags : [],
    async run(ctx) {
      const { runGenConfig } = await lazy<typeof import("./config_run.ts")>(
        import.meta.url,
        "./config_run.ts",
      );
      await runGenConfig(ctx, withFlags);
    },
  };
}

export const spec: CommandSpec = genConfigSpec(true);
