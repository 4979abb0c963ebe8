// `memory -v`: a node's meminfo in /proc/meminfo's names and order (sizes in kB).

import type { MemInfo } from "../gen/machine/machine_pb.ts";

// [name shown, field, unit]: huge page counts have no unit.
const FIELDS: [string, keyof MemInfo, string][] = [
  ["MemTotal", "memtotal", "kB"],
  ["MemFree", "memfree", "kB"],
  ["MemAvailable", "memavailable", "kB"],
  ["Buffers", "buffers", "kB"],
  ["Cached", "cached", "kB"],
  ["SwapCached", "swapcached", "kB"],
  ["Active", "active", "kB"],
  ["Inactive", "inactive", "kB"],
  ["ActiveAnon", "activeanon", "kB"],
  ["InactiveAnon", "inactiveanon", "kB"],
  ["ActiveFile", "activefile", "kB"],
  ["InactiveFile", "inactivefile", "kB"],
  ["Unevictable", "unevictable", "kB"],
  ["Mlocked", "mlocked", "kB"],
  ["SwapTotal", "swaptotal", "kB"],
  ["SwapFree", "swapfree", "kB"],
  ["Dirty", "dirty", "kB"],
  ["Writeback", "writeback", "kB"],
  ["AnonPages", "anonpages", "kB"],
  ["Mapped", "mapped", "kB"],
  ["Shmem", "shmem", "kB"],
  ["Slab", "slab", "kB"],
  ["SReclaimable", "sreclaimable", "kB"],
  ["SUnreclaim", "sunreclaim", "kB"],
  ["KernelStack", "kernelstack", "kB"],
  ["PageTables", "pagetables", "kB"],
  ["NFSUnstable", "nfsunstable", "kB"],
  ["Bounce", "bounce", "kB"],
  ["WritebackTmp", "writebacktmp", "kB"],
  ["CommitLimit", "commitlimit", "kB"],
  ["CommittedAS", "committedas", "kB"],
  ["VmallocTotal", "vmalloctotal", "kB"],
  ["VmallocUsed", "vmallocused", "kB"],
  ["VmallocChunk", "vmallocchunk", "kB"],
  ["HardwareCorrupted", "hardwarecorrupted", "kB"],
  ["AnonHugePages", "anonhugepages", "kB"],
  ["ShmemHugePages", "shmemhugepages", "kB"],
  ["ShmemPmdMapped", "shmempmdmapped", "kB"],
  ["CmaTotal", "cmatotal", "kB"],
  ["CmaFree", "cmafree", "kB"],
  ["HugePagesTotal", "hugepagestotal", ""],
  ["HugePagesFree", "hugepagesfree", ""],
  ["HugePagesRsvd", "hugepagesrsvd", ""],
  ["HugePagesSurp", "hugepagessurp", ""],
  ["Hugepagesize", "hugepagesize", "kB"],
  ["DirectMap4k", "directmap4k", "kB"],
  ["DirectMap2M", "directmap2m", "kB"],
  ["DirectMap1G", "directmap1g", "kB"],
];

export function meminfoLines(node: string, m: MemInfo | undefined): string {
  let out = `NODE: ${node}\n`;
  for (const [name, field, unit] of FIELDS) {
    const v = m ? (m[field] as bigint) : 0n;
    out += unit ? `${name}: ${v} ${unit}\n` : `${name}: ${v}\n`;
  }
  return out;
}
