// `talosctl image cache-create`: pulls images from their registries into the image cache Talos
// boots with (an OCI image layout holding the cache tree, or the flat tree itself).

import { type CommandSpec, noArgs } from "../spec.ts";
import { DEFAULT_KUBERNETES_VERSION, REGISTRYD_LISTEN_ADDRESS } from "./defaults.ts";

const LAYOUTS = ["flat", "oci"];

export const cacheCreate: CommandSpec = {
  long: "Pull images from their registries into an image cache directory in OCI format.",
  example:
    `talosctl images cache-create --images=ghcr.io/siderolabs/kubelet:v${DEFAULT_KUBERNETES_VERSION} --image-cache-path=/tmp/talos-image-cache

Or read the image list from stdin:
talosctl images default | talosctl images cache-create --image-cache-path=/tmp/talos-image-cache --images=-
`,
  args: noArgs,
  persistentFlags: [
    {
      name: "image-cache-path",
      required: true,
      kind: "string",
      usage: "directory to write the image cache to (OCI format)",
    },
    {
      name: "image-layer-cache-path",
      kind: "string",
      usage: "directory to keep downloaded image layers in, to reuse them on the next run",
    },
    {
      name: "layout",
      kind: "string",
      default: "oci",
      usage:
        'cache layout: "oci" for an OCI image layout directory, "flat" for the registry-like file tree itself',
      check: (v) => LAYOUTS.includes(v) ? undefined : `must be one of [${LAYOUTS.join(" ")}]`,
    },
    {
      name: "platform",
      kind: "strings",
      default: ["linux/amd64"],
      usage:
        'platforms to cache (e.g. linux/amd64,linux/arm64), or "all" for every platform of each image index',
    },
    { name: "images", kind: "strings", required: true, usage: "images to cache" },
    { name: "insecure", kind: "bool", usage: "allow plain HTTP registries" },
    { name: "force", kind: "bool", usage: "replace an existing image cache" },
    {
      name: "cosign-signatures",
      kind: "bool",
      default: true,
      usage: "cache the images' cosign signatures too",
    },
  ],
  async run(ctx) {
    const { cacheCreateRun } = await import("./cache_create.ts");
    await cacheCreateRun(ctx);
  },
};

export const cacheServe: CommandSpec = {
  long:
    "Serve an image cache directory (flat layout) over HTTP(S) as a read-only container registry.",
  args: noArgs,
  persistentFlags: [
    {
      name: "image-cache-path",
      required: true,
      kind: "string",
      usage: "image cache directory to serve (flat layout)",
    },
    {
      name: "address",
      kind: "string",
      default: REGISTRYD_LISTEN_ADDRESS,
      usage: "address to listen on",
    },
    {
      name: "mirror",
      kind: "strings",
      default: ["docker.io", "ghcr.io", "registry.k8s.io"],
      usage: "registries to point at this server in the generated Talos config patch",
    },
    { name: "tls-cert-file", kind: "string", usage: "TLS certificate file to serve with" },
    { name: "tls-key-file", kind: "string", usage: "TLS key file to serve with" },
  ],
  async run(ctx) {
    const { cacheServeRun } = await import("./cache_serve.ts");
    await cacheServeRun(ctx);
  },
};

export const cacheCertGen: CommandSpec = {
  long:
    "Generate a CA and a TLS certificate for image cache-serve, and a Talos config patch that trusts the CA.",
  args: noArgs,
  persistentFlags: [
    {
      name: "tls-ca-file",
      kind: "string",
      default: "ca.crt",
      usage: "file to write the certificate authority to",
    },
    {
      name: "tls-cert-file",
      kind: "string",
      default: "tls.crt",
      usage: "file to write the serving certificate to",
    },
    {
      name: "tls-key-file",
      kind: "string",
      default: "tls.key",
      usage: "file to write the serving key to",
    },
    {
      name: "advertised-address",
      kind: "strings",
      typeName: "ipSlice",
      usage: "IP addresses the certificate is valid for",
    },
    {
      name: "advertised-name",
      kind: "strings",
      usage: "DNS names the certificate is valid for",
    },
    { name: "force", kind: "bool", usage: "overwrite existing files" },
  ],
  async run(ctx) {
    const { cacheCertGenRun } = await import("./cert_gen.ts");
    await cacheCertGenRun(ctx);
  },
};
