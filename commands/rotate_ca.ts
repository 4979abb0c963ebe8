// `talosctl rotate-ca`: replace the Talos API CA and/or the Kubernetes API server CA of a
// running cluster, step by step through the API (new CA accepted, then issuing, then the old
// one dropped), checking after each step that every node still answers.

import { bool, type CommandSpec, list, noArgs, str } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  long: `Rotates the root CAs of the Talos API and of the Kubernetes API (both by default, or
only the one chosen with --talos/--kubernetes). New CAs are generated, then each machine config is
patched in turn: the new CA is added as accepted, made the issuing CA while the old one stays
accepted, and finally the old one is removed. After every step each node must answer with the new
credentials before the next step starts.

Only the Kubernetes API server CA is rotated; the rest of the Kubernetes PKI follows machine config
changes of the control plane nodes.

Nothing is changed unless --dry-run=false is given. The talosconfig for the new Talos CA is
written to --output.`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    { name: "init-node", kind: "string", usage: "IP of the init node" },
    {
      name: "control-plane-nodes",
      kind: "strings",
      usage: "IPs of the control plane nodes (default: discovered from the cluster members)",
    },
    {
      name: "worker-nodes",
      kind: "strings",
      usage: "IPs of the worker nodes (default: discovered from the cluster members)",
    },
    {
      name: "k8s-endpoint",
      kind: "string",
      usage: "Kubernetes API endpoint to use instead of the kubeconfig's",
    },
    {
      name: "with-examples",
      kind: "bool",
      default: true,
      usage: "write the patched machine configs with commented examples",
    },
    {
      name: "with-docs",
      kind: "bool",
      default: true,
      usage: "write the patched machine configs with the documentation of each field",
    },
    {
      name: "output",
      short: "o",
      kind: "string",
      default: "talosconfig",
      usage: "path to write the new `talosconfig` to",
    },
    {
      name: "dry-run",
      kind: "bool",
      default: true,
      usage: "only show what would be done (no change to the cluster)",
    },
    { name: "talos", kind: "bool", default: true, usage: "rotate the Talos API CA" },
    { name: "kubernetes", kind: "bool", default: true, usage: "rotate the Kubernetes API CA" },
    {
      name: "force",
      short: "f",
      kind: "bool",
      usage: "overwrite an existing --output file",
    },
  ],
  async run(ctx) {
    const { rotateCA } = await import("./rotate_ca_run.ts");
    await rotateCA(ctx, {
      initNode: str(ctx, "init-node"),
      controlPlaneNodes: list(ctx, "control-plane-nodes"),
      workerNodes: list(ctx, "worker-nodes"),
      k8sEndpoint: str(ctx, "k8s-endpoint"),
      withExamples: bool(ctx, "with-examples"),
      withDocs: bool(ctx, "with-docs"),
      output: str(ctx, "output"),
      dryRun: bool(ctx, "dry-run"),
      talos: bool(ctx, "talos"),
      kubernetes: bool(ctx, "kubernetes"),
      force: bool(ctx, "force"),
    });
  },
};
