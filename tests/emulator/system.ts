// A node's processes, memory, mounts and containers, as machined reads them from /proc and
// containerd. Defaults look like a small Talos control plane (or worker); tests edit them.

import type { SimNode } from "./node.ts";

export interface SimProcess {
  pid: number;
  ppid: number;
  state: string;
  threads: number;
  /** Seconds. */
  cpuTime: number;
  virtualMemory: bigint;
  residentMemory: bigint;
  command: string;
  executable: string;
  args: string;
  label: string;
}

export interface SimMount {
  filesystem: string;
  size: bigint;
  available: bigint;
  mountedOn: string;
}

export interface SimContainer {
  /** What the API shows as the id (containerd id, or CRI's pod/container display name). */
  id: string;
  internalId: string;
  uid: string;
  podId: string;
  name: string;
  image: string;
  pid: number;
  status: string;
  networkNamespace: string;
  /** Metrics; a container without them is left out of Stats. */
  memoryUsage?: bigint;
  cpuUsage?: bigint;
  /** Restart calls received (each is a SIGTERM). */
  restarts: number;
}

export interface SimSystem {
  processes: SimProcess[];
  /** /proc/meminfo in KiB, keyed by the API's field names (memtotal, memfree, ...). */
  meminfo: Record<string, bigint>;
  mounts: SimMount[];
  /** When set, Mounts fails with this error (a statfs failure). */
  mountsError?: string;
  /** By containerd namespace: "system" and "k8s.io". */
  containers: Record<string, SimContainer[]>;
}

const GiB = 1024n * 1024n * 1024n;
const MiB = 1024n * 1024n;

function proc(
  pid: number,
  ppid: number,
  exe: string,
  args: string,
  rssMiB: number,
  cpu: number,
  threads = 8,
): SimProcess {
  const base = exe.slice(exe.lastIndexOf("/") + 1);
  return {
    pid,
    ppid,
    state: "S",
    threads,
    cpuTime: cpu,
    virtualMemory: BigInt(rssMiB) * MiB * 4n + 123_456n,
    residentMemory: BigInt(rssMiB) * MiB + 4096n * BigInt(pid),
    command: base.slice(0, 15),
    executable: exe,
    args,
    label: "system_u:system_r:init_t:s0",
  };
}

/** A stable pod UID (a UUID-shaped hash of the pod's name), shared by its containers. */
export function podUid(podId: string): string {
  let h = 0x811c9dc5;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of podId + round) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, "0"));
  }
  const x = hex.join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${
    x.slice(20, 32)
  }`;
}

function ctr(
  id: string,
  podId: string,
  name: string,
  image: string,
  pid: number,
  status: string,
  mem?: bigint,
  cpu?: bigint,
): SimContainer {
  return {
    id,
    internalId: `${pid.toString(16).padStart(8, "0")}${"a1b2c3d4".repeat(7)}`,
    uid: podId.includes("/") ? podUid(podId) : "",
    podId,
    name,
    image,
    pid,
    status,
    networkNamespace: `/proc/${pid}/ns/net`,
    memoryUsage: mem,
    cpuUsage: cpu,
    restarts: 0,
  };
}

function defaults(node: SimNode): SimSystem {
  const cp = node.controlPlane;
  const processes = [
    proc(1, 0, "/sbin/init", "/sbin/init", 80, 120.5),
    proc(612, 1, "/sbin/udevd", "/sbin/udevd --resolve-names=never", 12, 0.75, 1),
    proc(
      700,
      1,
      "/bin/containerd",
      "/bin/containerd --address /system/run/containerd/containerd.sock",
      40,
      30.12,
    ),
    proc(812, 1, "/apid", "/apid", 35, 12.34),
    ...(cp
      ? [
        proc(820, 1, "/trustd", "/trustd", 25, 3.5),
        proc(
          950,
          700,
          "/usr/local/bin/etcd",
          "/usr/local/bin/etcd --name=" + node.hostname,
          150,
          410.99,
          14,
        ),
        proc(
          1100,
          700,
          "/usr/local/bin/kube-apiserver",
          "/usr/local/bin/kube-apiserver --allow-privileged=true",
          420,
          980.25,
          16,
        ),
      ]
      : []),
    proc(
      1010,
      700,
      "/usr/local/bin/kubelet",
      "/usr/local/bin/kubelet --config=/etc/kubernetes/kubelet.yaml",
      90,
      250.5,
      20,
    ),
    // A kernel thread: no executable, no args.
    { ...proc(2, 0, "", "", 0, 0.01, 1), command: "kthreadd", args: "", executable: "" },
  ];
  const meminfo: Record<string, bigint> = {
    memtotal: 8_153_372n,
    memfree: 5_012_468n,
    memavailable: 6_702_100n,
    buffers: 4_096n,
    cached: 1_712_340n,
    swapcached: 0n,
    active: 1_502_220n,
    inactive: 1_112_012n,
    activeanon: 850_004n,
    inactiveanon: 12_300n,
    activefile: 652_216n,
    inactivefile: 1_099_712n,
    unevictable: 30_720n,
    mlocked: 30_720n,
    swaptotal: 0n,
    swapfree: 0n,
    dirty: 128n,
    writeback: 0n,
    anonpages: 870_100n,
    mapped: 310_200n,
    shmem: 52_428n,
    slab: 160_012n,
    sreclaimable: 90_004n,
    sunreclaim: 70_008n,
    kernelstack: 9_840n,
    pagetables: 12_660n,
    nfsunstable: 0n,
    bounce: 0n,
    writebacktmp: 0n,
    commitlimit: 4_076_684n,
    committedas: 3_220_480n,
    vmalloctotal: 34_359_738_367n,
    vmallocused: 40_120n,
    vmallocchunk: 0n,
    hardwarecorrupted: 0n,
    anonhugepages: 212_992n,
    shmemhugepages: 0n,
    shmempmdmapped: 0n,
    cmatotal: 0n,
    cmafree: 0n,
    hugepagestotal: 0n,
    hugepagesfree: 0n,
    hugepagesrsvd: 0n,
    hugepagessurp: 0n,
    hugepagesize: 2_048n,
    directmap4k: 210_812n,
    directmap2m: 8_177_664n,
    directmap1g: 2_097_152n,
  };
  const mounts: SimMount[] = [
    { filesystem: "rootfs", size: 0n, available: 0n, mountedOn: "/" },
    { filesystem: "proc", size: 0n, available: 0n, mountedOn: "/proc" },
    { filesystem: "/dev/loop0", size: 78_774_272n, available: 0n, mountedOn: "/" },
    { filesystem: "tmpfs", size: 4n * GiB, available: 4n * GiB - 1_245_184n, mountedOn: "/run" },
    {
      filesystem: "/dev/sda5",
      size: 99_279_360n,
      available: 92_487_680n,
      mountedOn: "/system/state",
    },
    { filesystem: "/dev/sda6", size: 20n * GiB, available: 16_106_127_360n, mountedOn: "/var" },
  ];
  const system: SimContainer[] = [
    ctr(
      "apid",
      "apid",
      "apid",
      "ghcr.io/siderolabs/apid:" + node.version.tag,
      812,
      "RUNNING",
      34n * MiB,
      12_340_000_000n,
    ),
    ...(cp
      ? [
        ctr(
          "etcd",
          "etcd",
          "etcd",
          "gcr.io/etcd-development/etcd:v3.5.10",
          950,
          "RUNNING",
          150n * MiB,
          410_990_000_000n,
        ),
        ctr(
          "trustd",
          "trustd",
          "trustd",
          "ghcr.io/siderolabs/trustd:" + node.version.tag,
          820,
          "RUNNING",
          25n * MiB,
          3_500_000_000n,
        ),
      ]
      : []),
    ctr(
      "kubelet",
      "kubelet",
      "kubelet",
      "ghcr.io/siderolabs/kubelet:v1.28.3",
      1010,
      "RUNNING",
      90n * MiB,
      250_500_000_000n,
    ),
  ];
  const pod = `kube-system/kube-proxy-${node.address.replace(/\D/g, "").slice(-5)}`;
  const k8s: SimContainer[] = [
    ctr(pod, pod, pod, "registry.k8s.io/pause:3.8", 1500, "SANDBOX_READY", 1n * MiB, 40_000_000n),
    ctr(
      `${pod}:kube-proxy:5e1f0c3d2b7a`,
      pod,
      "kube-proxy",
      "registry.k8s.io/kube-proxy:v1.28.3",
      1533,
      "CONTAINER_RUNNING",
      21_458_944n,
      1_234_567_890n,
    ),
    ...(cp
      ? [
        ctr(
          `kube-system/kube-apiserver-${node.hostname}`,
          `kube-system/kube-apiserver-${node.hostname}`,
          `kube-system/kube-apiserver-${node.hostname}`,
          "registry.k8s.io/pause:3.8",
          1090,
          "SANDBOX_READY",
          1n * MiB,
          30_000_000n,
        ),
        ctr(
          `kube-system/kube-apiserver-${node.hostname}:kube-apiserver:9a8b7c6d5e4f`,
          `kube-system/kube-apiserver-${node.hostname}`,
          "kube-apiserver",
          "registry.k8s.io/kube-apiserver:v1.28.3",
          1100,
          "CONTAINER_RUNNING",
          440_401_920n,
          980_250_000_000n,
        ),
      ]
      : []),
  ];
  return { processes, meminfo, mounts, containers: { system, "k8s.io": k8s } };
}

/** The node's processes, memory, mounts and containers, made on first use. */
export function nodeSystem(node: SimNode): SimSystem {
  if (!node.system) node.system = defaults(node);
  return node.system;
}
