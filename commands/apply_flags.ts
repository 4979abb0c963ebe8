// Flags shared by the commands that send a machine config (apply-config, patch, edit): the
// apply mode as talosctl's Mode value (an enum flag), --dry-run, the try-mode --timeout and
// (patch, edit) the resource's --namespace.

import type { FlagSpec } from "./spec.ts";

/** The modes the CLI offers, in the order talosctl lists them (sorted). */
export const APPLY_MODES = ["auto", "no-reboot", "staged", "try"];

export const modeFlag: FlagSpec = {
  name: "mode",
  short: "m",
  kind: "string",
  typeName: APPLY_MODES.join(", "),
  usage: "how the node takes the config",
  default: "auto",
  defaultText: "auto",
  check: (v) =>
    APPLY_MODES.includes(v) ? undefined : `possible options are: ${APPLY_MODES.join(", ")}`,
};

export const tryTimeoutFlag: FlagSpec = {
  name: "timeout",
  kind: "duration",
  usage: "with --mode=try, how long until the node goes back to its previous config",
  default: 60_000,
};

export function dryRunFlag(usage: string): FlagSpec {
  return { name: "dry-run", kind: "bool", usage };
}

export const namespaceFlag: FlagSpec = {
  name: "namespace",
  kind: "string",
  usage: "namespace of the resource (empty: the type's default namespace)",
};
