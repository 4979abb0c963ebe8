// Semantic checks of the legacy v1alpha1 document (machine + cluster), following upstream's
// Config.Validate in its order: required sections, machine type vs. certificate material, CNI,
// install disk, network devices, disks, kubelet, encryption, KubeSpan, labels, deprecations.
// The cluster section and the network devices are checked in v1alpha1_cluster.ts and
// v1alpha1_network.ts.

import type { ValueMap } from "../schema.ts";
import { isPrefix, isSubnetOrAddress } from "./net.ts";
import { validateAnnotations, validateLabels, validateTaints } from "./labels.ts";
import { validateCluster, validateCNI } from "./v1alpha1_cluster.ts";
import { validateNetwork } from "./v1alpha1_network.ts";
import { baseRuntimeSpecError, loggingErrors, sortAlgorithmError } from "./v1alpha1_machine.ts";
import { arr, bool, type Findings, has, machineType, map, type Mode, num, str } from "./values.ts";
import { protectedKubeletFieldErrors } from "./kubelet.ts";

export type { Findings, Mode } from "./values.ts";
export { machineType } from "./values.ts";

const SIZE_RE = /^(>=|<=|>|<|==)?\s*(\d+(\.\d+)?)\s*([kmgtpez]i?b?|b)?$/i;

/** Why the install disk selector cannot become a disk-match expression, or null. */
function diskSelectorError(sel: ValueMap | undefined): string | null {
  if (!sel) return null;
  const size = str(sel, "size").trim();
  if (size !== "" && !SIZE_RE.test(size)) {
    const m = /^(>=|<=|>|<|==)?(.*)$/.exec(size)!;
    return `failed to parse disk size ${m[2]}: strconv.ParseFloat: parsing "": invalid syntax`;
  }
  if (str(sel, "name") !== "") return "selector on name is not supported";
  const type = str(sel, "type");
  if (type !== "" && !["nvme", "sd", "hdd", "ssd"].includes(type)) {
    return `unsupported disk type ${JSON.stringify(type)}`;
  }
  return null;
}

/** Upstream's v1alpha1 Config.Validate, in client (local) mode. */
export function validateV1Alpha1(cfg: ValueMap, mode: Mode): Findings {
  const f: Findings = { warnings: [], errors: [] };
  const machine = map(cfg, "machine");
  if (!machine) {
    f.errors.push("machine instructions are required");
    return f;
  }
  const type = machineType(cfg);
  const isCP = type === "init" || type === "controlplane";
  if (arr(machine, "files").length) {
    f.warnings.push(".machine.files is deprecated; use dedicated configuration documents instead");
  }
  const overrides = map(machine, "baseRuntimeSpecOverrides");
  if (overrides && Object.keys(overrides).length) {
    f.warnings.push(
      ".machine.baseRuntimeSpecOverrides is deprecated; use a CRIBaseRuntimeSpecConfig document instead",
    );
  }
  validateCluster(map(cfg, "cluster"), isCP, f);
  const install = map(machine, "install");
  if (mode.requiresInstall && install) {
    const selector = map(install, "diskSelector");
    const selectorErr = diskSelectorError(selector);
    if (selectorErr) f.errors.push(`install disk selector is invalid: ${selectorErr}`);
    if (str(install, "disk") === "" && (!selector || selectorErr)) {
      f.errors.push("either install disk or diskSelector should be defined");
    }
    if (arr(install, "extraKernelArgs").length && bool(install, "grubUseUKICmdline") === true) {
      f.errors.push("install.extraKernelArgs and install.grubUseUKICmdline can't be used together");
    }
  }
  const hostDNS = map(map(machine, "features"), "hostDNS");
  if (
    hostDNS && bool(hostDNS, "forwardKubeDNSToHost") === true && bool(hostDNS, "enabled") !== true
  ) {
    f.errors.push(
      "feature hostDNS.forwardKubeDNSToHost requires hostDNS.enabled to be true (.machine.features.hostDNS)",
    );
  }
  const rawType = str(machine, "type");
  if (type !== "unknown" && type !== rawType) {
    f.warnings.push(
      `use ${JSON.stringify(type)} instead of ${JSON.stringify(rawType)} for machine type`,
    );
  }
  const ca = map(machine, "ca");
  const accepted = arr(machine, "acceptedCAs");
  if (!ca && accepted.length === 0) {
    f.errors.push(
      "issuing CA or some accepted CAs are required (.machine.ca, machine.acceptedCAs)",
    );
  }
  const cluster = map(cfg, "cluster");
  if (isCP) {
    if (cluster && map(cluster, "network")) {
      validateCNI(map(map(cluster, "network"), "cni"), f);
    }
    if (!ca) f.errors.push("issuing CA is required (.machine.ca)");
    else if (str(ca, "key") === "") {
      f.errors.push("issuing CA key is required for controlplane nodes (.machine.ca.key)");
    }
  } else if (type === "worker") {
    for (const d of arr(map(machine, "network"), "interfaces")) {
      if (map(d, "vip")) {
        f.errors.push("virtual (shared) IP is not allowed on non-controlplane nodes");
      }
      for (const v of arr(d, "vlans")) {
        if (map(v, "vip")) {
          f.errors.push("virtual (shared) IP is not allowed on non-controlplane nodes");
        }
      }
    }
    if (ca) {
      if (str(ca, "key") !== "") {
        f.errors.push(
          "issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)",
        );
      }
      if (str(ca, "crt") === "" && accepted.length === 0) {
        f.errors.push(
          "trusted CA certificates are required on non-controlplane nodes (.machine.ca.crt, .machine.acceptedCAs)",
        );
      }
    }
    if (cluster && str(map(cluster, "ca"), "key") !== "") {
      f.errors.push(
        "issuing Kubernetes API CA key is not allowed on non-controlplane nodes (.cluster.ca)",
      );
    }
  } else {
    f.errors.push(`unknown machine type ${JSON.stringify(rawType)}`);
  }
  const network = map(machine, "network");
  if (network) {
    validateNetwork(network, f);
    const ks = map(network, "kubespan");
    if (ks && bool(ks, "enabled") === true && has(ks, "mtu") && num(ks, "mtu") < 1280) {
      f.errors.push("kubespan link MTU must be at least 1280");
    }
  }
  arr(machine, "disks").forEach((disk, i) => {
    if (disk === null) {
      f.errors.push(`machine.disks[${i}] is null`);
      return;
    }
    const parts = arr(disk, "partitions");
    parts.forEach((p, j) => {
      if (num(p, "size") === 0 && !str(p, "size") && j !== parts.length - 1) {
        f.errors.push(
          `partition for disk ${
            JSON.stringify(str(disk, "device"))
          } is set to occupy full disk, but it's not the last partition in the list`,
        );
      }
    });
  });
  const kubelet = map(machine, "kubelet");
  if (kubelet) {
    for (const c of arr(map(kubelet, "nodeIP"), "validSubnets").map(String)) {
      const s = c.replace(/^!/, "");
      if (!isSubnetOrAddress(s)) {
        f.errors.push(`kubelet nodeIP subnet is not valid: ${JSON.stringify(s)}`);
      }
    }
    const extra = map(kubelet, "extraConfig") ?? {};
    f.errors.push(...protectedKubeletFieldErrors(extra));
  }
  const enc = map(machine, "systemDiskEncryption");
  for (const label of ["EPHEMERAL", "STATE"]) {
    const e = map(enc, label.toLowerCase());
    if (!e) continue;
    const keys = arr(e, "keys");
    if (keys.length === 0) {
      f.errors.push(`partition ${JSON.stringify(label)}: no encryption keys provided`);
    }
    const slots = new Set<number>();
    for (const k of keys) {
      const slot = num(k, "slot");
      if (slots.has(slot)) {
        f.errors.push(
          `partition ${JSON.stringify(label)}: encryption key slot ${slot} is already in use`,
        );
      }
      slots.add(slot);
      if (!has(k, "nodeID") && !has(k, "static") && !has(k, "kms") && !has(k, "tpm")) {
        f.errors.push(
          `partition ${
            JSON.stringify(label)
          }: encryption key at slot ${slot} doesn't have the configuration parameters`,
        );
      }
    }
  }
  const ks = map(network, "kubespan");
  if (ks && bool(ks, "enabled") === true) {
    for (const c of arr(map(ks, "filters"), "endpoints").map(String)) {
      const s = c.replace(/^!/, "");
      if (!isSubnetOrAddress(s)) {
        f.errors.push(`KubeSpan endpoint filter is not valid: ${JSON.stringify(s)}`);
      }
    }
    for (const c of arr(map(ks, "filters"), "excludeAdvertisedNetworks").map(String)) {
      if (!isPrefix(c)) {
        f.errors.push(
          `KubeSpan exclude advertised networks filter is not valid: ${JSON.stringify(c)}`,
        );
      }
    }
  }
  const logging = map(machine, "logging");
  if (logging) f.errors.push(...loggingErrors(logging));
  const exts = new Set<string>();
  for (const e of arr(install, "extensions")) {
    const image = str(e, "image");
    if (exts.has(image)) f.errors.push(`duplicate system extension ${JSON.stringify(image)}`);
    exts.add(image);
  }
  if (exts.size > 0) {
    f.warnings.push(
      ".machine.install.extensions is deprecated, please see https://docs.siderolabs.com/talos/latest/platform-specific-installations/boot-assets",
    );
  }
  const labelErr = validateLabels(map(machine, "nodeLabels") ?? {});
  if (labelErr) f.errors.push(`invalid machine node labels: ${labelErr}`);
  const annErr = validateAnnotations(map(machine, "nodeAnnotations") ?? {});
  if (annErr) f.errors.push(`invalid machine node annotations: ${annErr}`);
  const taintErr = validateTaints(map(machine, "nodeTaints") ?? {});
  if (taintErr) f.errors.push(`invalid machine node taints: ${taintErr}`);
  const api = map(map(machine, "features"), "kubernetesTalosAPIAccess");
  if (api && bool(api, "enabled") === true) {
    if (!isCP) {
      f.errors.push(
        "feature Kubernetes Talos API Access can only be enabled on control plane machines",
      );
    }
    const roles = [
      "admin",
      "operator",
      "reader",
      "etcd:backup",
      "image:verifier",
      "meta:writer",
      "impersonator",
    ]
      .map((r) => `os:${r}`);
    for (const r of arr(api, "allowedRoles").map(String)) {
      if (!roles.includes(r)) {
        f.errors.push(
          `invalid role ${JSON.stringify(r)} in allowed roles for Kubernetes Talos API Access`,
        );
      }
    }
  }
  const sortErr = sortAlgorithmError(machine);
  if (sortErr) f.errors.push(sortErr);
  if (bool(cfg, "persist") === false) f.errors.push(".persist should be enabled");
  const specErr = overrides && Object.keys(overrides).length
    ? baseRuntimeSpecError(overrides)
    : null;
  if (specErr) f.errors.push(specErr);
  for (const section of ["config", "mirrors"]) {
    const m = map(map(machine, "registries"), section) ?? {};
    for (const [k, v] of Object.entries(m)) {
      if (v === null) f.errors.push(`registries.${section}[${JSON.stringify(k)}] is null`);
    }
  }
  return f;
}
