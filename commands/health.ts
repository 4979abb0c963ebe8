// `talosctl health`: waits until the cluster passes talosctl's readiness checks, either on the
// node (ClusterService/HealthCheck, the default) or from here (--server=false).

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    { name: "init-node", kind: "string", usage: "IP address of the init node" },
    {
      name: "control-plane-nodes",
      kind: "strings",
      usage: "IP addresses of the control plane nodes (default: discovered)",
    },
    {
      name: "worker-nodes",
      kind: "strings",
      usage: "IP addresses of the worker nodes (default: discovered)",
    },
    {
      name: "wait-timeout",
      kind: "duration",
      default: 20 * 60_000,
      usage: "how long to wait for the cluster to pass the checks",
    },
    {
      name: "k8s-endpoint",
      kind: "string",
      usage: "Kubernetes API endpoint to use instead of the kubeconfig's",
    },
    {
      name: "server",
      kind: "bool",
      default: true,
      usage: "run the checks on the node (false: run them from this machine)",
    },
    {
      name: "run-e2e",
      kind: "bool",
      usage: "then run a few Kubernetes e2e tests in the cluster",
    },
  ],
  async run(ctx) {
    const { runHealth } = await import("./health_run.ts");
    await runHealth(ctx);
  },
};
