// Checks of the block-device documents (VolumeConfig, UserVolumeConfig, RawVolumeConfig,
// ExistingVolumeConfig, ExternalVolumeConfig, SwapVolumeConfig, ZswapConfig, filesystem trim and
// scrub), each kind's own Validate upstream. Errors are joined as Go's errors.Join joins them.

import type { Value, ValueMap } from "../schema.ts";
import { parseGoDuration } from "../go_format.ts";
import { parseBlockSize, type ParsedSize } from "./goparse.ts";
import { arr, asMap, type Findings, map, str } from "./values.ts";
import { celError } from "./cel.ts";

/** A kind's errors and warnings (the same shape as the legacy document's Findings). */
export type KindFindings = Findings;

export type KindCheck = (d: ValueMap) => KindFindings;

const present = (v: Value | undefined, key: string): boolean => {
  const m = v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  return m !== undefined && m[key] !== undefined && m[key] !== null;
};

const isZeroSection = (v: ValueMap | undefined): boolean =>
  v === undefined || Object.values(v).every((x) => x === null || x === undefined);

/** ProvisioningSpec.IsZero (also ProvisioningRequested negated). */
const provisioningIsZero = (p: ValueMap | undefined): boolean =>
  !present(p, "grow") && str(p, "minSize") === "" && str(p, "maxSize") === "" &&
  str(map(p, "diskSelector"), "match") === "";

/** EncryptionSpec.IsZero: no provider and no keys. */
const encryptionIsZero = (e: ValueMap | undefined): boolean =>
  (str(e, "provider") === "" || str(e, "provider") === "none") && arr(e, "keys").length === 0;

const NAME_CHARS = /^[A-Za-z0-9-]*$/;
const PARTITION_LABEL_LENGTH = 36;

/** Name rules shared by the user-facing volume kinds (prefix = partition label prefix). */
function volumeName(name: string, errs: string[], prefixLen: number | null): void {
  if (name === "") errs.push("name is required");
  if (prefixLen !== null) {
    const max = PARTITION_LABEL_LENGTH - prefixLen;
    if (name.length < 1 || name.length > max) {
      errs.push(`name must be between 1 and ${max} characters long`);
    }
  }
  if (!NAME_CHARS.test(name)) {
    errs.push("name can only contain lowercase and uppercase ASCII letters, digits, and hyphens");
  }
}

function size(text: string, percent: boolean): ParsedSize | null {
  if (text === "") return null;
  const r = parseBlockSize(text, percent);
  return "error" in r ? null : r;
}

/** ProvisioningSpec.Validate(required, sizeSupported). */
function provisioning(p: ValueMap | undefined, required: boolean, sizes: boolean): string[] {
  const errs: string[] = [];
  const match = str(map(p, "diskSelector"), "match");
  const celErr = match === "" ? null : celError(match, "disk");
  if (celErr) errs.push(`disk selector is invalid: ${celErr}`);
  if (match === "" && required) errs.push("disk selector is required");
  const min = size(str(p, "minSize"), false);
  const max = size(str(p, "maxSize"), true);
  if (sizes) {
    if (min && max && !max.relative && !max.negative) {
      if (min.value > max.value) errs.push("min size is greater than max size");
    } else if (required && !min && !max) {
      errs.push("min size or max size is required");
    }
    if (min?.negative) errs.push("min size cannot be negative");
  } else if (min || max || present(p, "grow")) {
    errs.push("min size, max size and grow are not supported");
  }
  return errs;
}

/** EncryptionSpec.Validate. */
function encryption(e: ValueMap | undefined): string[] {
  const provider = str(e, "provider");
  const keys = arr(e, "keys");
  if (encryptionIsZero(e)) return [];
  const errs: string[] = [];
  if (provider !== "luks2") errs.push(`unsupported encryption provider: ${provider || "none"}`);
  if (keys.length === 0) errs.push("encryption keys are required");
  const slots = new Set<number>();
  for (const k of keys) {
    const slot = typeof asMap(k)?.slot === "number" ? (asMap(k)!.slot as number) : 0;
    if (slots.has(slot)) errs.push(`duplicate key slot ${slot}`);
    slots.add(slot);
    if (!["static", "nodeID", "kms", "tpm"].some((t) => present(k, t))) {
      errs.push(`at least one encryption key type must be specified for slot ${slot}`);
    }
    for (const pcr of arr(map(map(k, "tpm"), "options"), "pcrs")) {
      if (typeof pcr === "number" && (pcr < 0 || pcr > 23)) {
        errs.push(`TPM PCR ${pcr} is out of range (0-23)`);
      }
    }
  }
  return errs;
}

function durationNs(v: Value | undefined): bigint {
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (typeof v !== "string" || v === "") return 0n;
  return parseGoDuration(v) ?? 0n;
}

const MIN_SCRUB_NS = 10_000_000_000n;

function trimScrub(d: ValueMap): string[] {
  const errs: string[] = [];
  const trim = map(d, "trim");
  if (trim && durationNs(trim.interval) < 0n) errs.push("trim interval cannot be negative");
  const scrub = map(d, "scrub");
  const si = scrub ? durationNs(scrub.interval) : 0n;
  if (si !== 0n && si < MIN_SCRUB_NS) errs.push("scrub interval: minimum value is 10s");
  return errs;
}

const filesystemIsZero = (fs: ValueMap | undefined): boolean =>
  (str(fs, "type") === "" || str(fs, "type") === "none") && !present(fs, "projectQuotaSupport") &&
  !present(fs, "xfs");

const FILESYSTEMS = ["", "none", "xfs", "ext4", "btrfs"];

function filesystem(fs: ValueMap | undefined): string[] {
  const type = str(fs, "type");
  if (!FILESYSTEMS.includes(type)) return [`unsupported filesystem type: ${type}`];
  const isXFS = type === "" || type === "none" || type === "xfs";
  if (fs?.projectQuotaSupport === true && !isXFS) {
    return ["project quota support is only available for xfs filesystem"];
  }
  if (present(fs, "xfs") && !isXFS) return ["xfs options are only available for xfs filesystem"];
  return [];
}

const SYSTEM_VOLUMES = ["STATE", "EPHEMERAL", "IMAGECACHE", "ETCD", "CRI", "KUBELET", "LOG"];

function volumeConfig(d: ValueMap): KindFindings {
  const name = str(d, "name");
  if (!SYSTEM_VOLUMES.includes(name)) {
    const list = SYSTEM_VOLUMES.map((v) => `"${v}"`).join(" ");
    return { warnings: [], errors: [`only [${list}] volumes are supported`] };
  }
  const errs: string[] = [];
  const prov = map(d, "provisioning");
  const mount = map(d, "mount");
  const mountSet = !isZeroSection(mount);
  switch (name) {
    case "STATE":
      if (!provisioningIsZero(prov)) {
        errs.push(`provisioning config is not allowed for the "${name}" volume`);
      }
      for (const k of arr(map(d, "encryption"), "keys")) {
        if (asMap(k)?.lockToState === true) {
          errs.push(`state-locked key is not allowed for the "${name}" volume`);
        }
      }
      if (mountSet) errs.push(`mount config is not allowed for the "${name}" volume`);
      break;
    case "IMAGECACHE":
      if (mountSet) errs.push(`mount config is not allowed for the "${name}" volume`);
      if (present(map(d, "filesystem"), "xfs")) {
        errs.push(`filesystem config is not allowed for the "${name}" volume`);
      }
      break;
    case "ETCD":
    case "CRI":
    case "KUBELET":
    case "LOG":
      if (mountSet && provisioningIsZero(prov)) {
        errs.push(
          `mount config for the "${name}" volume is only supported when it is provisioned onto a dedicated partition`,
        );
      }
  }
  errs.push(...provisioning(prov, false, true));
  errs.push(...encryption(map(d, "encryption")));
  errs.push(...trimScrub(d));
  return { warnings: [], errors: errs };
}

function userVolume(d: ValueMap): KindFindings {
  const errs: string[] = [];
  volumeName(str(d, "name"), errs, 2);
  const vtype = str(d, "volumeType") || "partition";
  const prov = map(d, "provisioning");
  switch (vtype) {
    case "directory":
      if (!provisioningIsZero(prov)) {
        errs.push("provisioning spec is invalid for volumeType directory");
      }
      if (!encryptionIsZero(map(d, "encryption"))) {
        errs.push("encryption spec is invalid for volumeType directory");
      }
      if (!filesystemIsZero(map(d, "filesystem"))) {
        errs.push("filesystem spec is invalid for volumeType directory");
      }
      if (present(map(d, "mount"), "disableAccessTime")) {
        errs.push("mount.disableAccessTime is invalid for volumeType directory");
      }
      break;
    case "disk":
    case "partition":
      errs.push(...provisioning(prov, true, vtype === "partition"));
      errs.push(...filesystem(map(d, "filesystem")));
      errs.push(...encryption(map(d, "encryption")));
      break;
    default:
      errs.push(`unsupported volume type "${vtype}"`);
  }
  errs.push(...trimScrub(d));
  return { warnings: [], errors: errs };
}

function rawOrSwap(prefixLen: number): KindCheck {
  return (d) => {
    const errs: string[] = [];
    volumeName(str(d, "name"), errs, prefixLen);
    errs.push(...provisioning(map(d, "provisioning"), true, true));
    errs.push(...encryption(map(d, "encryption")));
    return { warnings: [], errors: errs };
  };
}

function existingVolume(d: ValueMap): KindFindings {
  const errs: string[] = [];
  volumeName(str(d, "name"), errs, null);
  const match = str(map(map(d, "discovery"), "volumeSelector"), "match");
  const celErr = match === "" ? null : celError(match, "volume");
  if (celErr) errs.push(`volume selector is invalid: ${celErr}`);
  if (match === "") errs.push("volume selector is required");
  errs.push(...trimScrub(d));
  return { warnings: [], errors: errs };
}

function externalVolume(d: ValueMap): KindFindings {
  const errs: string[] = [];
  volumeName(str(d, "name"), errs, 2);
  const fsType = str(d, "filesystemType");
  if (fsType === "virtiofs") {
    const v = map(map(d, "mount"), "virtiofs");
    if (!v) errs.push("virtiofs mount spec is required");
    else if (str(v, "tag") === "") errs.push("virtiofs tag is required");
  } else {
    errs.push(`invalid filesystem type: ${fsType || "none"}`);
  }
  return { warnings: [], errors: errs };
}

export const BLOCK_CHECKS: Record<string, KindCheck> = {
  VolumeConfig: volumeConfig,
  UserVolumeConfig: userVolume,
  RawVolumeConfig: rawOrSwap(2),
  SwapVolumeConfig: rawOrSwap(2),
  ExistingVolumeConfig: existingVolume,
  ExternalVolumeConfig: externalVolume,
  ZswapConfig: (d) => {
    const p = d.maxPoolPercent;
    const bad = typeof p === "number" && (p < 0 || p > 100);
    return { warnings: [], errors: bad ? ["maxPoolPercent must be between 0 and 100"] : [] };
  },
  FilesystemTrimConfig: (d) => ({
    warnings: [],
    errors: durationNs(d.interval) < 0n ? ["interval cannot be negative"] : [],
  }),
  FilesystemScrubConfig: (d) => {
    const i = durationNs(d.interval);
    return {
      warnings: [],
      errors: i !== 0n && i < MIN_SCRUB_NS ? ["scrub interval: minimum value is 10s"] : [],
    };
  },
};
