// Semantic checks of the legacy v1alpha1 document (machine + cluster), following upstream's
// Config.Validate: required sections, machine type vs. certificate material, CNI, install disk,
// network devices (addresses, routes, VLANs, bonds, VIPs), subnets, labels, deprecations.

import type { Value, ValueMap } from "../schema.ts";
import {
  cidrError,
  endpointURIError,
  ipOrCidrError,
  isIP,
  isPrefix,
  isSubnetOrAddress,
  parseURL,
} from "./net.ts";
import { validateAnnotations, validateLabels, validateTaints } from "./labels.ts";

export interface Findings {
  warnings: string[];
  errors: string[];
}

export interface Mode {
  name: string;
  requiresInstall: boolean;
  inContainer: boolean;
}

export const map = (v: Value | undefined, key: string): ValueMap | undefined => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return x !== null && typeof x === "object" && !Array.isArray(x) ? x : undefined;
};
export const str = (v: Value | undefined, key: string): string => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return typeof x === "string" ? x : typeof x === "number" ? String(x) : "";
};
export const arr = (v: Value | undefined, key: string): Value[] => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return Array.isArray(x) ? x : [];
};
export const bool = (v: Value | undefined, key: string): boolean | undefined => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return typeof x === "boolean" ? x : undefined;
};
const num = (v: Value | undefined, key: string): number => {
  const x = v !== null && typeof v === "object" && !Array.isArray(v) ? v[key] : undefined;
  return typeof x === "number" ? x : 0;
};
const has = (v: Value | undefined, key: string): boolean =>
  v !== null && typeof v === "object" && !Array.isArray(v) && v[key] !== undefined &&
  v[key] !== null;

/** Machine type as upstream parses it ("" and "join" are workers). */
export function machineType(cfg: ValueMap): string {
  const t = str(map(cfg, "machine"), "type");
  if (t === "" || t === "join" || t === "worker") return "worker";
  if (t === "init" || t === "controlplane") return t;
  return "unknown";
}

const PROTECTED_KUBELET_FIELDS = [
  "apiVersion",
  "authentication",
  "authorization",
  "cgroupRoot",
  "kind",
  "kubeletCgroups",
  "port",
  "protectKernelDefaults",
  "resolvConf",
  "rotateCertificates",
  "systemCgroups",
  "staticPodPath",
  "seccompDefault",
];

const DNS_NAME =
  /^([a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62}){1}(\.[a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62})*[._]?$/;

function validDNSName(name: string): boolean {
  return name !== "" && name.length - (name.match(/\./g) ?? []).length <= 255 &&
    DNS_NAME.test(name);
}

function validateCNI(cni: ValueMap | undefined, f: Findings): void {
  const name = str(cni, "name") || "flannel";
  const urls = arr(cni, "urls").map(String);
  const flannel = map(cni, "flannel");
  const extraArgs = arr(flannel, "extraArgs");
  const netpol = bool(flannel, "kubeNetworkPoliciesEnabled") === true;
  switch (name) {
    case "flannel":
      if (urls.length) f.errors.push(`"urls" field should be empty for "flannel" CNI`);
      break;
    case "none":
    case "custom":
      if (name === "none" && urls.length) {
        f.errors.push(`"urls" field should be empty for "none" CNI`);
      }
      if (name === "custom" && urls.length === 0) {
        f.warnings.push(`"urls" field should not be empty for "custom" CNI`);
      }
      if (extraArgs.length) {
        f.errors.push(`"flanneldExtraArgs" field should be empty for "${name}" CNI`);
      }
      if (netpol) {
        f.errors.push(
          `"flannelKubeNetworkPoliciesEnabled" should not be enabled for "${name}" CNI`,
        );
      }
      if (name === "custom") {
        for (const u of urls) {
          const e = endpointURIError(u);
          if (e) f.errors.push(e);
        }
      }
      break;
    default:
      f.errors.push(`cni name should be one of ["flannel", "custom", "none"]`);
  }
}

function validateCluster(cluster: ValueMap | undefined, isCP: boolean, f: Findings): void {
  if (!cluster) {
    f.errors.push("cluster instructions are required");
    return;
  }
  const cp = map(cluster, "controlPlane");
  if (cp) {
    const ep = str(cp, "endpoint");
    if (ep === "") {
      f.errors.push("cluster controlplane endpoint is required");
      return;
    }
    const e = endpointURIError(ep);
    if (e) f.errors.push(`invalid controlplane endpoint: ${e}`);
  }
  const dns = str(map(cluster, "network"), "dnsDomain");
  if (dns !== "" && !validDNSName(dns)) {
    f.errors.push(`${JSON.stringify(dns)} is not a valid DNS name`);
  }
  const ecp = map(cluster, "externalCloudProvider");
  if (ecp) {
    const manifests = arr(ecp, "manifests").map(String);
    if (bool(ecp, "enabled") !== true && manifests.length) {
      f.errors.push("external cloud provider is disabled, but manifests are provided");
    } else {
      for (const u of manifests) {
        const e = endpointURIError(u);
        if (e) {
          f.errors.push(`invalid external cloud provider manifest url ${JSON.stringify(u)}: ${e}`);
        }
      }
    }
  }
  const etcd = map(cluster, "etcd");
  if (etcd) {
    if (!isCP) f.errors.push("etcd config is only allowed on control plane machines");
    else {
      if (!map(etcd, "ca")) f.errors.push("key/cert combination should not be empty");
      if (str(etcd, "subnet") !== "" && arr(etcd, "advertisedSubnets").length) {
        f.errors.push("etcd subnet can't be set when advertised subnets are set");
      }
      const adv = arr(etcd, "advertisedSubnets").length
        ? arr(etcd, "advertisedSubnets")
        : str(etcd, "subnet") !== ""
        ? [str(etcd, "subnet")]
        : [];
      for (const c of adv.map(String)) {
        if (!isSubnetOrAddress(c.replace(/^!/, ""))) {
          f.errors.push(
            `etcd advertised subnet is not valid: ${JSON.stringify(c.replace(/^!/, ""))}`,
          );
        }
      }
      for (const c of arr(etcd, "listenSubnets").map(String)) {
        if (!isSubnetOrAddress(c.replace(/^!/, ""))) {
          f.errors.push(`etcd listen subnet is not valid: ${JSON.stringify(c.replace(/^!/, ""))}`);
        }
      }
    }
  }
  if (!isCP && str(map(cluster, "ca"), "key") !== "") {
    f.errors.push("cluster CA key is not allowed on non-controlplane nodes (.cluster.ca)");
  }
  const names = new Set<string>();
  for (const m of arr(cluster, "inlineManifests")) {
    const n = str(m, "name");
    if (n.trim() === "") f.errors.push("inline manifest name can't be empty");
    if (names.has(n)) f.errors.push(`inline manifest name ${JSON.stringify(n)} is duplicate`);
    names.add(n);
  }
  const disc = map(cluster, "discovery");
  if (disc && bool(disc, "enabled") === true) {
    const svc = map(map(disc, "registries"), "service");
    if (bool(svc, "disabled") !== true) {
      const endpoint = str(svc, "endpoint") || "https://discovery.talos.dev/";
      const u = parseURL(endpoint);
      if (typeof u === "string" || u.scheme === "") {
        f.errors.push(
          `cluster discovery service registry endpoint is invalid: parse ${
            JSON.stringify(endpoint)
          }: invalid URI for request`,
        );
      } else if (u.path !== "" && u.path !== "/") {
        f.errors.push("cluster discovery service path should be empty");
      }
      if (str(cluster, "id") === "") {
        f.errors.push("cluster discovery service requires .cluster.id");
      }
      if (str(cluster, "secret") === "") {
        f.errors.push("cluster discovery service requires .cluster.secret");
      }
    }
  }
  const e = [
    apiServerError(map(cluster, "apiServer")),
    resourcesError(map(map(cluster, "controllerManager"), "resources"), "controller-manager"),
    resourcesError(map(map(cluster, "scheduler"), "resources"), "scheduler"),
  ];
  for (const x of e) if (x) f.errors.push(x);
}

/** ResourcesConfig.Validate: only cpu and memory may be requested or limited. */
function resourcesError(res: ValueMap | undefined, component: string): string | null {
  for (const section of ["requests", "limits"]) {
    const keys = Object.keys(map(res, section) ?? {}).sort();
    const bad = keys.find((k) => k !== "cpu" && k !== "memory");
    if (bad !== undefined) {
      return `${component} resource validation failed: unsupported pod resource ${
        JSON.stringify(bad)
      }`;
    }
  }
  return null;
}

const AUTHORIZER_TYPES = ["Node", "RBAC", "Webhook"];

/** APIServerConfig.Validate: authorization config vs. flags, authorizers, resources. */
function apiServerError(api: ValueMap | undefined): string | null {
  if (!api) return null;
  const authz = api.authorizationConfig;
  if (Array.isArray(authz)) {
    for (const k of Object.keys(map(api, "extraArgs") ?? {}).sort()) {
      if (k === "authorization-mode") {
        return "authorization-mode cannot be used in conjunction with AuthorizationConfig, use eitherr AuthorizationConfig or authorization-mode";
      }
      if (k.startsWith("authorization-webhook-")) {
        return "authorization-webhook-* flags cannot be used in conjunction with AuthorizationConfig, use either AuthorizationConfig or authorization-webhook-* flags";
      }
    }
    for (const a of authz) {
      const type = str(a, "type"), name = str(a, "name");
      let e: string | null = null;
      if (type === "") e = "authorizer type must be set";
      else if (name === "") e = "authorizer name must be set";
      else if (!AUTHORIZER_TYPES.includes(type)) {
        e = `authorizer type ${type} is not allowed, allowed types are [${
          AUTHORIZER_TYPES.join(" ")
        }]`;
      }
      if (e) return `apiserver authorization config validation failed: ${e}`;
    }
  }
  return resourcesError(map(api, "resources"), "apiserver");
}

function checkDevice(d: ValueMap, secondary: Map<string, string>, f: Findings): void {
  if (bool(d, "ignore") === true) return;
  const iface = str(d, "interface");
  const sel = map(d, "deviceSelector");
  const pair = "[networking.os.device.interface], [networking.os.device.deviceSelector]";
  if (iface === "" && !sel) f.errors.push(`${pair}: required either config section to be set`);
  else if (iface !== "" && sel) f.errors.push(`${pair}: config sections are mutually exclusive`);
  if (sel && Object.keys(sel).length === 0) {
    f.errors.push(
      "[networking.os.device.deviceSelector]: config section should contain at least one field",
    );
  }
  for (const vlan of arr(d, "vlans")) {
    const id = num(vlan, "vlanId");
    const addrs = arr(vlan, "addresses").map(String);
    if (addrs.length && str(vlan, "cidr") !== "") {
      f.errors.push(
        `[networking.os.device.vlan] ${iface}.${id}: vlan can't have both .cidr and .addresses set`,
      );
    }
    if (str(vlan, "cidr") !== "") {
      const e = ipOrCidrError(str(vlan, "cidr"));
      if (e) f.errors.push(`[networking.os.device.vlan.CIDR] ${iface}.${id}: ${e}`);
    }
    for (const a of addrs) {
      const e = ipOrCidrError(a);
      if (e) f.errors.push(`[networking.os.device.vlan.addresses] ${iface}.${id}: ${e}`);
    }
  }
  // addressing
  const q = JSON.stringify(iface);
  const addrs = arr(d, "addresses").map(String);
  if (secondary.has(iface)) {
    if (bool(d, "dhcp") === true || str(d, "cidr") !== "" || addrs.length || map(d, "vip")) {
      f.errors.push(
        `[networking.os.device] ${q}: bonded/bridged interface shouldn't have any addressing methods configured`,
      );
    }
  }
  if (addrs.length && str(d, "cidr") !== "") {
    f.errors.push(
      `[networking.os.device] ${q}: interface can't have both .cidr and .addresses set`,
    );
  }
  if (str(d, "cidr") !== "") {
    const e = ipOrCidrError(str(d, "cidr"));
    if (e) f.errors.push(`[networking.os.device.CIDR] ${q}: ${e}`);
    f.warnings.push(
      `${q}: machine.network.interface.cidr is deprecated, please use machine.network.interface.addresses`,
    );
  }
  for (const a of addrs) {
    const e = ipOrCidrError(a);
    if (e) f.errors.push(`[networking.os.device.addresses] ${q}: ${e}`);
  }
  const vip = map(d, "vip");
  if (vip && !isIP(str(vip, "ip"))) {
    f.errors.push(
      `[networking.os.device.vip] failed to parse ${JSON.stringify(str(vip, "ip"))} as IP address`,
    );
  }
  // routes
  arr(d, "routes").forEach((r, i) => {
    const at = `networking.os.device.route[${i}]`;
    const network = str(r, "network"), gw = str(r, "gateway"), src = str(r, "source");
    if (network !== "" && cidrError(network)) {
      f.errors.push(`[${at}.network] ${JSON.stringify(network)}: invalid network address`);
    }
    if (gw !== "" && !isIP(gw)) {
      f.errors.push(`[${at}.gateway] ${JSON.stringify(gw)}: invalid network address`);
    }
    if (gw === "" && network === "") {
      f.errors.push(`[${at}]: either network or gateway should be set`);
    }
    if (src !== "" && !isIP(src)) {
      f.errors.push(`[${at}.source] ${JSON.stringify(src)}: invalid network address`);
    }
  });
}

function validateNetwork(network: ValueMap, f: Findings): void {
  const secondary = new Map<string, string>();
  const devices = arr(network, "interfaces").filter((d): d is ValueMap =>
    d !== null && typeof d === "object" && !Array.isArray(d)
  );
  for (const d of devices) {
    const iface = str(d, "interface");
    const bond = map(d, "bond"), bridge = map(d, "bridge");
    if (bond && bridge) {
      f.errors.push(
        `interface has both bridge and bond sections set ${
          JSON.stringify(iface)
        }: config sections are mutually exclusive`,
      );
    }
    let mine: string[] = [];
    if (bond) {
      mine = arr(bond, "interfaces").map(String);
      if (mine.length && arr(bond, "deviceSelectors").length) {
        f.errors.push(
          `interface ${
            JSON.stringify(iface)
          } has both interfaces and selectors set: config sections are mutually exclusive`,
        );
      }
    }
    if (bridge) mine = arr(bridge, "interfaces").map(String);
    for (const m of mine) {
      const other = secondary.get(m);
      if (other !== undefined && other !== iface) {
        f.errors.push(
          `interface ${JSON.stringify(m)} is declared as part of two separate links: ${
            JSON.stringify(other)
          } and ${JSON.stringify(iface)}`,
        );
      }
      secondary.set(m, iface);
    }
  }
  for (const d of devices) checkDevice(d, secondary, f);
}

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
    for (const field of PROTECTED_KUBELET_FIELDS) {
      if (Object.hasOwn(extra, field)) {
        f.errors.push(`kubelet configuration field ${JSON.stringify(field)} can't be overridden`);
      }
    }
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
  if (bool(cfg, "persist") === false) f.errors.push(".persist should be enabled");
  for (const section of ["config", "mirrors"]) {
    const m = map(map(machine, "registries"), section) ?? {};
    for (const [k, v] of Object.entries(m)) {
      if (v === null) f.errors.push(`registries.${section}[${JSON.stringify(k)}] is null`);
    }
  }
  return f;
}
