// `talosctl support`: a ZIP archive of every node's debug data (and the cluster's Kubernetes
// objects), age-encrypted by default. The work is in support/run.ts.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  long: `Collects what is needed to debug a cluster into one archive:

- from each node: the kernel log, the logs of the Talos services and of the kube-system pods,
  the state of every service, the COSI resources (specs of sensitive types left out), the
  controller dependency graph, a snapshot of the processes, disk I/O counters, the mounts, the
  PCI devices and the Talos version;
- from the cluster: the Kubernetes nodes and the kube-system pods, when the Kubernetes API can
  be reached.

The archive is encrypted with age. By default only the Talos maintainers can open it (the
public SSH keys of the members of the siderolabs GitHub organization); add your own keys with
--encryption-recipients, drop the maintainers' keys with --encryption-no-default-recipients, or
write the archive in the clear with --no-encryption.`,
  flags: [
    {
      name: "output",
      short: "O",
      kind: "string",
      usage: "file to write the archive to (default: support[-<cluster>].zip[.age])",
    },
    {
      name: "num-workers",
      short: "w",
      kind: "int",
      default: 1,
      usage: "how many items to collect at the same time",
    },
    {
      name: "verbose",
      short: "v",
      kind: "bool",
      usage: "print each step instead of progress bars",
    },
    {
      name: "no-encryption",
      kind: "bool",
      usage: "write the archive without encrypting it",
    },
    {
      name: "encryption-recipients",
      kind: "stringArray",
      usage:
        "also encrypt to this age recipient or SSH public key (ssh-ed25519, ssh-rsa); repeat for several",
    },
    {
      name: "encryption-no-default-recipients",
      kind: "bool",
      usage: "encrypt only to --encryption-recipients, not to the default recipients",
    },
    ...insecureFlags,
  ],
  async run(ctx) {
    const { runSupport } = await import("./support/run.ts");
    await runSupport(ctx);
  },
};
