// Volumes for `diskfree`: each node's MountStatus and VolumeStatus resources (block.talos.dev,
// namespace runtime) and machine.StorageService/Statfs over a per-node table of filesystem
// figures. Registered after the COSI handlers, which seed the rest of the store.

import { Code, ConnectError } from "@connectrpc/connect";
import { StorageService as MachineStorageService } from "../../gen/machine/storage_pb.ts";
import type { Emulator } from "./server.ts";
import type { SimNode } from "./node.ts";
import { putSpec, registerType } from "./cosi_seed.ts";

export const MOUNT_STATUS_TYPE = "MountStatuses.block.talos.dev";
export const VOLUME_STATUS_TYPE = "VolumeStatuses.block.talos.dev";

export interface SimStatfs {
  size: bigint;
  used: bigint;
  available: bigint;
  inodes: bigint;
  inodesUsed: bigint;
  inodesFree: bigint;
}

const GiB = 1024n ** 3n;

/** The node's statfs figures by mount point (tests may change them). */
export function nodeStatfs(node: SimNode): Map<string, SimStatfs> {
  let m = node.extra.statfs as Map<string, SimStatfs> | undefined;
  if (!m) {
    m = new Map([
      ["/system/state", {
        size: 104_857_600n,
        used: 6_815_744n,
        available: 98_041_856n,
        inodes: 51_200n,
        inodesUsed: 43n,
        inodesFree: 51_157n,
      }],
      ["/var", {
        size: 20n * GiB,
        used: 5n * GiB + 123_456_789n,
        available: 15n * GiB - 123_456_789n,
        inodes: 10_485_760n,
        inodesUsed: 1_234_567n,
        inodesFree: 9_251_193n,
      }],
      ["/run", {
        size: 4n * GiB,
        used: 0n,
        available: 4n * GiB,
        inodes: 1_000_000n,
        inodesUsed: 0n,
        inodesFree: 1_000_000n,
      }],
    ]);
    node.extra.statfs = m;
  }
  return m;
}

/** A mounted volume: its MountStatus spec, as Go's YAML encoder writes it. */
function mountStatus(
  volumeID: string,
  source: string,
  target: string,
  fs: string,
  detached = false,
) {
  return {
    spec: {
      volumeID,
      parentID: "",
      readOnly: false,
      detached,
      requesters: [`${volumeID.toLowerCase()}-requester`],
      requesterIDs: [`${volumeID.toLowerCase()}-requester`],
    },
    source,
    target,
    filesystem: fs,
    readOnly: false,
    projectQuotaSupport: false,
    detached,
  };
}

function volumeStatus(phase: string, type: string, filesystem: string, location = "") {
  return { phase, type, location, filesystem };
}

/** Puts a node's default volumes (once). */
export function seedVolumes(node: SimNode, now = new Date()): void {
  registerType(node, {
    type: MOUNT_STATUS_TYPE,
    displayType: "MountStatus",
    defaultNamespace: "runtime",
    printColumns: [
      { name: "Source", jsonPath: "{.source}" },
      { name: "Target", jsonPath: "{.target}" },
      { name: "Filesystem", jsonPath: "{.filesystem}" },
      { name: "Volume", jsonPath: "{.spec.volumeID}" },
    ],
  }, now);
  registerType(node, {
    type: VOLUME_STATUS_TYPE,
    displayType: "VolumeStatus",
    defaultNamespace: "runtime",
    printColumns: [
      { name: "Type", jsonPath: "{.type}" },
      { name: "Phase", jsonPath: "{.phase}" },
      { name: "Location", jsonPath: "{.location}" },
      { name: "Size", jsonPath: "{.prettySize}" },
    ],
  }, now);
  const meta = { owner: "block.MountStatusController" };
  const mounts: [string, ReturnType<typeof mountStatus>][] = [
    ["/var/log", mountStatus("/var/log", "", "/var/log", "none")],
    ["EPHEMERAL", mountStatus("EPHEMERAL", "/dev/sda6", "/var", "xfs")],
    ["STATE", mountStatus("STATE", "/dev/sda5", "/system/state", "xfs")],
    ["run", mountStatus("run", "tmpfs", "/run", "tmpfs")],
    ["u-scratch", mountStatus("u-scratch", "/dev/sdb1", "/var/mnt/scratch", "ext4", true)],
  ];
  for (const [id, spec] of mounts) putSpec(node, "runtime", MOUNT_STATUS_TYPE, id, spec, meta, now);
  const volumes: [string, ReturnType<typeof volumeStatus>][] = [
    ["/var/log", volumeStatus("ready", "directory", "")],
    ["EPHEMERAL", volumeStatus("ready", "partition", "xfs", "/dev/sda6")],
    ["STATE", volumeStatus("ready", "partition", "xfs", "/dev/sda5")],
    ["run", volumeStatus("ready", "tmpfs", "tmpfs")],
    ["SWAP", volumeStatus("ready", "partition", "swap", "/dev/sda7")],
    ["u-pending", volumeStatus("waiting", "partition", "ext4")],
    ["u-scratch", volumeStatus("ready", "partition", "ext4", "/dev/sdb1")],
  ];
  for (const [id, spec] of volumes) {
    putSpec(node, "runtime", VOLUME_STATUS_TYPE, id, spec, {
      owner: "block.VolumeManagerController",
    }, now);
  }
}

export function registerStorageHandlers(emu: Emulator): void {
  for (const node of emu.nodes.values()) seedVolumes(node);
  emu.handle(MachineStorageService.method.statfs, (req, call) => {
    const st = nodeStatfs(call.node).get(req.path);
    if (!st) {
      throw new ConnectError(`statfs ${req.path}: no such file or directory`, Code.Unknown);
    }
    return { ...st };
  });
}
