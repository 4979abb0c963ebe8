// Checks of the runtime, CRI, cluster-discovery, security and storage documents (each kind's own
// Validate upstream): EnvironmentConfig, EtcFileConfig, KernelModuleConfig, OOMConfig, Sysctl/
// SysfsConfig, UnattendedInstallConfig, WatchdogTimerConfig, CRI* and Registry* kinds,
// Discovery*Config, ImageVerificationConfig, LVM volume groups/logical volumes and RAID arrays.

import type { Value, ValueMap } from "../schema.ts";
import { parseGoDuration } from "../go_format.ts";
import { goQuote } from "../../gofmt/mod.ts";
import type { KindCheck, KindFindings } from "./kinds_block.ts";
import { base64Decode } from "./goparse.ts";
import { parseBlockSize } from "./goparse.ts";
import { celError } from "./cel.ts";
import { baseRuntimeSpecError } from "./v1alpha1_machine.ts";
import { qualifiedNameError } from "./labels.ts";
import { appendsCerts, assertValidPEMError } from "./pemcheck.ts";
import { parseURL } from "./net.ts";
import { arr, findings, has, map, str } from "./values.ts";

const keys = (v: ValueMap | undefined) => Object.keys(v ?? {}).sort();

function ns(v: Value | undefined): bigint {
  if (typeof v === "number") return BigInt(Math.trunc(v));
  if (typeof v !== "string" || v === "") return 0n;
  return parseGoDuration(v) ?? 0n;
}

const MANAGED_ETC = [
  "resolv.conf",
  "hosts",
  "machine-id",
  "extensions.yaml",
  "localtime",
  "os-release",
  "xattr.conf",
];
const MANAGED_ETC_DIRS = [
  "apparmor.d/",
  "apparmor/",
  "ca-certificates/",
  "cni/",
  "cri/",
  "iscsi/",
  "kubernetes/",
  "lvm/",
  "nvme/",
  "pki/",
  "selinux/",
  "ssl/",
];

/** filepath.IsLocal (Unix). */
function isLocal(path: string): boolean {
  if (path === "" || path.startsWith("/")) return false;
  const stack: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(part);
  }
  return true;
}

function etcFile(d: ValueMap): KindFindings {
  const name = str(d, "name");
  if (name === "") return findings(["user etc file name cannot be empty"]);
  if (!isLocal(name) || name.startsWith(".")) {
    return findings([`user etc file ${goQuote(name)} must be a local path`]);
  }
  const managed = MANAGED_ETC.includes(name) ||
    MANAGED_ETC_DIRS.some((p) => name === p.slice(0, -1) || name.startsWith(p));
  return findings(managed ? [`user etc file ${goQuote(name)} is managed by Talos`] : []);
}

/** A CEL selector/expression check wrapped as upstream wraps it. */
function expression(text: string, env: string, want: "bool" | "double", wrap: string): string[] {
  if (text === "") return [];
  const e = celError(text, env, want);
  return e ? [`${wrap}: ${e}`] : [];
}

function oom(d: ValueMap): KindFindings {
  const errs = [
    ...expression(
      str(d, "triggerExpression"),
      "oomTrigger",
      "bool",
      "OOM trigger expression is invalid",
    ),
    ...expression(
      str(d, "cgroupRankingExpression"),
      "oomScoring",
      "double",
      "OOM cgroup scoring expression is invalid",
    ),
  ];
  if (ns(d.sampleInterval) < 0n) errs.push("OOM sample interval must be longer than 0");
  return findings(errs);
}

/** The `provisioning.volumeSelector.match` checks of unattended install, LVM and RAID. */
function selector(match: string, env: string): string[] {
  if (match === "") return ["provisioning.volumeSelector.match is required"];
  const e = celError(match, env, "bool");
  return e ? [`provisioning.volumeSelector.match: ${e}`] : [];
}

function storageName(name: string, max: number): string[] {
  const errs: string[] = [];
  if (name === "") errs.push("name is required");
  if (name.length < 1 || name.length > max) {
    errs.push(`name must be between 1 and ${max} characters long`);
  }
  if (!/^[A-Za-z0-9_-]*$/.test(name)) {
    errs.push("name can only contain ASCII letters, digits, hyphens and underscores");
  }
  return errs;
}

function lvmLogicalVolume(d: ValueMap): KindFindings {
  const errs = storageName(str(d, "name"), 63);
  const type = str(d, "type").toLowerCase();
  const usesMirrors = type === "raid1" || type === "raid10";
  const usesStripes = type === "raid0" || type === "raid10";
  const shown = type === "" ? "linear" : type;
  if (typeof d.mirrors === "number") {
    if (!usesMirrors) errs.push(`mirrors is only valid for raid1/raid10, not ${shown}`);
    else if (d.mirrors < 1) errs.push("mirrors must be at least 1");
  }
  if (typeof d.stripes === "number") {
    if (!usesStripes) errs.push(`stripes is only valid for raid0/raid10, not ${shown}`);
    else if (d.stripes < 2) errs.push("stripes must be at least 2");
  }
  const prov = map(d, "provisioning");
  if (str(prov, "volumeGroup") === "") errs.push("provisioning.volumeGroup is required");
  const size = (key: string, percent: boolean) => {
    const text = str(prov, key);
    if (text === "") return null;
    const r = parseBlockSize(text, percent);
    return "error" in r ? null : r;
  };
  const max = size("maxSize", true), min = size("minSize", false);
  if (str(prov, "maxSize") === "") errs.push("provisioning.maxSize is required");
  if (max?.negative) errs.push("provisioning.maxSize must not be negative");
  if (min && !max?.relative && min.value > (max?.value ?? 0)) {
    errs.push("provisioning.minSize must not exceed provisioning.maxSize");
  }
  return findings(errs);
}

function imageVerification(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const warnings: string[] = [];
  arr(d, "rules").forEach((rule, i) => {
    const image = str(rule, "image");
    if (image === "") errs.push(`rule ${i}: imagePattern must be specified`);
    const only =
      "matching only applies to the image registry and repository, not the tag or digest";
    if (image.includes("@")) warnings.push(`rule ${i}: imagePattern contains '@' but ${only}`);
    const slash = image.indexOf("/");
    if (image.includes(":") && slash >= 0 && image.slice(slash + 1).includes(":")) {
      warnings.push(`rule ${i}: imagePattern contains ':' but ${only}`);
    }
    if (slash < 0 && image !== "*" && image !== "") {
      warnings.push(
        `rule ${i}: imagePattern does not contain a '/', image references like 'nginx' are matched as 'docker.io/nginx' (normalized)`,
      );
    }
    const r = rule !== null && typeof rule === "object" && !Array.isArray(rule) ? rule : {};
    const skip = r.skip === true, deny = r.deny === true;
    const keyless = map(rule, "keyless"), publicKey = map(rule, "publicKey");
    const hasRules = has(rule, "keyless") || has(rule, "publicKey");
    if (skip && deny) errs.push(`rule ${i}: skip and deny cannot both be true`);
    if ((skip || deny) && hasRules) {
      errs.push(`rule ${i}: verifiers cannot be configured if skip or deny is true`);
    }
    if (!skip && !deny && !hasRules) {
      errs.push(`rule ${i}: at least one verifier must be configured`);
    }
    if (has(rule, "keyless") && has(rule, "publicKey")) {
      errs.push(`rule ${i}: only one of keyless or publicKey verifier can be configured`);
    }
    if (has(rule, "keyless")) {
      if (str(keyless, "issuer") === "") {
        errs.push(`rule ${i}: verifier OIDC issuer must be specified`);
      }
      if (str(keyless, "subject") === "" && str(keyless, "subjectRegex") === "") {
        errs.push(`rule ${i}: verifier subject or subjectRegex must be specified`);
      }
    }
    if (has(rule, "publicKey") && str(publicKey, "certificate") === "") {
      errs.push(`rule ${i}: verifier certificates must be specified`);
    }
  });
  return findings(errs, warnings);
}

function discoveryIdentity(d: ValueMap): KindFindings {
  if (str(d, "clusterID") === "") return findings(["clusterID is required"]);
  const secret = str(d, "clusterSecret");
  if (secret === "") return findings(["clusterSecret is required"]);
  const r = base64Decode(secret);
  if ("error" in r) {
    return findings([`invalid clusterSecret: failed to decode from base64: ${secret}; ${r.error}`]);
  }
  return findings(
    r.length === 32 ? [] : [`invalid clusterSecret: expected 32 bytes, got ${r.length}: ${secret}`],
  );
}

function discoveryService(d: ValueMap): KindFindings {
  if (str(d, "name") === "") return findings(["name is required"]);
  const raw = str(d, "endpoint");
  if (raw === "") return findings(["endpoint is required"]);
  const u = parseURL(raw);
  if (typeof u === "string") return findings([]);
  if (u.scheme === "") return findings(["endpoint scheme is required"]);
  if (!["http", "https", "grpc"].includes(u.scheme)) {
    return findings(["endpoint scheme must be http://, https:// or grpc://"]);
  }
  return findings(u.hostname === "" ? ["endpoint host is required"] : []);
}

function registryTLS(d: ValueMap): KindFindings {
  const errs: string[] = [];
  if (str(d, "name") === "") errs.push("name must be specified");
  const ca = str(d, "ca");
  if (ca !== "" && !appendsCerts(ca)) errs.push("ca must be a valid PEM-encoded certificate");
  const id = map(d, "clientIdentity");
  if (id) {
    const cert = str(id, "cert"), key = str(id, "key");
    let e: string | null = null;
    if (cert === "") e = "certificate is required";
    else if (key === "") e = "key is required";
    else {
      const ce = assertValidPEMError(cert, "CERTIFICATE");
      const ke = ce ? null : assertValidPEMError(key);
      e = ce ? `certificate: ${ce}` : ke ? `key: ${ke}` : null;
    }
    if (e) errs.push(`client identity: ${e}`);
  }
  return findings(errs);
}

export const RUNTIME_CHECKS: Record<string, KindCheck> = {
  EnvironmentConfig: (d) =>
    findings(
      keys(map(d, "variables")).filter((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        .map((k) => `invalid environment variable name: ${goQuote(k)}`),
    ),
  EtcFileConfig: etcFile,
  KernelModuleConfig: (d) => findings(str(d, "name") === "" ? ["name is required"] : []),
  OOMConfig: oom,
  SysctlConfig: (d) =>
    findings(keys(map(d, "params")).includes("") ? ["sysctl key cannot be empty"] : []),
  SysfsConfig: (d) =>
    findings(keys(map(d, "params")).includes("") ? ["sysfs key cannot be empty"] : []),
  UnattendedInstallConfig: (d) =>
    findings(
      selector(str(map(map(d, "provisioning"), "diskSelector"), "match"), "disk"),
      str(map(d, "installer"), "image") === ""
        ? [
          "installer.image is not set, if Talos is not booted from asset built by Image Factory, installation will fail",
        ]
        : [],
    ),
  WatchdogTimerConfig: (d) => {
    if (str(d, "device") === "") return findings(["watchdog device: empty value"]);
    const t = ns(d.timeout);
    return findings(
      t !== 0n && t < 10_000_000_000n ? ["watchdog timeout: minimum value is 10s"] : [],
    );
  },
  CRIBaseRuntimeSpecConfig: (d) => {
    const o = map(d, "overrides");
    const e = o ? baseRuntimeSpecError(o) : null;
    return findings(e ? [e] : []);
  },
  CRICustomizationConfig: (d) => {
    const errs: string[] = [];
    const name = str(d, "name");
    const e = qualifiedNameError(name);
    if (e) errs.push(`invalid name: ${e}`);
    if (name === "customization") {
      errs.push(`name ${goQuote(name)} is reserved for the legacy CRI customization`);
    }
    return findings(errs);
  },
  RegistryAuthConfig: (d) => {
    const errs: string[] = [];
    if (str(d, "name") === "") errs.push("name must be specified");
    const user = str(d, "username") !== "", token = str(d, "identityToken") !== "";
    if (user && token) {
      errs.push("only one of username/password or identityToken authentication can be specified");
    }
    if (str(d, "auth") !== "" && (user || token)) {
      errs.push(
        "only one of auth, username/password or identityToken authentication can be specified",
      );
    }
    return findings(errs);
  },
  RegistryTLSConfig: registryTLS,
  DiscoveryIdentityConfig: discoveryIdentity,
  DiscoveryServiceConfig: discoveryService,
  ImageVerificationConfig: imageVerification,
  LVMVolumeGroupConfig: (d) =>
    findings([
      ...storageName(str(d, "name"), 63),
      ...selector(str(map(map(d, "provisioning"), "volumeSelector"), "match"), "volume"),
    ]),
  LVMLogicalVolumeConfig: lvmLogicalVolume,
  RAIDArrayConfig: (d) =>
    findings([
      ...storageName(str(d, "name"), 32),
      ...selector(str(map(map(d, "provisioning"), "volumeSelector"), "match"), "volume"),
    ]),
};
