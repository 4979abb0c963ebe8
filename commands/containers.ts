// `talosctl containers` (alias `c`): each node's containers, system ones or with -k Kubernetes'.

import { bool, type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { kubernetesFlags } from "./system_format.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  flags: kubernetesFlags,
  async run(ctx) {
    const { nodeTable } = await import("./etcd/node_table.ts");
    const { goSortFunc } = await import("./kit.ts");
    const { containerDisplay, containerTarget } = await import("./system_format.ts");
    const req = await containerTarget(bool(ctx, "kubernetes"));
    await nodeTable(
      ctx,
      ["NODE", "NAMESPACE", "ID", "IMAGE", "PID", "STATUS"],
      ({ client, options }) => client.machine.containers(req, options),
      (node, msg) =>
        goSortFunc([...msg.containers], (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map((c) => [node, c.namespace, containerDisplay(c), c.image, String(c.pid), c.status]),
    );
  },
};
