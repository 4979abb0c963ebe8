// `talosctl upgrade`: install another Talos version on nodes and reboot into it, waiting (by
// default) until every node is back, ready, and runs the new version.

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import {
  DEFAULT_INSTALLER_IMAGE,
  drainFlags,
  progressFlag,
  rebootModeFlag,
  trackFlags,
} from "./lifecycle_flags.ts";

/** Flags only the MachineService.Upgrade fallback reads (nodes before Talos 1.13). */
export const LEGACY_ONLY =
  "legacy flag for MachineService.Upgrade fallback, to be removed in Talos 1.18";

export const spec: CommandSpec = {
  long: `Pulls the installer image on every node, installs it (LifecycleService, Talos 1.13 and
later; older nodes get the unary MachineService.Upgrade instead), then reboots the nodes. Unless
--wait=false, follows each node until it is back, ready, and runs the version of the image.`,
  args: noArgs,
  persistentFlags: globalFlags,
  flags: [
    {
      name: "image",
      short: "i",
      kind: "string",
      default: DEFAULT_INSTALLER_IMAGE,
      usage: "installer image of the Talos version to install",
    },
    {
      name: "namespace",
      kind: "string",
      default: "system",
      usage:
        'containerd namespace to pull the image into: "system" (etcd and kubelet images), "cri" (Kubernetes workloads) or "inmem" (an in-memory containerd)',
    },
    rebootModeFlag("reboot-mode", "into the new version"),
    progressFlag,
    {
      name: "no-reboot",
      kind: "bool",
      usage: "install only; do not reboot (and so do not drain) the nodes",
    },
    ...drainFlags(true),
    ...trackFlags,
    {
      name: "legacy",
      kind: "bool",
      usage: "use the unary MachineService.Upgrade API even on nodes that have the new one",
    },
    {
      name: "force",
      short: "f",
      kind: "bool",
      hidden: true,
      deprecated: LEGACY_ONLY,
      usage: "skip the etcd health and membership checks (may lose data)",
    },
    {
      name: "preserve",
      short: "p",
      kind: "bool",
      hidden: true,
      deprecated: LEGACY_ONLY,
      usage: "keep the node's data",
    },
    {
      name: "stage",
      short: "s",
      kind: "bool",
      hidden: true,
      deprecated: LEGACY_ONLY,
      usage: "stage the upgrade, to be performed at the next reboot",
    },
  ],
  async run(ctx) {
    const { runUpgrade } = await import("./lifecycle/upgrade_run.ts");
    await runUpgrade(ctx);
  },
};
