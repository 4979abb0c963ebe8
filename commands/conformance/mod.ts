// `talosctl conformance`: conformance test suites run against the cluster.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";
import { globalFlags } from "../global.ts";

const entries: CommandEntry[] = [
  {
    name: "kubernetes",
    aliases: ["k8s"],
    short: "Run the Kubernetes conformance (e2e) tests in the cluster",
    load: () => loadSpec(import.meta.url, "./kubernetes.ts"),
  },
];

export const spec: CommandSpec = {
  persistentFlags: globalFlags,
  subcommands: entries,
};
