// Emulator handlers for etcd maintenance (alarms, defragment, leave, remove-member, forfeit
// leadership, downgrades), META writes, block device wipes (and LVM/MD removals), container
// images and the controller dependency graph, following machined's semantics and error texts.

import { Code, ConnectError } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MachineService } from "../../gen/machine/machine_pb.ts";
import { ImageService } from "../../gen/machine/image_pb.ts";
import { LVMService, MDService } from "../../gen/machine/volumes_pb.ts";
import { StorageService } from "../../gen/storage/storage_pb.ts";
import { InspectService } from "../../gen/inspect/inspect_pb.ts";
import type { Emulator, NodeCall, StreamHandler, UnaryHandler } from "./server.ts";
import type { SimNode } from "./node.ts";
import { netState, type SimImage } from "./net_state.ts";
import { deleteResource, getResource } from "./resources.ts";
import { putSpec, registerType } from "./cosi_seed.ts";
import { RD_TYPE } from "./cosi_types.ts";

/** Cluster-wide etcd state the maintenance calls share (alarms live in the raft log). */
export interface EtcdClusterState {
  alarms: { memberId: bigint; alarm: number }[];
  /** Target version of a downgrade in progress. */
  downgradeTarget?: string;
  /** The cluster version etcd reports (MAJOR.MINOR.0). */
  clusterVersion: string;
}

const clusters = new WeakMap<Emulator, EtcdClusterState>();

export function etcdCluster(emu: Emulator): EtcdClusterState {
  let c = clusters.get(emu);
  if (!c) {
    c = { alarms: [], clusterVersion: "3.5.0" };
    clusters.set(emu, c);
  }
  return c;
}

/** machinehelper.CheckControlplane's answer on a worker. */
function controlPlaneOnly(node: SimNode, api: string): void {
  if (!node.controlPlane || !node.etcd) {
    throw new ConnectError(`${api} is only available on control plane nodes`, Code.Unimplemented);
  }
}

function unknown(message: string): ConnectError {
  return new ConnectError(message, Code.Unknown);
}

/** machined's validateDowngrade. */
function validateDowngrade(version: string): void {
  const invalid = (m: string) => new ConnectError(m, Code.InvalidArgument);
  if (version === "") throw invalid("version is required for etcd downgrade");
  const parts = version.split(".");
  if (parts.length !== 2) throw invalid("version should be in MAJOR.MINOR format");
  const num = (s: string) => /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
  const major = num(parts[0]), minor = num(parts[1]);
  if (Number.isNaN(major)) throw invalid("major version should be a number");
  if (Number.isNaN(minor)) throw invalid("minor version should be a number");
  if (major < 3 || (major === 3 && minor < 5)) {
    throw invalid("etcd downgrade is only supported to 3.5 and later versions");
  }
}

function setLeader(emu: Emulator, id: bigint): void {
  for (const n of emu.nodes.values()) if (n.etcd) n.etcd.status.leader = id;
}

function registerEtcd(emu: Emulator): void {
  const M = MachineService.method;
  emu.handle(M.etcdAlarmList, (_req, { node, emulator }) => {
    controlPlaneOnly(node, "etcd alarm list");
    return { messages: [{ memberAlarms: etcdCluster(emulator).alarms }] };
  });
  emu.handle(M.etcdAlarmDisarm, (_req, { node, emulator }) => {
    controlPlaneOnly(node, "etcd alarm disarm");
    const c = etcdCluster(emulator);
    const cleared = c.alarms;
    c.alarms = [];
    return { messages: [{ memberAlarms: cleared }] };
  });
  emu.handle(M.etcdDefragment, (_req, { node }) => {
    controlPlaneOnly(node, "etcd defragment");
    const st = node.etcd!.status;
    st.dbSize = st.dbSizeInUse;
    return { messages: [{}] };
  });
  emu.handle(M.etcdLeaveCluster, (_req, { node, emulator }) => {
    controlPlaneOnly(node, "etcd leave");
    // An already removed member is not an error; etcd is then stopped and its data wiped.
    emulator.etcdMembers = emulator.etcdMembers.filter((m) => m.id !== node.etcd!.memberId);
    const etcd = node.services.find((s) => s.id === "etcd");
    if (etcd) {
      etcd.state = "Finished";
      etcd.events.push({ msg: "Service finished successfully", state: "Finished", ts: new Date() });
    }
    return { messages: [{}] };
  });
  emu.handle(M.etcdRemoveMemberByID, (req, { node, emulator }) => {
    controlPlaneOnly(node, "etcd remove member");
    const id = req.memberId as bigint;
    if (!emulator.etcdMembers.some((m) => m.id === id)) {
      throw new ConnectError(
        `failed to remove member ${id}: etcdserver: member not found`,
        Code.NotFound,
      );
    }
    emulator.etcdMembers = emulator.etcdMembers.filter((m) => m.id !== id);
    return { messages: [{}] };
  });
  emu.handle(M.etcdForfeitLeadership, (_req, { node, emulator }) => {
    controlPlaneOnly(node, "etcd forfeit leadership");
    const members = emulator.etcdMembers;
    if (members.length === 1) {
      throw unknown("failed to forfeit leadership: cannot forfeit leadership, only one member");
    }
    const self = members.find((m) => m.id === node.etcd!.memberId);
    if (!self) {
      const id = node.etcd!.memberId.toString(16).padStart(16, "0");
      throw unknown(`failed to forfeit leadership: failed to find "${id}" in list of etcd members`);
    }
    if (node.etcd!.status.leader !== self.id) return { messages: [{ member: "" }] };
    const next = members.find((m) => m.id !== self.id)!;
    setLeader(emulator, next.id);
    return { messages: [{ member: next.hostname }] };
  });

  const downgrade =
    (action: "validate" | "enable") => (req: { version: string }, call: NodeCall) => {
      controlPlaneOnly(call.node, `etcd downgrade ${action}`);
      validateDowngrade(req.version);
      const c = etcdCluster(call.emulator);
      const [major, minor] = c.clusterVersion.split(".").map(Number);
      if (req.version !== `${major}.${minor - 1}`) {
        throw unknown("failed to query etcd status: etcdserver: invalid downgrade target version");
      }
      if (action === "enable") {
        if (c.downgradeTarget) {
          throw unknown(
            "failed to query etcd status: etcdserver: cluster has a downgrade job in progress",
          );
        }
        c.downgradeTarget = req.version;
      }
      return { messages: [{ clusterDowngrade: { clusterVersion: c.clusterVersion } }] };
    };
  emu.handle(M.etcdDowngradeValidate, downgrade("validate"));
  emu.handle(M.etcdDowngradeEnable, downgrade("enable"));
  emu.handle(M.etcdDowngradeCancel, (_req, { node, emulator }) => {
    controlPlaneOnly(node, "etcd downgrade cancel");
    const c = etcdCluster(emulator);
    if (!c.downgradeTarget) {
      throw unknown("failed to query etcd status: etcdserver: no inflight downgrade job");
    }
    c.downgradeTarget = undefined;
    return { messages: [{ clusterDowngrade: { clusterVersion: c.clusterVersion } }] };
  });
}

function supportsMeta(node: SimNode): void {
  if (node.platform.mode === "container") {
    throw new ConnectError("method is not supported in container mode", Code.FailedPrecondition);
  }
}

function checkKey(key: number): void {
  if (key > 255) throw new ConnectError("key must be a uint8", Code.InvalidArgument);
}

const META_KEYS = "MetaKeys.runtime.talos.dev";

/** runtime.MetaKeyTagToID */
const metaKeyId = (key: number) => `0x${key.toString(16).padStart(2, "0")}`;

/** META keys show as MetaKeys resources (`talosctl get metakeys`), as machined keeps them. */
function mirrorMeta(node: SimNode, key: number, value: Uint8Array | undefined): void {
  if (!getResource(node, "meta", RD_TYPE, META_KEYS.toLowerCase())) {
    registerType(node, {
      type: META_KEYS,
      displayType: "MetaKey",
      defaultNamespace: "runtime",
      aliases: ["meta"],
      printColumns: [{ name: "Value", jsonPath: "{.value}" }],
    });
  }
  if (value === undefined) deleteResource(node, "runtime", META_KEYS, metaKeyId(key));
  else {
    putSpec(node, "runtime", META_KEYS, metaKeyId(key), {
      value: new TextDecoder().decode(value),
    });
  }
}

function registerMeta(emu: Emulator): void {
  const M = MachineService.method;
  emu.handle(M.metaWrite, (req, { node }) => {
    supportsMeta(node);
    checkKey(req.key);
    netState(node).meta.set(req.key, req.value);
    mirrorMeta(node, req.key, req.value);
    return { messages: [{}] };
  });
  emu.handle(M.metaDelete, (req, { node }) => {
    supportsMeta(node);
    checkKey(req.key);
    if (!netState(node).meta.delete(req.key)) {
      throw new ConnectError("meta key not found", Code.NotFound);
    }
    mirrorMeta(node, req.key, undefined);
    return { messages: [{}] };
  });
}

const WIPE_METHODS = ["FAST", "ZEROES"];

function registerStorage(emu: Emulator): void {
  emu.handle(StorageService.method.blockDeviceWipe, (req, call) => {
    // Readers may wipe in maintenance mode only (the rule table lets them through for that).
    if (!call.emulator.options.maintenance && !call.roles.includes("os:admin")) {
      throw new ConnectError("not authorized", Code.PermissionDenied);
    }
    const st = netState(call.node);
    type Descriptor = {
      device: string;
      method: number;
      skipVolumeCheck: boolean;
      dropPartition: boolean;
    };
    const devices = req.devices as Descriptor[];
    for (const d of devices) {
      const dev = st.blockDevices.find((b) => b.id === d.device);
      if (!dev) {
        throw new ConnectError(`blockdevice "${d.device}" not found`, Code.NotFound);
      }
      if (dev.type !== "disk" && dev.type !== "partition") {
        throw new ConnectError(
          `blockdevice "${d.device}" is of unsupported type "${dev.type}"`,
          Code.InvalidArgument,
        );
      }
      const disk = dev.parent ? st.blockDevices.find((b) => b.id === dev.parent)! : dev;
      if (disk.readonly) {
        throw new ConnectError(`blockdevice "${d.device}" is read-only`, Code.FailedPrecondition);
      }
      if (disk.cdrom) {
        throw new ConnectError(`blockdevice "${d.device}" is a CD-ROM`, Code.FailedPrecondition);
      }
      if (!d.skipVolumeCheck) {
        // As storaged: a volume located on the device or on its parent disk, then a volume
        // on a partition of the device (the volume's parent location).
        const inUse = (dev: string, volume: string) =>
          new ConnectError(
            `blockdevice "${dev}" is in use by volume "${volume}"`,
            Code.FailedPrecondition,
          );
        for (const name of [d.device, dev.parent ?? ""]) {
          const b = st.blockDevices.find((x) => x.id === name && x.volume);
          if (name !== "" && b) throw inUse(name, b.volume!);
        }
        const child = st.blockDevices.find((b) => b.parent === d.device && b.volume);
        if (child) throw inUse(d.device, child.volume!);
      }
    }
    for (const d of devices) {
      st.wipes.push({
        device: d.device,
        method: WIPE_METHODS[d.method] ?? String(d.method),
        dropPartition: d.dropPartition,
      });
      if (d.dropPartition) st.blockDevices = st.blockDevices.filter((b) => b.id !== d.device);
    }
    return { messages: [{}] };
  });

  const maintenanceOrAdmin = (call: NodeCall) => {
    if (!call.emulator.options.maintenance && !call.roles.includes("os:admin")) {
      throw new ConnectError("not authorized", Code.PermissionDenied);
    }
  };
  emu.handle(LVMService.method.logicalVolumeRemove, (req, call) => {
    maintenanceOrAdmin(call);
    const lvs = netState(call.node).lvm.groups.get(req.volumeGroup);
    if (!lvs || !lvs.includes(req.logicalVolume)) {
      throw new ConnectError(
        `logical volume "${req.volumeGroup}/${req.logicalVolume}" not found`,
        Code.NotFound,
      );
    }
    lvs.splice(lvs.indexOf(req.logicalVolume), 1);
    return {};
  });
  emu.handle(LVMService.method.volumeGroupRemove, (req, call) => {
    maintenanceOrAdmin(call);
    if (!netState(call.node).lvm.groups.delete(req.volumeGroup)) {
      throw new ConnectError(`volume group "${req.volumeGroup}" not found`, Code.NotFound);
    }
    return {};
  });
  emu.handle(LVMService.method.physicalVolumeRemove, (req, call) => {
    maintenanceOrAdmin(call);
    if (!netState(call.node).lvm.physical.delete(req.device)) {
      throw new ConnectError(`physical volume "${req.device}" not found`, Code.NotFound);
    }
    return {};
  });
  emu.handle(MDService.method.destroy, (req, call) => {
    maintenanceOrAdmin(call);
    if (!netState(call.node).md.delete(req.device)) {
      throw new ConnectError(`md array "${req.device}" not found`, Code.NotFound);
    }
    return {};
  });
}

/** The containerd instance an ImageService request names: "cri", "system" or "inmem". */
function instanceName(containerd: { driver: number; namespace: number } | undefined): string {
  const driver = containerd?.driver ?? 0, ns = containerd?.namespace ?? 0;
  if (driver === 1 && ns === 2) return "cri";
  if (driver === 1 && ns === 1) return "system";
  if (driver === 0 && ns === 1) return "inmem";
  throw new ConnectError("unsupported containerd instance", Code.InvalidArgument);
}

function legacyNamespace(ns: number): string {
  if (ns === 2) return "cri";
  if (ns === 1) return "system";
  throw new ConnectError("unsupported namespace", Code.InvalidArgument);
}

function imageService(call: NodeCall): void {
  if (netState(call.node).legacyImages) {
    throw new ConnectError(
      "unknown service machine.ImageService",
      Code.Unimplemented,
    );
  }
}

/** Resolves a short reference as containerd does (docker.io/library, :latest). */
function normalizeRef(ref: string): string {
  let name = ref;
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  if (slash < 0 || !(first.includes(".") || first.includes(":") || first === "localhost")) {
    name = slash < 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
  }
  const last = name.slice(name.lastIndexOf("/") + 1);
  if (!last.includes(":") && !name.includes("@")) name += ":latest";
  return name;
}

function pulled(ref: string): SimImage {
  let h = 0;
  for (const c of ref) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return {
    name: normalizeRef(ref),
    digest: `sha256:${h.toString(16).padStart(8, "0").repeat(8)}`,
    size: BigInt(1_000_000 + (h % 9_000_000)),
    created: new Date("2024-05-01T10:00:00Z"),
    labels: {},
  };
}

function pull(call: NodeCall, where: string, ref: string): SimImage {
  if (ref.includes(" ") || ref === "" || ref.startsWith("invalid.")) {
    throw new ConnectError(
      `failed to pull image "${ref}": failed to resolve reference "${ref}": not found`,
      Code.Unknown,
    );
  }
  const st = netState(call.node);
  const img = pulled(ref);
  const list = st.images[where] ??= [];
  if (!list.some((i) => i.name === img.name)) list.push(img);
  return img;
}

function registerImages(emu: Emulator): void {
  const I = ImageService.method;
  emu.handle(I.list, async function* (req, call) {
    imageService(call);
    for (const img of netState(call.node).images[instanceName(req.containerd)] ?? []) {
      yield {
        name: img.name,
        digest: img.digest,
        size: img.size,
        createdAt: timestampFromDate(img.created),
        labels: img.labels ?? {},
      };
    }
  });
  // Another handler (the lifecycle one, for upgrades) may already answer pulls: keep the image
  // here and let it tell the progress, naming the image as containerd stored it.
  const prior = emu.handlers.get(`/${ImageService.typeName}/Pull`) as StreamHandler | undefined;
  emu.handle(I.pull, async function* (req, call) {
    imageService(call);
    const where = instanceName(req.containerd);
    const img = pull(call, where, req.imageRef);
    if (prior) {
      for await (const m of prior(req, call)) {
        yield m.response?.case === "name" ? { response: { case: "name", value: img.name } } : m;
      }
      return;
    }
    for (const layerId of ["sha256:1f3e", "sha256:9a0b"]) {
      yield {
        response: {
          case: "pullProgress",
          value: { layerId, progress: { status: 0, offset: 512n, total: 1024n } },
        },
      };
      yield {
        response: { case: "pullProgress", value: { layerId, progress: { status: 3 } } },
      };
    }
    yield { response: { case: "name", value: img.name } };
  });
  emu.handle(I.remove, (req, call) => {
    imageService(call);
    const st = netState(call.node);
    const where = instanceName(req.containerd);
    const list = st.images[where] ?? [];
    const name = normalizeRef(req.imageRef);
    const i = list.findIndex((x) => x.name === name);
    if (i < 0) throw new ConnectError(`image "${name}": not found`, Code.NotFound);
    list.splice(i, 1);
    return {};
  });

  const M = MachineService.method;
  emu.handle(M.imageList, async function* (req, call) {
    for (const img of netState(call.node).images[legacyNamespace(req.namespace)] ?? []) {
      yield {
        name: img.name,
        digest: img.digest,
        size: img.size,
        createdAt: timestampFromDate(img.created),
      };
    }
  });
  // The upgrade-k8s handlers record legacy pulls: keep the image here and let them answer.
  const priorPull = emu.handlers.get(`/${MachineService.typeName}/ImagePull`) as
    | UnaryHandler
    | undefined;
  emu.handle(M.imagePull, async (req, call) => {
    pull(call, legacyNamespace(req.namespace), req.reference);
    return priorPull ? await priorPull(req, call) : { messages: [{}] };
  });
}

function registerInspect(emu: Emulator): void {
  emu.handle(InspectService.method.controllerRuntimeDependencies, (_req, { node }) => ({
    messages: [{
      edges: netState(node).dependencies.map((e) => ({ ...e, resourceId: e.resourceId ?? "" })),
    }],
  }));
}

export function registerMaintenanceHandlers(emu: Emulator): void {
  registerEtcd(emu);
  registerMeta(emu);
  registerStorage(emu);
  registerImages(emu);
  registerInspect(emu);
}
