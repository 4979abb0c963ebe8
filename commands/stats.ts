// `talosctl stats`: memory and CPU use of each node's containers (system, or -k Kubernetes').

import { bool, type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { kubernetesFlags } from "./system_format.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: kubernetesFlags,
  async run(ctx) {
    const { nodeTable } = await import("./etcd/node_table.ts");
    const { goFixed, goSortFunc } = await import("./kit.ts");
    const { containerDisplay, containerTarget } = await import("./system_format.ts");
    const req = await containerTarget(bool(ctx, "kubernetes"));
    await nodeTable(
      ctx,
      ["NODE", "NAMESPACE", "ID", "MEMORY(MB)", "CPU"],
      ({ client, options }) => client.machine.stats(req, options),
      (node, msg) =>
        goSortFunc([...msg.stats], (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map((s) => [
            node,
            s.namespace,
            containerDisplay(s),
            goFixed(Number(s.memoryUsage) * 1e-6, 2),
            String(s.cpuUsage),
          ]),
    );
  },
};
