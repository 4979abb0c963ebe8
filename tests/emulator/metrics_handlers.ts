// machined's kernel counter RPCs, the ones `dashboard` polls: LoadAvg, SystemStat, CPUInfo,
// CPUFreqStats and NetworkDeviceStats. Each node's counters grow with the wall clock at rates of
// its own (SimMetrics, kept in node.extra), so two polls a few seconds apart differ as a busy
// node's would; tests may replace the rates or freeze the clock.

import { MachineService } from "../../gen/machine/machine_pb.ts";
import type { Emulator } from "./server.ts";
import type { SimNode } from "./node.ts";

/** Per-second rates and fixed facts of a node's counters. */
export interface SimMetrics {
  /** Unix seconds. */
  bootTime: number;
  /** When the counters started (ms since the epoch); they are zero-based from here. */
  since: number;
  cpus: number;
  mhz: number;
  load: [number, number, number];
  /** Fractions of one CPU-second per second, per CPU. */
  user: number;
  system: number;
  iowait: number;
  ctxPerSec: number;
  forksPerSec: number;
  running: number;
  blocked: number;
  /** Network bytes per second received and sent on eth0. */
  rxPerSec: number;
  txPerSec: number;
  /** The clock (ms); default Date.now. */
  now?: () => number;
}

const KEY = "metrics";

/** The node's metrics state, made on first use from its address (so nodes differ). */
export function nodeMetrics(node: SimNode): SimMetrics {
  let m = node.extra[KEY] as SimMetrics | undefined;
  if (!m) {
    const seed = [...node.address].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 97;
    const now = Date.now();
    m = {
      bootTime: Math.floor(now / 1000) - 3600 - seed * 60,
      since: now,
      cpus: 2,
      mhz: 2400 + seed,
      load: [0.25 + seed / 100, 0.2 + seed / 200, 0.15],
      user: 0.1 + seed / 500,
      system: 0.05,
      iowait: 0.01,
      ctxPerSec: 1500 + seed * 10,
      forksPerSec: 3,
      running: 2,
      blocked: 0,
      rxPerSec: 20_000 + seed * 100,
      txPerSec: 8_000 + seed * 50,
    };
    node.extra[KEY] = m;
  }
  return m;
}

function elapsed(m: SimMetrics): number {
  return Math.max(0, ((m.now ?? Date.now)() - m.since) / 1000);
}

function cpuStat(m: SimMetrics, t: number, cpus: number) {
  // A second of wall time gives each CPU one second, split between the modes.
  const up = (m.since / 1000 - m.bootTime) + t;
  const user = up * m.user * cpus, system = up * m.system * cpus, iowait = up * m.iowait * cpus;
  return {
    user,
    nice: 0,
    system,
    idle: up * cpus - user - system - iowait,
    iowait,
    irq: 0,
    softIrq: up * 0.001 * cpus,
    steal: 0,
    guest: 0,
    guestNice: 0,
  };
}

function netDev(name: string, rx: bigint, tx: bigint) {
  return {
    name,
    rxBytes: rx,
    rxPackets: rx / 800n,
    rxErrors: 0n,
    rxDropped: 0n,
    rxFifo: 0n,
    rxFrame: 0n,
    rxCompressed: 0n,
    rxMulticast: 0n,
    txBytes: tx,
    txPackets: tx / 600n,
    txErrors: 0n,
    txDropped: 0n,
    txFifo: 0n,
    txCollisions: 0n,
    txCarrier: 0n,
    txCompressed: 0n,
  };
}

export function registerMetricsHandlers(emu: Emulator): void {
  const M = MachineService.method;

  emu.handle(M.loadAvg, (_req, call) => {
    const [load1, load5, load15] = nodeMetrics(call.node).load;
    return { messages: [{ load1, load5, load15 }] };
  });

  emu.handle(M.systemStat, (_req, call) => {
    const m = nodeMetrics(call.node);
    const t = elapsed(m);
    const up = m.since / 1000 - m.bootTime + t;
    return {
      messages: [{
        bootTime: BigInt(m.bootTime),
        cpuTotal: cpuStat(m, t, m.cpus),
        cpu: Array.from({ length: m.cpus }, () => cpuStat(m, t, 1)),
        irqTotal: BigInt(Math.floor(up * 400)),
        irq: [],
        contextSwitches: BigInt(Math.floor(up * m.ctxPerSec)),
        processCreated: BigInt(Math.floor(up * m.forksPerSec)),
        processRunning: BigInt(m.running),
        processBlocked: BigInt(m.blocked),
        softIrqTotal: BigInt(Math.floor(up * 300)),
        softIrq: {},
      }],
    };
  });

  emu.handle(M.cPUInfo, (_req, call) => {
    const m = nodeMetrics(call.node);
    return {
      messages: [{
        cpuInfo: Array.from({ length: m.cpus }, (_, i) => ({
          processor: i,
          vendorId: "GenuineIntel",
          cpuFamily: "6",
          model: "85",
          modelName: "Intel Xeon Processor (Cascadelake)",
          stepping: "7",
          microcode: "0x1",
          cpuMhz: m.mhz,
          cacheSize: "16384 KB",
          physicalId: "0",
          siblings: m.cpus,
          coreId: String(i),
          cpuCores: m.cpus,
          apicId: String(i),
          initialApicId: String(i),
          fpu: "yes",
          fpuException: "yes",
          cpuIdLevel: 13,
          wp: "yes",
          flags: ["fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "sse", "sse2"],
          bugs: ["spectre_v1", "spectre_v2"],
          bogoMips: m.mhz * 2,
          clFlushSize: 64,
          cacheAlignment: 64,
          addressSizes: "46 bits physical, 48 bits virtual",
          powerManagement: "",
        })),
      }],
    };
  });

  emu.handle(M.cPUFreqStats, (_req, call) => {
    const m = nodeMetrics(call.node);
    return {
      messages: [{
        cpuFreqStats: Array.from({ length: m.cpus }, () => ({
          currentFrequency: BigInt(m.mhz * 1000),
          minimumFrequency: 800_000n,
          maximumFrequency: BigInt(m.mhz * 1000),
          governor: "performance",
        })),
      }],
    };
  });

  emu.handle(M.networkDeviceStats, (_req, call) => {
    const m = nodeMetrics(call.node);
    const up = m.since / 1000 - m.bootTime + elapsed(m);
    const rx = BigInt(Math.floor(up * m.rxPerSec)), tx = BigInt(Math.floor(up * m.txPerSec));
    const lo = BigInt(Math.floor(up * 500));
    const devices = [netDev("lo", lo, lo), netDev("eth0", rx, tx)];
    return { messages: [{ total: netDev("", rx + lo, tx + lo), devices }] };
  });
}
