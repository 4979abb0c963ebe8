// A node's /sys/fs/cgroup (cgroup v2) and /sys/dev/block, as files in its simulated tree, so that
// `cgroups` reads them through Copy as it does on a real node: a small hierarchy (init, system
// services, podruntime, and a Kubernetes pod whose directories are named by pod UID and
// container IDs), with the processes and containers of system.ts.

import type { SimNode } from "./node.ts";
import type { SimFile } from "./files.ts";
import { nodeSystem } from "./system.ts";

const enc = new TextEncoder();

interface Group {
  procs: number[];
  mem: number;
  peak: number;
  low?: string;
  min?: string;
  high?: string;
  max?: string;
  weight?: number;
  cpuMax?: string;
  userUsec: number;
  systemUsec: number;
  pids?: string;
  io?: string;
  swap?: number;
}

function files(g: Group, root: boolean): Record<string, string> {
  const f: Record<string, string> = {
    "cgroup.procs": g.procs.map((p) => `${p}\n`).join(""),
    "cgroup.threads": g.procs.flatMap((p) => [p, p + 1]).map((p) => `${p}\n`).join(""),
    "cpu.stat":
      `usage_usec ${
        g.userUsec + g.systemUsec
      }\nuser_usec ${g.userUsec}\nsystem_usec ${g.systemUsec}\n` +
      "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
    "cpu.pressure": "some avg10=0.00 avg60=0.10 avg300=0.05 total=123456\n" +
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=65432\n",
    "io.pressure": "some avg10=1.25 avg60=0.50 avg300=0.12 total=2500000\n" +
      "full avg10=1.00 avg60=0.25 avg300=0.10 total=2000000\n",
    "memory.pressure": "some avg10=0.00 avg60=0.00 avg300=0.00 total=1000\n" +
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=500\n",
    "memory.current": `${g.mem}\n`,
    "memory.stat": `anon ${Math.floor(g.mem / 2)}\nfile ${Math.floor(g.mem / 2)}\n`,
    "cpuset.cpus.effective": "0-3\n",
    "cpuset.mems.effective": "0\n",
  };
  if (g.io !== undefined) f["io.stat"] = g.io;
  if (!root) {
    Object.assign(f, {
      "memory.peak": `${g.peak}\n`,
      "memory.low": `${g.low ?? "0"}\n`,
      "memory.min": `${g.min ?? "0"}\n`,
      "memory.high": `${g.high ?? "max"}\n`,
      "memory.max": `${g.max ?? "max"}\n`,
      "memory.swap.current": `${g.swap ?? 0}\n`,
      "memory.swap.max": "max\n",
      "cpu.weight": `${g.weight ?? 100}\n`,
      "cpu.weight.nice": "0\n",
      "cpu.max": `${g.cpuMax ?? "max 100000"}\n`,
      "cpuset.cpus": "\n",
      "cpuset.mems": "\n",
      "pids.current": `${g.procs.length * 2}\n`,
      "pids.max": `${g.pids ?? "max"}\n`,
      "pids.peak": `${g.procs.length * 3}\n`,
    });
  }
  return f;
}

const MiB = 1024 * 1024;

/** The cgroup and block-device files of `node`, by absolute path. */
export function cgroupFiles(node: SimNode, mtime: Date): Map<string, SimFile> {
  const out = new Map<string, SimFile>();
  const base = "/sys/fs/cgroup";
  const k8s = nodeSystem(node).containers["k8s.io"] ?? [];
  const proxy = k8s.filter((c) => c.podId.includes("kube-proxy"));
  const groups: [string, Group][] = [
    ["", {
      procs: [],
      mem: 1800 * MiB,
      peak: 0,
      userUsec: 9_000_000_000,
      systemUsec: 3_000_000_000,
      io: "8:0 rbytes=734003200 wbytes=2147483648 rios=12000 wios=54000 dbytes=0 dios=0\n" +
        "7:0 rbytes=0 wbytes=0 rios=0 wios=0 dbytes=0 dios=0\n",
    }],
    ["init", {
      procs: [1],
      mem: 80 * MiB,
      peak: 96 * MiB,
      low: String(96 * MiB),
      min: String(48 * MiB),
      weight: 1000,
      userUsec: 90_000_000,
      systemUsec: 30_500_000,
    }],
    ["system", {
      procs: [],
      mem: 120 * MiB,
      peak: 150 * MiB,
      userUsec: 400_000_000,
      systemUsec: 100_000_000,
    }],
    ["system/apid", {
      procs: [812],
      mem: 40 * MiB,
      peak: 52 * MiB,
      max: String(512 * MiB),
      userUsec: 10_000_000,
      systemUsec: 2_340_000,
      io: "8:0 rbytes=1048576 wbytes=4096 rios=20 wios=1 dbytes=0 dios=0\n",
    }],
    ["system/runtime", {
      procs: [700, 612],
      mem: 57 * MiB,
      peak: 70 * MiB,
      userUsec: 28_000_000,
      systemUsec: 2_870_000,
    }],
    ["podruntime", {
      procs: [],
      mem: 250 * MiB,
      peak: 300 * MiB,
      userUsec: 600_000_000,
      systemUsec: 61_490_000,
    }],
    ...(node.controlPlane
      ? [["podruntime/etcd", {
        procs: [950],
        mem: 161 * MiB,
        peak: 200 * MiB,
        low: String(256 * MiB),
        userUsec: 400_000_000,
        systemUsec: 10_990_000,
        io: "8:0 rbytes=20971520 wbytes=1073741824 rios=500 wios=30000 dbytes=0 dios=0\n",
      }] as [string, Group]]
      : []),
    ["podruntime/kubelet", {
      procs: [1010],
      mem: 98 * MiB,
      peak: 120 * MiB,
      userUsec: 200_000_000,
      systemUsec: 50_500_000,
    }],
    ["kubepods", {
      procs: [],
      mem: 600 * MiB,
      peak: 700 * MiB,
      userUsec: 1_000_000_000,
      systemUsec: 200_000_000,
      pids: "4096",
    }],
    ["kubepods/besteffort", {
      procs: [],
      mem: 23 * MiB,
      peak: 30 * MiB,
      userUsec: 1_000_000,
      systemUsec: 274_567,
    }],
  ];
  const podDir = proxy[0] ? `kubepods/besteffort/pod${proxy[0].uid}` : "";
  if (podDir) {
    groups.push([podDir, {
      procs: [],
      mem: 23 * MiB,
      peak: 30 * MiB,
      userUsec: 1_000_000,
      systemUsec: 274_567,
    }]);
    for (const c of proxy) {
      groups.push([`${podDir}/${c.internalId}`, {
        procs: [c.pid],
        mem: c.id === c.podId ? 1 * MiB : 22 * MiB,
        peak: c.id === c.podId ? 1 * MiB : 29 * MiB,
        userUsec: c.id === c.podId ? 40_000 : 960_000,
        systemUsec: c.id === c.podId ? 0 : 274_567,
        cpuMax: c.id === c.podId ? undefined : "20000 100000",
      }]);
    }
  }
  const dir = (p: string) => out.set(p, { type: "dir", mode: 0o755, mtime });
  dir("/sys");
  dir("/sys/fs");
  dir(base);
  for (const [rel, g] of groups) {
    const d = rel === "" ? base : `${base}/${rel}`;
    if (rel !== "") dir(d);
    for (const [name, text] of Object.entries(files(g, rel === ""))) {
      // Like cgroupfs files: stat says 0 whatever they hold; Copy reads them to learn the size.
      out.set(`${d}/${name}`, {
        type: "file",
        mode: 0o644,
        mtime,
        data: enc.encode(text),
        statSize: 0,
      });
    }
  }
  dir("/sys/dev");
  dir("/sys/dev/block");
  out.set("/sys/dev/block/8:0", {
    type: "symlink",
    mtime,
    target: "../../devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda",
  });
  out.set("/sys/dev/block/7:0", {
    type: "symlink",
    mtime,
    target: "../../devices/virtual/block/loop0",
  });
  return out;
}
