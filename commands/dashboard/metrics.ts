// One round of the nodes' metrics (the replies of nine calls per node), the differences with the
// previous round, and the time series the graphs draw, as upstream's dashboard computes them.

import type {
  CPUsFreqStats,
  CPUsInfo,
  CPUStat,
  DiskStats,
  LoadAvg,
  Memory,
  NetworkDeviceStats,
  Process,
  ServiceList,
  SystemStat,
} from "../../gen/machine/machine_pb.ts";
import type { Session } from "../session.ts";

/** Points kept per series. */
const MAX_POINTS = 1000;

type Times = Omit<CPUStat, "$typeName" | "$unknown">;

const ZERO_TIMES: Times = {
  user: 0,
  nice: 0,
  system: 0,
  idle: 0,
  iowait: 0,
  irq: 0,
  softIrq: 0,
  steal: 0,
  guest: 0,
  guestNice: 0,
};

/** A counter's growth; a counter that went back (a reboot) counts as no growth. */
const grown = (next: bigint, old: bigint) => (next > old ? next - old : 0n);

export type SeriesName =
  | "mem"
  | "user"
  | "system"
  | "loadavg"
  | "netrxbytes"
  | "nettxbytes"
  | "diskrdsectors"
  | "diskwrsectors";

export class NodeData {
  loadAvg?: LoadAvg;
  memory?: Memory;
  systemStat?: SystemStat;
  cpusFreqStats?: CPUsFreqStats;
  cpusInfo?: CPUsInfo;
  netDevStats?: NetworkDeviceStats;
  diskStats?: DiskStats;
  processes?: Process;
  serviceList?: ServiceList;

  // Differences with the previous round.
  cpuDiff?: Times;
  ctxSwitchesDiff = 0n;
  procsCreatedDiff = 0n;
  rxDiff = 0n;
  txDiff = 0n;
  readSectorsDiff = 0n;
  writeSectorsDiff = 0n;
  /** CPU seconds each process (by pid) used since the previous round. */
  procsDiff?: Map<number, number>;

  series: Record<SeriesName, number[]> = {
    mem: [],
    user: [],
    system: [],
    loadavg: [],
    netrxbytes: [],
    nettxbytes: [],
    diskrdsectors: [],
    diskwrsectors: [],
  };

  /** Used memory (total less free, cache and buffers) as a fraction of the total. */
  memUsage(): number {
    const m = this.memory?.meminfo;
    if (!m || m.memtotal === 0n) return 0;
    const used = m.memtotal - m.memfree - m.cached - m.buffers;
    return Number(used) / Number(m.memtotal);
  }

  /** A CPU figure of the last interval: a mode's share, "usage", "total" or "total_weighted". */
  cpuUsage(name: keyof Times | "usage" | "total" | "total_weighted"): number {
    const s = this.cpuDiff;
    if (!s) return 0;
    const idle = s.idle + s.iowait;
    const nonIdle = s.user + s.nice + s.system + s.irq + s.steal + s.softIrq;
    const total = idle + nonIdle;
    if (total === 0) return 0;
    switch (name) {
      case "usage":
        return (total - idle) / total;
      case "total":
        return total;
      case "total_weighted": {
        const cpus = this.cpusInfo?.cpuInfo.length ?? 0;
        return cpus === 0 ? total : total / cpus;
      }
      default:
        return s[name] / total;
    }
  }

  diff(old: NodeData): void {
    if (old.systemStat) {
      const a = old.systemStat.cpuTotal ?? ZERO_TIMES, b = this.systemStat?.cpuTotal;
      this.cpuDiff = { ...ZERO_TIMES };
      if (b && old.systemStat.cpuTotal) {
        for (const k of Object.keys(ZERO_TIMES) as (keyof Times)[]) this.cpuDiff[k] = b[k] - a[k];
      }
      this.ctxSwitchesDiff = grown(
        this.systemStat?.contextSwitches ?? 0n,
        old.systemStat.contextSwitches,
      );
      this.procsCreatedDiff = grown(
        this.systemStat?.processCreated ?? 0n,
        old.systemStat.processCreated,
      );
    }
    if (old.netDevStats) {
      const a = old.netDevStats.total, b = this.netDevStats?.total;
      this.rxDiff = a && b ? grown(b.rxBytes, a.rxBytes) : 0n;
      this.txDiff = a && b ? grown(b.txBytes, a.txBytes) : 0n;
    }
    if (old.diskStats) {
      const a = old.diskStats.total, b = this.diskStats?.total;
      this.readSectorsDiff = a && b ? grown(b.readSectors, a.readSectors) : 0n;
      this.writeSectorsDiff = a && b ? grown(b.writeSectors, a.writeSectors) : 0n;
    }
    if (old.processes) {
      const before = new Map(old.processes.processes.map((p) => [p.pid, p.cpuTime]));
      this.procsDiff = new Map(
        (this.processes?.processes ?? []).map((p) => {
          const was = before.get(p.pid);
          return [p.pid, was === undefined ? 0 : p.cpuTime - was];
        }),
      );
    }
    const values: Record<SeriesName, number> = {
      mem: this.memUsage(),
      user: this.cpuUsage("user"),
      system: this.cpuUsage("system"),
      loadavg: this.loadAvg?.load1 ?? 0,
      netrxbytes: Number(this.rxDiff),
      nettxbytes: Number(this.txDiff),
      diskrdsectors: Number(this.readSectorsDiff),
      diskwrsectors: Number(this.writeSectorsDiff),
    };
    for (const name of Object.keys(values) as SeriesName[]) {
      const prev = old === this ? [] : old.series[name];
      this.series[name] = [...prev.slice(-MAX_POINTS), values[name]];
    }
  }
}

export class ApiData {
  readonly nodes = new Map<string, NodeData>();
  intervalMs = 0;
  constructor(readonly timestamp: number) {}

  node(name: string): NodeData {
    let n = this.nodes.get(name);
    if (!n) {
      n = new NodeData();
      this.nodes.set(name, n);
    }
    return n;
  }

  /** Fills the differences and series from the previous round (`this` on the first round). */
  diff(old: ApiData): void {
    this.intervalMs = this.timestamp - old.timestamp;
    for (const [name, n] of this.nodes) {
      const o = old.nodes.get(name);
      if (o) n.diff(o);
    }
  }
}

type Setter<T> = (n: NodeData, v: T) => void;

/** One round: every call on every node at once; failures leave the field unset. */
export async function gather(
  session: Session,
  nodes: string[],
  signal: AbortSignal,
): Promise<ApiData> {
  const data = new ApiData(Date.now());
  const calls: Promise<void>[] = [];
  for (const node of nodes) {
    let t;
    try {
      t = session.forNode(node);
    } catch {
      continue;
    }
    const m = t.client.machine;
    const opts = { ...t.options, signal };
    const one = <T>(call: Promise<{ messages: T[] }>, set: Setter<T>) =>
      calls.push(call.then((r) => {
        for (const msg of r.messages) set(data.node(node), msg);
      }, () => {}));
    one(m.loadAvg({}, opts), (n, v) => n.loadAvg = v);
    one(m.memory({}, opts), (n, v) => n.memory = v);
    one(m.systemStat({}, opts), (n, v) => n.systemStat = v);
    one(m.cPUFreqStats({}, opts), (n, v) => n.cpusFreqStats = v);
    one(m.cPUInfo({}, opts), (n, v) => n.cpusInfo = v);
    one(m.networkDeviceStats({}, opts), (n, v) => n.netDevStats = v);
    one(m.diskStats({}, opts), (n, v) => n.diskStats = v);
    one(m.processes({}, opts), (n, v) => n.processes = v);
    one(m.serviceList({}, opts), (n, v) => n.serviceList = v);
  }
  await Promise.all(calls);
  return data;
}
