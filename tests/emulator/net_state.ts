// What a simulated node holds for the network, disk, image and META commands (netstat, pcap,
// wipe, image, meta): created with plausible defaults on first use (`netState(node)`), and
// adjustable by tests before a call.

import type { SimNode } from "./node.ts";

/** A socket as machined's netstat reports it (ConnectRecord fields). */
export interface SimSocket {
  l4proto: string;
  localip: string;
  localport: number;
  remoteip: string;
  remoteport: number;
  /** ConnectRecord.State: 1 ESTABLISHED, 7 CLOSE (udp/raw), 10 LISTEN, ... */
  state: number;
  txqueue?: bigint;
  rxqueue?: bigint;
  /** TimerActive: 0 off, 1 on, 2 keepalive, 3 timewait, 4 probe. */
  tr?: number;
  timerwhen?: bigint;
  retrnsmt?: bigint;
  uid?: number;
  timeout?: bigint;
  inode?: bigint;
  process?: { pid: number; name: string };
  /** Network namespace ("" = the host's). */
  netns?: string;
}

/** A captured frame: bytes as on the wire (Ethernet or raw IP, per the interface). */
export interface SimPacket {
  /** Capture time in microseconds since the epoch. */
  tsMicros: bigint;
  data: Uint8Array;
  /** Length on the wire when the capture is shorter. */
  origLen?: number;
}

export interface SimInterface {
  /** ether (Ethernet frames), none (raw IP, e.g. wireguard/kubespan), other (unsupported). */
  link: "ether" | "none" | "other";
  /** Packets already captured when the capture starts: a list or a lazy source. */
  packets: SimPacket[] | (() => Iterable<SimPacket>);
  /** The capture ends after these packets (as if the node closed it) instead of waiting. */
  finite?: boolean;
}

export interface SimBlockDevice {
  id: string;
  type: "disk" | "partition" | "dm";
  /** For partitions: the disk. */
  parent?: string;
  readonly?: boolean;
  cdrom?: boolean;
  /** A volume that uses the device (wipes fail unless the volume check is skipped). */
  volume?: string;
}

export interface SimWipe {
  device: string;
  /** FAST or ZEROES. */
  method: string;
  dropPartition: boolean;
}

export interface SimImage {
  name: string;
  digest: string;
  size: bigint;
  created: Date;
  labels?: Record<string, string>;
}

export interface SimDependencyEdge {
  controllerName: string;
  /** 0 OUTPUT_EXCLUSIVE, 1 INPUT_STRONG, 2 INPUT_WEAK, 3 OUTPUT_SHARED, 4 INPUT_DESTROY_READY */
  edgeType: number;
  resourceNamespace: string;
  resourceType: string;
  resourceId?: string;
}

export interface NetState {
  sockets: SimSocket[];
  interfaces: Map<string, SimInterface>;
  blockDevices: SimBlockDevice[];
  wipes: SimWipe[];
  /** Images per containerd instance: "cri", "system", "inmem". */
  images: Record<string, SimImage[]>;
  /** Talos before 1.13 has no ImageService: its calls are Unimplemented. */
  legacyImages: boolean;
  meta: Map<number, Uint8Array>;
  /** Controller runtime dependency edges (inspect dependencies). */
  dependencies: SimDependencyEdge[];
  /** LVM volume groups and their logical volumes; physical volumes by device. */
  lvm: { groups: Map<string, string[]>; physical: Set<string> };
  /** MD arrays by device path. */
  md: Set<string>;
}

const states = new WeakMap<SimNode, NetState>();

/** A node's network/disk/image state, with defaults on first use. */
export function netState(node: SimNode): NetState {
  let s = states.get(node);
  if (!s) {
    s = defaults(node);
    states.set(node, s);
  }
  return s;
}

function defaults(node: SimNode): NetState {
  const ip = node.address.includes(":") ? "10.5.0.2" : node.address;
  const sockets: SimSocket[] = [
    listen("tcp", "0.0.0.0", 50000, 1101n, { pid: 1400, name: "apid" }),
    ...(node.controlPlane
      ? [
        listen("tcp", "0.0.0.0", 50001, 1102n, { pid: 1401, name: "trustd" }),
        listen("tcp", ip, 2379, 1201n, { pid: 2100, name: "etcd" }),
        listen("tcp", ip, 2380, 1202n, { pid: 2100, name: "etcd" }),
      ]
      : []),
    listen("tcp6", "::", 10250, 1301n, { pid: 1800, name: "kubelet" }),
    {
      l4proto: "tcp",
      localip: ip,
      localport: 50000,
      remoteip: "10.5.0.1",
      remoteport: 41234,
      state: 1,
      tr: 2,
      timerwhen: 1432n,
      uid: 0,
      inode: 2101n,
      process: { pid: 1400, name: "apid" },
    },
    {
      l4proto: "udp",
      localip: "0.0.0.0",
      localport: 123,
      remoteip: "0.0.0.0",
      remoteport: 0,
      state: 7,
      uid: 0,
      inode: 1401n,
      process: { pid: 1, name: "machined" },
    },
  ];
  return {
    sockets,
    interfaces: new Map([
      ["eth0", { link: "ether", packets: [] }],
      ["lo", { link: "ether", packets: [] }],
      ["kubespan", { link: "none", packets: [] }],
    ]),
    blockDevices: [
      { id: "sda", type: "disk" },
      { id: "sda1", type: "partition", parent: "sda", volume: "EFI" },
      { id: "sda4", type: "partition", parent: "sda", volume: "STATE" },
      { id: "sdb", type: "disk" },
      { id: "sdb1", type: "partition", parent: "sdb" },
      { id: "sr0", type: "disk", readonly: true, cdrom: true },
      { id: "dm-0", type: "dm" },
    ],
    wipes: [],
    images: {
      cri: [
        image("registry.k8s.io/pause:3.10", "a9c5", 320_368n, {
          "io.cri-containerd.pinned": "pinned",
        }),
        image("ghcr.io/siderolabs/kubelet:v1.31.2", "b7e1", 87_500_000n, {}),
      ],
      system: [image("gcr.io/etcd-development/etcd:v3.5.16", "c3d2", 21_300_000n, {})],
      inmem: [],
    },
    legacyImages: false,
    meta: new Map(),
    // Controllers and types the COSI seed (cosi_seed.ts) has resources of, with its owners.
    dependencies: [
      edge("network.LinkStatusController", 0, "network", "LinkStatuses.net.talos.dev"),
      edge("network.AddressStatusController", 0, "network", "AddressStatuses.net.talos.dev"),
      edge("network.AddressStatusController", 2, "network", "LinkStatuses.net.talos.dev", "eth0"),
      edge("network.RouteStatusController", 0, "network", "RouteStatuses.net.talos.dev"),
      edge("network.RouteStatusController", 1, "network", "LinkStatuses.net.talos.dev"),
      edge("network.RouteStatusController", 4, "network", "AddressStatuses.net.talos.dev"),
    ],
    lvm: { groups: new Map([["vg0", ["lv0", "lv1"]]]), physical: new Set(["/dev/sdc1"]) },
    md: new Set(["/dev/md127"]),
  };
}

function listen(
  proto: string,
  ip: string,
  port: number,
  inode: bigint,
  process: { pid: number; name: string },
): SimSocket {
  const any = proto.endsWith("6") ? "::" : "0.0.0.0";
  return {
    l4proto: proto,
    localip: ip,
    localport: port,
    remoteip: any,
    remoteport: 0,
    state: 10,
    uid: 0,
    inode,
    process,
  };
}

function image(
  name: string,
  tag: string,
  size: bigint,
  labels: Record<string, string>,
): SimImage {
  return {
    name,
    digest: `sha256:${tag.repeat(16)}`,
    size,
    created: new Date("2024-05-01T10:00:00Z"),
    labels,
  };
}

function edge(
  controllerName: string,
  edgeType: number,
  resourceNamespace: string,
  resourceType: string,
  resourceId?: string,
): SimDependencyEdge {
  return { controllerName, edgeType, resourceNamespace, resourceType, resourceId };
}
