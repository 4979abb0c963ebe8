// Checks of the legacy document's cluster section (upstream's ClusterConfig.Validate, CNI,
// external cloud provider, inline manifests, discovery, etcd, control plane components).

import type { ValueMap } from "../schema.ts";
import { endpointURIError, isSubnetOrAddress, parseURL } from "./net.ts";
import { arr, bool, type Findings, map, str } from "./values.ts";

const DNS_NAME =
  /^([a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62}){1}(\.[a-zA-Z0-9_]{1}[a-zA-Z0-9_-]{0,62})*[._]?$/;

function validDNSName(name: string): boolean {
  return name !== "" && name.length - (name.match(/\./g) ?? []).length <= 255 &&
    DNS_NAME.test(name);
}

export function validateCNI(cni: ValueMap | undefined, f: Findings): void {
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

export function validateCluster(cluster: ValueMap | undefined, isCP: boolean, f: Findings): void {
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
