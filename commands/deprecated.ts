// Hidden commands upstream keeps only to point at their replacements (`get` resources).

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { UserError } from "../errors.ts";

function pointer(
  message: string,
  args?: CommandSpec["args"],
  flags?: CommandSpec["flags"],
): CommandSpec {
  return {
    args,
    persistentFlags: globalFlags,
    flags,
    run() {
      return Promise.reject(new UserError(message));
    },
  };
}

export const disks = pointer(
  "`talosctl disks` is deprecated, please use `talosctl get disks`, `talosctl get systemdisk`, `talosctl get discoveredvolumes` instead",
);
export const interfaces = pointer(
  "`talosctl interfaces` is deprecated, please use `talosctl get addresses` and `talosctl get links` instead",
  noArgs,
);
export const routes = pointer(
  "`talosctl routes` is deprecated, please use `talosctl get routes` instead",
  noArgs,
);
// Upstream still accepts the old cluster-layout flags so that scripts fail with the pointer rather
// than with "unknown flag".
export const crashdump = pointer(
  "`talosctl crashdump` is deprecated, please use `talosctl support` instead",
  noArgs,
  [
    { name: "init-node", kind: "string", usage: "IP of the init node" },
    { name: "control-plane-nodes", kind: "strings", usage: "IPs of the control plane nodes" },
    { name: "worker-nodes", kind: "strings", usage: "IPs of the worker nodes" },
  ],
);
