// `talosctl inject`: add Talos API resources to Kubernetes manifests.

import { type CommandEntry, type CommandSpec, loadSpec } from "../spec.ts";

const entries: CommandEntry[] = [
  {
    name: "serviceaccount",
    aliases: ["tsa"],
    short: "Give the workloads of Kubernetes manifests a Talos ServiceAccount and mount its secret",
    load: () => loadSpec(import.meta.url, "./serviceaccount.ts"),
  },
];

export const spec: CommandSpec = {
  subcommands: entries,
};
