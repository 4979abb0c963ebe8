// `talosctl wipe disk|lv|vg|pv|md`: destroy data on block devices and storage stacks that no
// volume uses. Only admins may wipe a configured node; readers may in maintenance mode.

import {
  type CommandEntry,
  type CommandSpec,
  exactArgs,
  loadSpec,
  minArgs,
  noArgs,
} from "./spec.ts";
import { globalFlags } from "./global.ts";
import { insecureFlags } from "./api_flags.ts";

const entries: CommandEntry[] = [
  {
    name: "disk",
    short: "Wipe disks or partitions that no volume uses",
    load: () => loadSpec(import.meta.url, "./wipe.ts", "disk"),
  },
  {
    name: "lv",
    short: "Remove an LVM logical volume",
    load: () => loadSpec(import.meta.url, "./wipe.ts", "lv"),
  },
  {
    name: "md",
    short: "Stop a software RAID (MD) array and erase its members' superblocks",
    load: () => loadSpec(import.meta.url, "./wipe.ts", "md"),
  },
  {
    name: "pv",
    short: "Erase the LVM label of a physical volume",
    load: () => loadSpec(import.meta.url, "./wipe.ts", "pv"),
  },
  {
    name: "vg",
    short: "Remove an LVM volume group together with its logical volumes",
    load: () => loadSpec(import.meta.url, "./wipe.ts", "vg"),
  },
];

export const spec: CommandSpec = {
  args: noArgs,
  persistentFlags: globalFlags,
  subcommands: entries,
};

export const disk: CommandSpec = {
  use: "<device names>...",
  long: `Wipes block devices (whole disks or partitions) that are not used by any volume.
Give device names without /dev/, e.g. sdb or vda3.`,
  args: minArgs(1),
  flags: [
    {
      name: "method",
      kind: "string",
      default: "FAST",
      usage: "how to wipe: FAST (erase signatures) or ZEROES (overwrite everything) [FAST ZEROES]",
    },
    {
      name: "skip-volume-check",
      kind: "bool",
      hidden: true,
      usage: "wipe even when a volume uses the device",
    },
    {
      name: "skip-secondary-check",
      kind: "bool",
      hidden: true,
      usage: "wipe even when the device backs another one (RAID, LVM); dangerous",
    },
    {
      name: "drop-partition",
      kind: "bool",
      usage: "also delete the partition from the partition table after wiping it",
    },
    ...insecureFlags,
  ],
  async run(ctx) {
    const { wipeDisk } = await import("./wipe_run.ts");
    await wipeDisk(ctx);
  },
};

export const lv: CommandSpec = {
  use: "<vg/lv>",
  long: "Removes one LVM logical volume, named as volume-group/logical-volume (e.g. vg0/lv0).",
  args: exactArgs(1),
  flags: insecureFlags,
  async run(ctx) {
    const { wipeLvm } = await import("./wipe_run.ts");
    await wipeLvm(ctx, "lv");
  },
};

export const vg: CommandSpec = {
  use: "<name>",
  long: `Removes an LVM volume group, and before it every logical volume it holds, without asking
about each one. Its physical volumes keep their LVM labels until 'talosctl wipe pv' erases them.`,
  args: exactArgs(1),
  flags: insecureFlags,
  async run(ctx) {
    const { wipeLvm } = await import("./wipe_run.ts");
    await wipeLvm(ctx, "vg");
  },
};

export const pv: CommandSpec = {
  use: "<device>",
  long: `Erases the LVM metadata of a block device, given as a full path (e.g. /dev/sdb1).
The physical volume must not belong to an active volume group: remove that first (wipe vg).`,
  args: exactArgs(1),
  flags: insecureFlags,
  async run(ctx) {
    const { wipeLvm } = await import("./wipe_run.ts");
    await wipeLvm(ctx, "pv");
  },
};

export const md: CommandSpec = {
  use: "<device>",
  long: `Stops a software RAID array and erases the RAID superblock of each member device. The
array must be unused (not mounted, not claimed). Give its full path, e.g.
/dev/disk/by-id/md-name-data.`,
  args: exactArgs(1),
  flags: insecureFlags,
  async run(ctx) {
    const { wipeLvm } = await import("./wipe_run.ts");
    await wipeLvm(ctx, "md");
  },
};
