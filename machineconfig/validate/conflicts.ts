// Conflicts between documents: the rules upstream applies when it assembles a config container
// (duplicate documents, kinds that exclude each other under one name, two documents configuring
// the same link) and each new-style document's check against the legacy v1alpha1 document.

import { type ConfigDocument, kindDef, type Schema, type ValueMap } from "../schema.ts";
import { LINK_KINDS } from "./kinds_network.ts";
import { arr, bool, map, str } from "./values.ts";
import { isIP } from "./net.ts";
import { parseGoDuration } from "../go_format.ts";

const EXCLUSIVE: Record<string, string[]> = {
  HCloudVIPConfig: ["Layer2VIPConfig"],
  Layer2VIPConfig: ["HCloudVIPConfig"],
  ExistingVolumeConfig: ["UserVolumeConfig"],
  UserVolumeConfig: ["ExistingVolumeConfig"],
};
for (const k of LINK_KINDS) EXCLUSIVE[k] = LINK_KINDS.filter((o) => o !== k);

/**
 * The error upstream's container constructor returns for these documents, or null. Documents are
 * checked in order, so the message names the first offending pair as upstream does.
 */
export function containerConflict(schema: Schema, docs: ConfigDocument[]): string | null {
  let legacy = false;
  const seen = new Set<string>();
  const conflicting = new Map<string, string>();
  const links = new Map<string, string>();
  for (const doc of docs) {
    if (doc.kind === "v1alpha1") {
      if (legacy) return "duplicate v1alpha1.Config";
      legacy = true;
      continue;
    }
    const def = kindDef(schema, doc.kind);
    const name = def?.nameField ? str(doc.data, def.nameField) : "";
    const id = `${doc.kind}/${name}`;
    if (seen.has(id)) return `duplicate document: ${id}`;
    seen.add(id);
    const other = conflicting.get(id);
    if (other !== undefined) return `conflicting documents: ${other} and ${id}`;
    for (const kind of EXCLUSIVE[doc.kind] ?? []) {
      const cid = `${kind}/${def?.nameField ? name : ""}`;
      if (seen.has(cid)) return `conflicting documents: ${cid} and ${id}`;
      conflicting.set(cid, id);
    }
    if (LINK_KINDS.includes(doc.kind)) {
      const claimed = [name];
      if (doc.kind === "VethConfig") claimed.push(str(map(doc.data, "peer"), "name"));
      for (const link of claimed) {
        const owner = links.get(link);
        if (owner !== undefined) {
          return `conflicting link configurations: ${owner} and ${id} both configure ${
            JSON.stringify(link)
          }`;
        }
        links.set(link, id);
      }
    }
  }
  return null;
}

const has = (v: ValueMap | undefined, key: string): boolean =>
  v !== undefined && v[key] !== undefined && v[key] !== null;

type Conflict = (cfg: ValueMap, doc: ValueMap) => string | null;

const CONFLICTS: Record<string, Conflict> = {
  VolumeConfig: (cfg, d) => {
    const name = str(d, "name");
    if (name !== "STATE" && name !== "EPHEMERAL") return null;
    const enc = map(d, "encryption");
    const encSet = (str(enc, "provider") !== "" && str(enc, "provider") !== "none") ||
      arr(enc, "keys").length > 0;
    if (!encSet) return null;
    const legacy = map(map(map(cfg, "machine"), "systemDiskEncryption"), name.toLowerCase());
    return legacy
      ? `system disk encryption for ${
        JSON.stringify(name)
      } is configured in both v1alpha1.Config and VolumeConfig`
      : null;
  },
  DiscoveryIdentityConfig: (cfg) => {
    const c = map(cfg, "cluster");
    return c && (str(c, "id") !== "" || str(c, "secret") !== "")
      ? "cluster identity is already configured in .cluster.id/.cluster.secret of the v1alpha1 config"
      : null;
  },
  DiscoveryServiceConfig: (cfg) =>
    has(map(cfg, "cluster"), "discovery")
      ? "discovery service is already configured in .cluster.discovery of the v1alpha1 config"
      : null,
  CRIBaseRuntimeSpecConfig: (cfg) =>
    has(map(cfg, "machine"), "baseRuntimeSpecOverrides")
      ? "base runtime spec overrides are already set in v1alpha1 config"
      : null,
  ImageCacheConfig: (cfg) =>
    has(map(map(cfg, "machine"), "features"), "imageCache")
      ? "image cache config is already set in v1alpha1 config"
      : null,
  KubeAdmissionControlConfig: admissionConflict,
  KubeAuthorizerConfig: admissionConflict,
  KubeAggregatorCAConfig: (cfg) =>
    has(map(cfg, "cluster"), "aggregatorCA")
      ? "kube-apiserver aggregator CA is already set in v1alpha1 config (.cluster.aggregatorCA), please remove it and use the new KubeAggregatorCAConfig document instead"
      : null,
  KubeAPIServerConfig: (cfg) => {
    const c = map(cfg, "cluster");
    if (has(c, "apiServer")) {
      return "kube-apiserver config is already set in v1alpha1 config (.cluster.apiServer)";
    }
    const port = map(c, "controlPlane")?.localAPIServerPort;
    return typeof port === "number" && port !== 0
      ? "kube-apiserver API port is already set in v1alpha1 config (.cluster.controlPlane.localAPIServerPort)"
      : null;
  },
  KubeAPIServerCAConfig: (cfg) =>
    has(map(cfg, "cluster"), "ca")
      ? "kube-apiserver CA is already set in v1alpha1 config (.cluster.ca)"
      : null,
  KubeAuditPolicyConfig: (cfg) => {
    const p = map(map(map(cfg, "cluster"), "apiServer"), "auditPolicy");
    return p && Object.keys(p).length > 0
      ? "audit policy config is already set in v1alpha1 config"
      : null;
  },
  KubeClusterConfig: (cfg) => {
    const c = map(cfg, "cluster");
    if (str(c, "clusterName") !== "") {
      return "cluster name is already set in the v1alpha1 config (.cluster.clusterName). Please remove it and use only the new KubeClusterConfig document to avoid conflicts";
    }
    return has(map(c, "controlPlane"), "endpoint")
      ? "cluster endpoint is already set in the v1alpha1 config (.cluster.controlPlane.endpoint). Please remove it and use only the new KubeClusterConfig document to avoid conflicts"
      : null;
  },
  KubeControllerManagerConfig: (cfg) => {
    if (has(map(cfg, "cluster"), "controllerManager")) {
      return "kube-controller-manager config is already set in v1alpha1 config (.cluster.controllerManager)";
    }
    return has(map(map(cfg, "machine"), "controlPlane"), "controllerManager")
      ? "kube-controller-manager config is already set in v1alpha1 config (.machine.controlplane.controllerManager)"
      : null;
  },
  KubeCoreDNSConfig: (cfg) =>
    has(map(cfg, "cluster"), "coreDNS")
      ? "CoreDNS config is already set in v1alpha1 config (.cluster.coreDNS)"
      : null,
  KubeCredentialProviderConfig: (cfg) =>
    has(map(cfg, "machine"), "kubelet")
      ? "cannot use KubeCredentialProviderConfig with legacy kubelet configuration (.machine.kubelet)"
      : null,
  KubeEtcdEncryptionConfig: (cfg) => {
    const c = map(cfg, "cluster");
    return str(c, "secretboxEncryptionSecret") !== "" || str(c, "aescbcEncryptionSecret") !== ""
      ? "etcd encryption config is already set in v1alpha1 config"
      : null;
  },
  KubeFlannelCNIConfig: (cfg) =>
    has(map(cfg, "cluster"), "network")
      ? "cluster network config in v1alpha1 config (.machine.cluster.network) can't be used with KubeFlannelCNIConfig document, please remove it to avoid conflicts"
      : null,
  KubeletConfig: (cfg) =>
    has(map(cfg, "machine"), "kubelet")
      ? "kubelet config is already set in v1alpha1 config (.machine.kubelet)"
      : null,
  KubePrismConfig: (cfg) =>
    has(map(map(cfg, "machine"), "features"), "kubePrism")
      ? "KubePrism config in v1alpha1 config (.machine.features.kubePrism) can't be used with KubePrismConfig document, please remove it to avoid conflicts"
      : null,
  KubeNetworkConfig: (cfg) =>
    has(map(cfg, "cluster"), "network")
      ? "cluster network config is already set in the v1alpha1 config (.machine.cluster.network). Please remove it and use only the new KubeNetworkConfig document to avoid conflicts"
      : null,
  KubeNodeConfig: (cfg) => {
    const c = map(cfg, "cluster"), m = map(cfg, "machine"), k = map(m, "kubelet");
    const checks: [boolean, string][] = [
      [has(c, "allowSchedulingOnControlPlanes"), ".cluster.allowSchedulingOnControlPlanes"],
      [has(c, "allowSchedulingOnMasters"), ".cluster.allowSchedulingOnMasters"],
      [has(k, "skipNodeRegistration"), ".machine.kubelet.skipNodeRegistration"],
      [has(k, "registerWithFQDN"), ".machine.kubelet.registerWithFQDN"],
      [has(k, "nodeIP"), ".machine.kubelet.nodeIP"],
      [has(m, "nodeLabels"), ".machine.nodeLabels"],
      [has(m, "nodeAnnotations"), ".machine.nodeAnnotations"],
      [has(m, "nodeTaints"), ".machine.nodeTaints"],
    ];
    const hit = checks.find(([set]) => set);
    return hit ? `${hit[1]} is already set in v1alpha1 config` : null;
  },
  KubeProxyConfig: (cfg) =>
    has(map(cfg, "cluster"), "proxy")
      ? "cluster proxy config in v1alpha1 config (.machine.cluster.proxy) can't be used with KubeProxyConfig document, please remove it to avoid conflicts"
      : null,
  KubeSchedulerConfig: (cfg) => {
    if (has(map(cfg, "cluster"), "scheduler")) {
      return "kube-scheduler config is already set in v1alpha1 config (.cluster.scheduler)";
    }
    return has(map(map(cfg, "machine"), "controlPlane"), "scheduler")
      ? "kube-scheduler config is already set in v1alpha1 config (.machine.controlplane.scheduler)"
      : null;
  },
  KubeServiceAccountConfig: (cfg) =>
    has(map(cfg, "cluster"), "serviceAccount")
      ? "service account is already set in v1alpha1 config (.cluster.serviceAccount)"
      : null,
  KubeTalosAPIAccessConfig: (cfg) =>
    has(map(map(cfg, "machine"), "features"), "kubernetesTalosAPIAccess")
      ? ".machine.features.kubernetesTalosAPIAccess is already set in v1alpha1 config"
      : null,
  HostnameConfig: (cfg) => {
    const m = map(cfg, "machine");
    if (str(map(m, "network"), "hostname") !== "") {
      return "static hostname is already set in v1alpha1 config";
    }
    return bool(map(m, "features"), "stableHostname") === true
      ? "stable hostname is already set in v1alpha1 config"
      : null;
  },
  KubeSpanConfig: (cfg) =>
    has(map(map(cfg, "machine"), "network"), "kubespan")
      ? "kubespan is already configured in v1alpha1 machine.network.kubespan"
      : null,
  ResolverConfig: (cfg, d) => {
    const m = map(cfg, "machine"), n = map(m, "network");
    if (has(n, "searchDomains")) {
      return ".machine.network.searchDomains is already set in v1alpha1 config";
    }
    if (arr(n, "nameservers").some((s) => typeof s === "string" && isIP(s))) {
      return ".machine.network.nameservers is already set in v1alpha1 config";
    }
    if (bool(n, "disableSearchDomain") === true) {
      return ".machine.network.disableSearchDomain is already set in v1alpha1 config";
    }
    const hostDNS = map(d, "hostDNS");
    const hostDNSSet = hostDNS !== undefined &&
      Object.values(hostDNS).some((v) => v !== null && v !== undefined);
    return hostDNSSet && has(map(m, "features"), "hostDNS")
      ? ".machine.features.hostDNS is already set in v1alpha1 config"
      : null;
  },
  TimeSyncConfig: (cfg) => {
    const t = map(map(cfg, "machine"), "time");
    if (!t) return null;
    if (bool(t, "disabled") === true) {
      return "time sync cannot be disabled in both v1alpha1 and new-style configuration";
    }
    if (arr(t, "servers").length > 0) {
      return "time servers cannot be specified in both v1alpha1 and new-style configuration";
    }
    const bt = t.bootTimeout;
    const ns = typeof bt === "number" ? BigInt(Math.trunc(bt)) : parseGoDuration(String(bt ?? ""));
    return ns !== undefined && ns !== 0n
      ? "boot timeout cannot be specified in both v1alpha1 and new-style configuration"
      : null;
  },
  UnattendedInstallConfig: (cfg) =>
    has(map(cfg, "machine"), "install")
      ? "UnattendedInstallConfig config is incompatible with v1alpha1 config (.machine.install)"
      : null,
};

function admissionConflict(cfg: ValueMap): string | null {
  const plugins = arr(map(map(cfg, "cluster"), "apiServer"), "admissionControl");
  return plugins.length > 0
    ? "admission control plugin config is already set in v1alpha1 config"
    : null;
}

/** Each new-style document's conflicts with the legacy document, in document order. */
export function v1alpha1Conflicts(legacy: ValueMap, docs: ConfigDocument[]): string[] {
  const out: string[] = [];
  for (const doc of docs) {
    const e = CONFLICTS[doc.kind]?.(legacy, doc.data);
    if (e) out.push(e);
  }
  return out;
}
