// Hidden commands upstream keeps only to point at their replacements (`get` resources).

import { type CommandSpec, noArgs } from "./spec.ts";
import { globalFlags } from "./global.ts";
import { UserError } from "../errors.ts";

function pointer(message: string, args?: CommandSpec["args"]): CommandSpec {
  return {
    args,
    persistentFlags: globalFlags,
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
