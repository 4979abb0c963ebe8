// Flags shared by the commands that act on a node's life (reboot, shutdown, reset, upgrade):
// waiting for the outcome, the progress output mode and the enum-valued flags. Cheap to import.

import type { FlagSpec } from "./spec.ts";
import { TALOS_VERSION } from "./version_info.ts";

/** pflag check of a proto enum flag: any case, one of `names` (listed sorted, lowercase). */
export function enumCheck(names: string[]): (raw: string) => string | undefined {
  const sorted = names.map((n) => n.toLowerCase()).sort();
  return (raw) =>
    sorted.includes(raw.toLowerCase()) ? undefined : `must be one of [${sorted.join(" ")}]`;
}

/** --wait, --debug, --timeout. */
export const trackFlags: FlagSpec[] = [
  {
    name: "wait",
    kind: "bool",
    default: true,
    usage:
      "follow the operation on every node until it is done, showing progress (implied by --debug)",
  },
  {
    name: "debug",
    kind: "bool",
    usage:
      "also collect the nodes' kernel logs while waiting and print them for nodes that fail (implies --wait)",
  },
  {
    name: "timeout",
    kind: "duration",
    default: 30 * 60_000,
    usage: "how long --wait (or --debug) waits for the operation to finish",
  },
];

/** --progress auto|plain. */
export const progressFlag: FlagSpec = {
  name: "progress",
  kind: "string",
  default: "auto",
  check: enumCheck(["AUTO", "PLAIN"]),
  usage: "progress output: auto (redrawn in place on a terminal) or plain (one line per change)",
};

/** RebootRequest.Mode names, for -m/--mode and -m/--reboot-mode. */
export const REBOOT_MODES = ["DEFAULT", "POWERCYCLE", "FORCE"];

export function rebootModeFlag(name: string, what: string): FlagSpec {
  return {
    name,
    short: "m",
    kind: "string",
    default: "default",
    check: enumCheck(REBOOT_MODES),
    usage:
      `how to reboot ${what}: default, powercycle (a full power cycle instead of kexec) or force`,
  };
}

/** The Kubernetes drain flags of reboot and upgrade. */
export function drainFlags(defaultOn: boolean): FlagSpec[] {
  return [
    {
      name: "drain",
      kind: "bool",
      default: defaultOn,
      usage: "cordon the Kubernetes node and evict its pods first, uncordon it once it is back",
    },
    {
      name: "drain-timeout",
      kind: "duration",
      default: 5 * 60_000,
      usage: "how long draining a Kubernetes node may take",
    },
  ];
}

/** The default installer image: Image Factory's metal installer of the Talos release we track. */
export const DEFAULT_INSTALLER_IMAGE =
  `factory.talos.dev/metal-installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:${TALOS_VERSION}`;
