// `talosctl image` (alias `images`): list|pull|remove the container images of each node's
// containerd (in the instance --namespace names), and the offline image lists and cache.

import { type CommandEntry, type CommandSpec, exactArgs, loadSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

const entries: CommandEntry[] = [
  {
    name: "list",
    aliases: ["l", "ls"],
    short: "List the images of each node's container runtime",
    load: () => loadSpec(import.meta.url, "./image.ts", "list"),
  },
  {
    name: "pull",
    aliases: ["p"],
    short: "Pull an image into each node's container runtime",
    load: () => loadSpec(import.meta.url, "./image.ts", "pull"),
  },
  {
    name: "remove",
    aliases: ["rm"],
    short: "Remove an image from each node's container runtime",
    load: () => loadSpec(import.meta.url, "./image.ts", "remove"),
  },
  {
    name: "k8s-bundle",
    aliases: ["default"],
    short: "Print the Kubernetes images a default Talos cluster runs",
    load: () => loadSpec(import.meta.url, "./image/bundle.ts", "k8sBundle"),
  },
  {
    name: "talos-bundle",
    short: "Print the images of a Talos release, with its official extensions and overlays",
    load: () => loadSpec(import.meta.url, "./image/bundle.ts", "talosBundle"),
  },
  {
    name: "cache-create",
    short: "Pull images into an image cache directory (OCI format) for Talos to boot with",
    load: () => loadSpec(import.meta.url, "./image/cache.ts", "cacheCreate"),
  },
  {
    name: "cache-serve",
    short: "Serve an image cache directory over HTTP(S) as a read-only container registry",
    load: () => loadSpec(import.meta.url, "./image/cache.ts", "cacheServe"),
  },
  {
    name: "cache-cert-gen",
    short: "Generate the TLS certificates and the Talos CA patch for serving an image cache",
    load: () => loadSpec(import.meta.url, "./image/cache.ts", "cacheCertGen"),
  },
  {
    name: "integration",
    short: "Print the images Talos's Kubernetes integration tests use",
    hidden: true,
    load: () => loadSpec(import.meta.url, "./image/bundle.ts", "integration"),
  },
];

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: [
    ...globalFlags,
    {
      name: "namespace",
      kind: "string",
      default: "cri",
      usage:
        'containerd instance: "cri" (Kubernetes workloads), "system" (etcd, kubelet) or "inmem" (the in-memory instance)',
    },
  ],
  subcommands: entries,
};

export const list: CommandSpec = {
  args: noArgs,
  async run(ctx) {
    const { imageList } = await import("./image_run.ts");
    await imageList(ctx);
  },
};

export const pull: CommandSpec = {
  use: "<image>",
  args: exactArgs(1),
  async run(ctx) {
    const { imagePull } = await import("./image_run.ts");
    await imagePull(ctx);
  },
};

export const remove: CommandSpec = {
  use: "<image>",
  args: exactArgs(1),
  async run(ctx) {
    const { imageRemove } = await import("./image_run.ts");
    await imageRemove(ctx);
  },
};
