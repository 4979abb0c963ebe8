// machined's DiskStats: the node's /proc/diskstats rows as counters per device, plus a total
// that sums every row. A node's rows are made on first use (SimNode.diskStats); tests edit them.

import { MachineService } from "../../gen/machine/machine_pb.ts";
import type { Emulator } from "./server.ts";
import type { SimDiskStat, SimNode } from "./node.ts";

const COUNTERS = [
  "readCompleted",
  "readMerged",
  "readSectors",
  "readTimeMs",
  "writeCompleted",
  "writeMerged",
  "writeSectors",
  "writeTimeMs",
  "ioInProgress",
  "ioTimeMs",
  "ioTimeWeightedMs",
  "discardCompleted",
  "discardMerged",
  "discardSectors",
  "discardTimeMs",
] as const;

/** A row with counters derived from `seed` (deterministic, distinct per device). */
export function diskStatRow(name: string, seed: number): SimDiskStat {
  const row = { name } as SimDiskStat;
  COUNTERS.forEach((k, i) => row[k] = BigInt(seed * 1000 + i * 37));
  row.ioInProgress = 0n;
  return row;
}

/** The node's rows: loop devices, the system disk and its partitions, a CD-ROM. */
export function nodeDiskStats(node: SimNode): SimDiskStat[] {
  node.diskStats ??= ["loop0", "sda", "sda1", "sda5", "sda6", "sr0"].map((n, i) =>
    diskStatRow(n, i + 1)
  );
  return node.diskStats;
}

export function registerDiskStatsHandlers(emu: Emulator): void {
  emu.handle(MachineService.method.diskStats, (_req, call) => {
    const devices = nodeDiskStats(call.node).map((d) => ({ ...d }));
    const total = { name: "" } as SimDiskStat;
    for (const k of COUNTERS) total[k] = devices.reduce((sum, d) => sum + d[k], 0n);
    return { messages: [{ total, devices }] };
  });
}
