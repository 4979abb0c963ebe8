// `talosctl kubeconfig [local-path]`: fetch the admin kubeconfig from one control-plane node
// and merge it into the user's kubeconfig (default), or write it to a file or stdout.

import { bool, type CommandSpec, maxArgs, str } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { UserError } from "../errors.ts";

export const spec: CommandSpec = {
  use: "[local-path]",
  long: `Fetches an admin kubeconfig for the cluster from one node.
With --merge (the default) it is merged into [local-path], or else into $KUBECONFIG
(a single file) or ~/.kube/config; entries that exist with other content are renamed
(or overwritten with --force, or you are asked when stdout is a terminal).
With --merge=false it is written to [local-path] or to the current directory.

With --merge=false, a [local-path] of "-" writes the kubeconfig to stdout.

Offline, when no node answers: --from-secrets secrets.yaml signs the same admin kubeconfig
locally with the cluster's Kubernetes CA (give --cluster-name and --cluster-endpoint), or
--from-controlplane-config controlplane.yaml takes the CA, the name and the endpoint from a
control plane machine config. No node is called; writing and merging work as above.`,
  args: maxArgs(1),
  persistentFlags: globalFlags,
  flags: [
    {
      name: "force",
      short: "f",
      kind: "bool",
      usage: "overwrite an existing kubeconfig file, or conflicting entries when merging",
    },
    {
      name: "force-context-name",
      kind: "string",
      usage: "name to give the merged context instead of the one the node sends",
    },
    {
      name: "from-secrets",
      kind: "string",
      usage:
        "make the kubeconfig locally from this secrets bundle's Kubernetes CA (no node is called)",
    },
    {
      name: "from-controlplane-config",
      kind: "string",
      usage:
        "make the kubeconfig locally from this control plane machine config (no node is called)",
    },
    {
      name: "cluster-endpoint",
      kind: "string",
      usage: "offline: the Kubernetes API URL to write (default: the controlplane config's)",
    },
    {
      name: "cluster-name",
      kind: "string",
      usage: "offline: the cluster name (default: the controlplane config's)",
    },
    {
      name: "merge",
      short: "m",
      kind: "bool",
      default: true,
      usage: "merge into an existing kubeconfig instead of writing a new file",
    },
  ],
  async run(ctx) {
    const o = {
      arg: ctx.args[0],
      force: bool(ctx, "force"),
      merge: bool(ctx, "merge"),
      forceContextName: str(ctx, "force-context-name"),
    };
    const offline = {
      fromSecrets: str(ctx, "from-secrets"),
      fromControlplaneConfig: str(ctx, "from-controlplane-config"),
      clusterEndpoint: str(ctx, "cluster-endpoint"),
      clusterName: str(ctx, "cluster-name"),
    };
    if (offline.fromSecrets !== "" || offline.fromControlplaneConfig !== "") {
      const { offlineKubeconfig } = await import("./kubeconfig_offline.ts");
      await offlineKubeconfig(ctx, o, offline);
      return;
    }
    for (const flag of ["cluster-endpoint", "cluster-name"]) {
      if (ctx.changed.has(flag)) {
        throw new UserError(
          `--${flag} is only used offline, with --from-secrets or --from-controlplane-config`,
        );
      }
    }
    const { downloadKubeconfig } = await import("./kubeconfig_run.ts");
    await downloadKubeconfig(ctx, o);
  },
};
