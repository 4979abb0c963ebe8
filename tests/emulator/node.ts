// A simulated Talos node: the state the emulator's handlers read and change. Tests build nodes
// with `simNode(...)`, then adjust fields or inject faults.

import type { SimFile } from "./files.ts";
import type { SimSystem } from "./system.ts";

export interface SimService {
  id: string;
  state: string;
  health: { unknown: boolean; healthy: boolean; lastMessage: string; lastChange?: Date };
  /** Oldest first, as machined keeps them. */
  events: { msg: string; state: string; ts: Date }[];
}

export interface Faults {
  /** apid cannot reach the node: calls fail with Unavailable. */
  down?: boolean;
  /** Delay before the node answers (ms). */
  delayMs?: number;
  /** Streams are reset after this many messages. */
  dropAfter?: number;
  /** Only this method's streams (its last path element, e.g. "Watch") are reset. */
  dropMethod?: string;
  /** Calls of this method (its last path element, e.g. "Version") are refused as Unavailable. */
  refuse?: { method: string; times: number };
}

export interface EtcdState {
  memberId: bigint;
  /**
   * Raw snapshot bytes, or a size to synthesise: a valid etcd snapshot (bbolt database with
   * sample data and the sha256 trailer, see etcd_snapshot.ts) when size - 32 is a multiple of
   * 4096, else a deterministic byte pattern.
   */
  snapshot: Uint8Array | { size: number };
  status: {
    protocolVersion: string;
    storageVersion: string;
    dbSize: bigint;
    dbSizeInUse: bigint;
    leader: bigint;
    raftIndex: bigint;
    raftTerm: bigint;
    raftAppliedIndex: bigint;
    errors: string[];
    isLearner: boolean;
  };
}

export interface SimNode {
  /** The address clients put in `node` metadata (e.g. "10.5.0.2"). */
  address: string;
  hostname: string;
  controlPlane: boolean;
  version: { tag: string; sha: string; built: string; goVersion: string; os: string; arch: string };
  platform: { name: string; mode: string };
  rbac: boolean;
  services: SimService[];
  /** Log text per service id (namespace "system") or container id ("k8s.io:<id>"). */
  logs: Map<string, string>;
  /** Kernel records, each one line. */
  dmesg: string[];
  etcd?: EtcdState;
  faults: Faults;
  /** Free-form state for handlers added by other tests (kubeconfig, secrets, ...). */
  extra: Record<string, unknown>;
  /** Subscribers to appended log text / dmesg records (follow mode). */
  followers: Set<(kind: string, key: string, text: string) => void>;
  /** File tree by absolute path (files.ts); a small default tree is made on first use. */
  files?: Map<string, SimFile>;
  /** Processes, memory, mounts and containers (system.ts); defaults made on first use. */
  system?: SimSystem;
  /** Reboot/upgrade/reset simulation: pacing and faults (lifecycle_handlers.ts). */
  lifecycle?: LifecycleKnobs;
  /** /proc/diskstats rows (diskstats_handlers.ts); defaults made on first use. */
  diskStats?: SimDiskStat[];
}

/** How a simulated node plays out reboots, shutdowns, resets and upgrades; all optional. */
export interface LifecycleKnobs {
  /** Pause between two events of a sequence (ms, default 1). */
  stepMs?: number;
  /** How long the node is unreachable while it reboots (ms, default 30). */
  downMs?: number;
  /** Fault: once down for a reboot, the node never comes back. */
  neverReturns?: boolean;
  /** Fault: after an upgrade the node boots the version it ran before. */
  bootsOldVersion?: boolean;
  /** Fault: once back, apid still refuses this many calls of one method (see Faults.refuse). */
  refuseAfterBoot?: { method: string; times: number };
  /** Fault: the next Events stream is cut (Unavailable) after this many events; then cleared. */
  dropEventsAfter?: number;
  /** Fault: the installer of LifecycleService.Upgrade exits with this code. */
  installerExitCode?: number;
  /** Fault: a sequence fails at this phase with a sequence error event. */
  failAtPhase?: string;
  /** Called when a reset that wiped STATE leaves the node in maintenance mode. */
  onMaintenance?: () => void;
}

/** One /proc/diskstats row, as the DiskStats API names its counters. */
export interface SimDiskStat {
  name: string;
  readCompleted: bigint;
  readMerged: bigint;
  readSectors: bigint;
  readTimeMs: bigint;
  writeCompleted: bigint;
  writeMerged: bigint;
  writeSectors: bigint;
  writeTimeMs: bigint;
  ioInProgress: bigint;
  ioTimeMs: bigint;
  ioTimeWeightedMs: bigint;
  discardCompleted: bigint;
  discardMerged: bigint;
  discardSectors: bigint;
  discardTimeMs: bigint;
}

/** Cluster-wide etcd membership shared by control-plane nodes. */
export interface EtcdMemberInfo {
  id: bigint;
  hostname: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

function service(id: string, state: string, msg: string, ts: Date, healthy?: boolean): SimService {
  return {
    id,
    state,
    health: healthy === undefined
      ? { unknown: true, healthy: false, lastMessage: "" }
      : { unknown: false, healthy, lastMessage: "", lastChange: ts },
    events: [
      { msg: "Starting service", state: "Preparing", ts: new Date(ts.getTime() - 2000) },
      { msg, state, ts },
    ],
  };
}

let memberSeq = 0x1a2b3c4d5e6f7000n;

/** A node with plausible defaults; `opts` overrides fields. */
export function simNode(address: string, opts: Partial<SimNode> = {}, now = new Date()): SimNode {
  const cp = opts.controlPlane ?? true;
  const at = new Date(now.getTime() - 3600_000);
  const services = [
    service("apid", "Running", "Health check successful", at, true),
    service("containerd", "Running", "Health check successful", at, true),
    service("cri", "Running", "Health check successful", at, true),
    ...(cp ? [service("etcd", "Running", "Health check successful", at, true)] : []),
    service("kubelet", "Running", "Health check successful", at, true),
    service("machined", "Running", "Service started as goroutine", at),
    ...(cp ? [service("trustd", "Running", "Health check successful", at, true)] : []),
    service("udevd", "Running", `Process Process(["/sbin/udevd"]) started with PID 1`, at),
  ];
  const hostname = opts.hostname ?? `talos-${address.replace(/[.:]/g, "-")}`;
  memberSeq += 0x1111n;
  return {
    address,
    hostname,
    controlPlane: cp,
    version: {
      tag: "v1.5.5",
      sha: "ad7361c7",
      built: "",
      goVersion: "go1.20.10",
      os: "linux",
      arch: "amd64",
    },
    platform: { name: "metal", mode: "metal" },
    rbac: true,
    services,
    logs: new Map([
      ["apid", `${address}: apid started\nlistening on :50000\n`],
      ["machined", "[talos] task startAllServices (1/1): done\n"],
    ]),
    dmesg: [
      "kern:    info: [2024-01-01T00:00:00.000000Z]: Linux version 6.1.58-talos\n",
      "kern:  notice: [2024-01-01T00:00:00.100000Z]: Command line: talos.platform=metal\n",
    ],
    etcd: cp
      ? {
        memberId: memberSeq,
        snapshot: { size: 64 * 512 + 32 },
        status: {
          protocolVersion: "3.5.0",
          storageVersion: "3.5.0",
          dbSize: 20_971_520n,
          dbSizeInUse: 10_485_760n,
          leader: memberSeq,
          raftIndex: 1000n,
          raftTerm: 2n,
          raftAppliedIndex: 1000n,
          errors: [],
          isLearner: false,
        },
      }
      : undefined,
    faults: {},
    extra: {},
    followers: new Set(),
    ...opts,
  };
}

/** Appends log text to a service log and wakes followers. */
export function appendLog(node: SimNode, id: string, text: string): void {
  node.logs.set(id, (node.logs.get(id) ?? "") + text);
  for (const f of node.followers) f("log", id, text);
}

/** Appends a kernel record and wakes followers. */
export function appendDmesg(node: SimNode, record: string): void {
  node.dmesg.push(record);
  for (const f of node.followers) f("dmesg", "", record);
}
