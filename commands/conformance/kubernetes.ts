// `talosctl conformance kubernetes` (k8s): runs the upstream Kubernetes e2e suite in the
// cluster of the one target node, reaching the Kubernetes API with the admin kubeconfig that
// node hands out. Modes: fast (two passes, parallel then serial), certified (every conformance
// test, results and PRODUCT.yaml kept for a CNCF submission), network-policy.

import { type CommandSpec, noArgs } from "../spec.ts";

export const spec: CommandSpec = {
  args: noArgs,
  flags: [
    {
      name: "mode",
      kind: "string",
      default: "fast",
      usage: "which tests to run: fast, certified or network-policy",
    },
  ],
  async run(ctx) {
    const { runKubernetesConformance } = await import("./kubernetes_run.ts");
    await runKubernetesConformance(ctx, String(ctx.flags.mode ?? "fast"));
  },
};
