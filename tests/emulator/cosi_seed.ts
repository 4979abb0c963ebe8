// The resources a simulated node starts with, built from its SimNode fields: the `meta`
// namespace (namespaces, resource definitions), the machine config (configured nodes only),
// cluster members, node name, hostname, links, addresses, routes, services, disks, machine status
// and version. Helpers here also keep derived resources in step (e.g. a MachineStatus update from
// lifecycle code).

import type { SimNode } from "./node.ts";
import { getResource, listResources, putResource, setMachineConfig } from "./resources.ts";
import {
  define,
  definitionSpec,
  META_NAMESPACE,
  NAMESPACE_TYPE,
  NAMESPACES,
  namespaceSpec,
  RD_TYPE,
  type TypeDecl,
  TYPES,
  yamlText,
} from "./cosi_types.ts";

export const T = {
  member: "Members.cluster.talos.dev",
  nodename: "Nodenames.kubernetes.talos.dev",
  hostname: "HostnameStatuses.net.talos.dev",
  link: "LinkStatuses.net.talos.dev",
  address: "AddressStatuses.net.talos.dev",
  route: "RouteStatuses.net.talos.dev",
  service: "Services.v1alpha1.talos.dev",
  disk: "Disks.block.talos.dev",
  machineStatus: "MachineStatuses.runtime.talos.dev",
  version: "Versions.runtime.talos.dev",
} as const;

/** Machine stages as MachineStatus spells them. */
export type MachineStage =
  | "unknown"
  | "booting"
  | "installing"
  | "maintenance"
  | "running"
  | "rebooting"
  | "shutting down"
  | "resetting"
  | "upgrading";

const goldenConfig = (type: "controlplane" | "worker") =>
  new URL(`../golden/gen_config/v1.15-${type}.yaml`, import.meta.url);
const configCache = new Map<string, string>();

/** A valid generated machine config of the node's type (a golden `gen config` output). */
export function sampleMachineConfig(controlPlane: boolean): string {
  const type = controlPlane ? "controlplane" : "worker";
  let text = configCache.get(type);
  if (text === undefined) {
    text = Deno.readTextFileSync(goldenConfig(type));
    configCache.set(type, text);
  }
  return text;
}

/** Registers a resource type on a node (adds its ResourceDefinition). */
export function registerType(node: SimNode, decl: TypeDecl, now = new Date()): void {
  const rd = define(decl);
  const spec = definitionSpec(rd);
  putResource(node, META_NAMESPACE, RD_TYPE, rd.type.toLowerCase(), spec.yaml, {
    owner: "meta",
    protoSpec: spec.proto,
  }, now);
}

/** Registers a namespace on a node. */
export function registerNamespace(
  node: SimNode,
  name: string,
  description: string,
  now = new Date(),
): void {
  const spec = namespaceSpec(description);
  putResource(node, META_NAMESPACE, NAMESPACE_TYPE, name, spec.yaml, {
    owner: "meta",
    protoSpec: spec.proto,
  }, now);
}

/** Creates or updates a resource whose spec is given as a value (encoded as Go's YAML). */
export function putSpec(
  node: SimNode,
  ns: string,
  type: string,
  id: string,
  spec: unknown,
  meta: Parameters<typeof putResource>[5] = {},
  now = new Date(),
): void {
  putResource(node, ns, type, id, yamlText(spec), meta, now);
}

/** Sets the node's MachineStatus (stage, readiness, unmet conditions). */
export function setMachineStatus(
  node: SimNode,
  stage: MachineStage,
  ready: boolean,
  unmetConditions: { name: string; reason: string }[] = [],
  now = new Date(),
): void {
  putSpec(
    node,
    "runtime",
    T.machineStatus,
    "machine",
    {
      stage,
      status: { ready, unmetConditions },
    },
    { owner: "runtime.MachineStatusController" },
    now,
  );
}

/** Mirrors the node's `services` into Service resources (after a test changed them). */
export function syncServices(node: SimNode, now = new Date()): void {
  for (const s of node.services) {
    const spec = yamlText({
      running: s.state === "Running",
      healthy: s.health.healthy,
      unknown: s.health.unknown,
    });
    const cur = getResource(node, "runtime", T.service, s.id);
    if (cur?.spec === spec) continue;
    putResource(
      node,
      "runtime",
      T.service,
      s.id,
      spec,
      { owner: "v1alpha1.ServiceController" },
      now,
    );
  }
}

function v6(address: string): boolean {
  return address.includes(":");
}

function macOf(node: SimNode): string {
  let h = 0;
  for (const c of node.address) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const b = [0x52, 0x54, 0x00, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff];
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

function nodeId(node: SimNode): string {
  const abc = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let h = 7;
  let out = "";
  for (let i = 0; i < 43; i++) {
    h = (h * 131 + node.address.charCodeAt(i % node.address.length) + i) >>> 0;
    out += abc[h % abc.length];
  }
  return out;
}

function seedNetwork(node: SimNode, now: Date): void {
  const mac = macOf(node);
  const ns = "network";
  const link = (index: number, type: string, hw: string, extra: Record<string, unknown>) => ({
    index,
    type,
    linkIndex: 0,
    flags: "UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP",
    hardwareAddr: hw,
    permanentAddr: hw,
    broadcastAddr: type === "loopback" ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff",
    ...extra,
  });
  const owner = { owner: "network.LinkStatusController" };
  putSpec(
    node,
    ns,
    T.link,
    "eth0",
    link(2, "ether", mac, {
      mtu: 1500,
      queueDisc: "pfifo_fast",
      operationalState: "up",
      kind: "",
      slaveKind: "",
      busPath: "0000:00:03.0",
      driver: "virtio_net",
      linkState: true,
      speedMbit: 4294967295,
      port: "Other",
      duplex: "Unknown",
    }),
    owner,
    now,
  );
  putSpec(
    node,
    ns,
    T.link,
    "lo",
    {
      ...link(1, "loopback", "00:00:00:00:00:00", {}),
      flags: "UP,LOOPBACK,RUNNING,LOWER_UP",
      mtu: 65536,
      queueDisc: "noqueue",
      operationalState: "unknown",
      kind: "",
      slaveKind: "",
      linkState: false,
      port: "Other",
      duplex: "Unknown",
    },
    owner,
    now,
  );

  const family6 = v6(node.address);
  const prefix = family6 ? `${node.address}/64` : `${node.address}/24`;
  const addrOwner = { owner: "network.AddressStatusController" };
  const addr = (address: string, index: number, linkName: string, family: string, scope: string) =>
    putSpec(
      node,
      ns,
      T.address,
      `${linkName}/${address}`,
      {
        address,
        local: address.replace(/\/\d+$/, ""),
        linkIndex: index,
        linkName,
        family,
        scope,
        flags: "permanent",
        priority: 0,
      },
      addrOwner,
      now,
    );
  addr(prefix, 2, "eth0", family6 ? "inet6" : "inet4", "global");
  addr("127.0.0.1/8", 1, "lo", "inet4", "host");
  addr("::1/128", 1, "lo", "inet6", "host");

  const fam = family6 ? "inet6" : "inet4";
  const gw = family6
    ? node.address.replace(/:[0-9a-f]*$/i, ":1")
    : node.address.replace(/\.\d+$/, ".1");
  const net = family6 ? prefix : node.address.replace(/\.\d+$/, ".0/24");
  // Route ids as Talos builds them: [link/ for IPv6]family/gateway/destination/priority.
  const routeId = (gateway: string, dst: string) =>
    `${family6 ? "eth0/" : ""}${fam}/${gateway}/${dst}/1024`;
  const route = (gateway: string, dst: string, scope: string, protocol: string) =>
    putSpec(
      node,
      ns,
      T.route,
      routeId(gateway, dst),
      {
        family: fam,
        dst,
        src: node.address,
        gateway,
        outLinkIndex: 2,
        outLinkName: "eth0",
        table: "main",
        priority: 1024,
        scope,
        type: "unicast",
        flags: "",
        protocol,
      },
      { owner: "network.RouteStatusController" },
      now,
    );
  route(gw, "", "global", "static");
  route("", net, "link", "kernel");

  putSpec(node, ns, T.hostname, "hostname", { hostname: node.hostname, domainname: "" }, {
    owner: "network.HostnameStatusController",
  }, now);
}

function seedDisks(node: SimNode, now: Date): void {
  putSpec(
    node,
    "runtime",
    T.disk,
    "vda",
    {
      dev_path: "/dev/vda",
      size: 10737418240,
      pretty_size: "11 GB",
      io_size: 512,
      sector_size: 512,
      readonly: false,
      cdrom: false,
      modalias: "virtio:d00000002v00001AF4",
      bus_path: "/pci0000:00/0000:00:06.0/virtio2",
      sub_system: "/sys/class/block",
      transport: "virtio",
      rotational: true,
      symlinks: [
        "/dev/disk/by-diskseq/1",
        "/dev/disk/by-path/pci-0000:00:06.0",
        "/dev/disk/by-path/virtio-pci-0000:00:06.0",
      ],
    },
    { owner: "block.DisksController" },
    now,
  );
  putSpec(
    node,
    "runtime",
    T.disk,
    "loop0",
    {
      dev_path: "/dev/loop0",
      size: 77824,
      pretty_size: "78 kB",
      io_size: 512,
      sector_size: 512,
      readonly: true,
      cdrom: false,
      sub_system: "/sys/class/block",
    },
    { owner: "block.DisksController" },
    now,
  );
}

/** The node's Nodename resource (the Kubernetes node name: its hostname). */
export function putNodename(node: SimNode, now = new Date()): void {
  putSpec(
    node,
    "k8s",
    T.nodename,
    "nodename",
    {
      nodename: node.hostname,
      hostnameVersion: "2",
      skipNodeRegistration: false,
    },
    { owner: "k8s.NodenameController" },
    now,
  );
}

/** A cluster member resource for `peer` (the members every node of a cluster sees). */
export function putMember(node: SimNode, peer: SimNode, now = new Date()): void {
  putSpec(
    node,
    "cluster",
    T.member,
    peer.hostname,
    {
      nodeId: nodeId(peer),
      addresses: [peer.address],
      hostname: peer.hostname,
      machineType: peer.controlPlane ? "controlplane" : "worker",
      operatingSystem: `Talos (${peer.version.tag})`,
      ...(peer.controlPlane ? { controlPlane: { apiServerPort: 6443 } } : {}),
    },
    { owner: "cluster.MemberController" },
    now,
  );
}

export interface SeedOptions {
  /** The node runs in maintenance mode (no machine config yet). */
  maintenance?: boolean;
  /** Cluster peers listed as members (default: the node alone). */
  peers?: SimNode[];
  now?: Date;
}

/** Puts the node's starting resources in its store (a no-op if it already has definitions). */
export function seedNode(node: SimNode, opts: SeedOptions = {}): void {
  if (listResources(node, META_NAMESPACE, RD_TYPE).length > 0) return;
  // Resources date from when the node came up: when its services last changed (simNode's
  // clock), so tests that fix the clock get fixed timestamps.
  const now = opts.now ?? node.services.find((s) => s.id === "machined")?.events.at(-1)?.ts ??
    new Date(Date.now() - 3600_000);
  for (const [name, description] of NAMESPACES) registerNamespace(node, name, description, now);
  for (const decl of TYPES) registerType(node, decl, now);

  seedNetwork(node, now);
  seedDisks(node, now);
  syncServices(node, now);
  putSpec(node, "runtime", T.version, "version", { version: node.version.tag, name: "Talos" }, {
    owner: "runtime.VersionController",
  }, now);
  if (opts.maintenance) {
    setMachineStatus(node, "maintenance", true, [], now);
    return;
  }
  setMachineConfig(node, sampleMachineConfig(node.controlPlane), now);
  putNodename(node, now);
  for (const peer of opts.peers ?? [node]) putMember(node, peer, now);
  setMachineStatus(node, "running", true, [], now);
}
