// Checks of multi-document kinds (each kind's own Validate upstream) and of the whole config
// (container-level rules that need several documents).

import { type ConfigDocument, kindDef, type Schema, type ValueMap } from "../schema.ts";
import { isIP, parseURL } from "./net.ts";
import { BLOCK_CHECKS, type KindCheck } from "./kinds_block.ts";
import { NETWORK_CHECKS } from "./kinds_network.ts";
import { NETWORK_EXTRA_CHECKS } from "./kinds_network_extra.ts";
import { K8S_CHECKS } from "./kinds_k8s.ts";
import { RUNTIME_CHECKS } from "./kinds_runtime.ts";
import { containerConfig } from "./kinds_container.ts";
import { containerDependencyErrors, usesEncryptedDNS } from "./container_deps.ts";
import { arr, bool, map, type Mode, str } from "./values.ts";

type Check = (d: ValueMap) => string[];

function urlCheck(field: string, schemes: string[], what: string, needPort = false): Check {
  return (d) => {
    const raw = str(d, field);
    if (raw === "") return [`${field} is required`];
    const u = parseURL(raw);
    if (typeof u === "string") return [`${field} is required`];
    if (!schemes.includes(u.scheme)) return [`${field} scheme must be ${what}`];
    if (u.path !== "" && u.path !== "/") return [`${field} path must be empty`];
    if (needPort && u.port === "") return [`${field} port is required`];
    return [];
  };
}

/** ServiceConfigV1Alpha1.Validate: returns at the first problem. */
function extensionService(d: ValueMap): string[] {
  const name = str(d, "name");
  if (name === "") return ["name is required"];
  const files = arr(d, "configFiles");
  if (files.length === 0 && arr(d, "environment").length === 0) {
    return [`no config files found for extension ${JSON.stringify(name)}`];
  }
  for (const f of files) {
    if (str(f, "content") === "") {
      return [`extension content is required for extension ${JSON.stringify(name)}`];
    }
    if (str(f, "mountPath") === "") {
      return [`extension mount path is required for extension ${JSON.stringify(name)}`];
    }
  }
  return [];
}

const ERROR_ONLY: Record<string, Check> = {
  ExtensionServiceConfig: extensionService,
  SideroLinkConfig: urlCheck("apiUrl", ["https", "grpc"], "https:// or grpc://"),
  KmsgLogConfig: (d) =>
    str(d, "name") === ""
      ? ["name is required"]
      : urlCheck("url", ["tcp", "udp"], "tcp:// or udp://", true)(d),
  EventSinkConfig: (d) => {
    const ep = str(d, "endpoint");
    const m = /^(\[[^\]]*\]|[^:]*):([^:]*)$/.exec(ep);
    if (!m) {
      return [
        ep.includes(":")
          ? `event sink endpoint: address ${ep}: too many colons in address`
          : `event sink endpoint: address ${ep}: missing port in address`,
      ];
    }
    return [];
  },
  RegistryMirrorConfig: (d) => {
    const errs: string[] = [];
    if (str(d, "name") === "") errs.push("name must be specified");
    arr(d, "endpoints").forEach((ep, i) => {
      const raw = str(ep, "url");
      const u = raw === "" ? null : parseURL(raw);
      if (u === null || typeof u === "string") errs.push(`endpoints[${i}].url must be specified`);
      else if (u.scheme !== "http" && u.scheme !== "https") {
        errs.push(`endpoints[${i}].url has unsupported scheme: ${JSON.stringify(u.scheme)}`);
      }
    });
    return errs;
  },
  StaticHostConfig: (d) => {
    const errs: string[] = [];
    if (str(d, "name") === "") errs.push("name is required");
    if (!isIP(str(d, "name"))) errs.push("name must be a valid IP address");
    if (arr(d, "hostnames").length === 0) errs.push("at least one hostname is required");
    return errs;
  },
  HostnameConfig: (d) => {
    const errs: string[] = [];
    const auto = d.auto === undefined || d.auto === null ? undefined : String(d.auto);
    const hostname = str(d, "hostname");
    if (auto === undefined && hostname === "") errs.push("either 'auto' or 'hostname' must be set");
    if ((auto ?? "off") !== "off" && hostname !== "") {
      errs.push("'auto' and 'hostname' cannot be set at the same time");
    }
    if (auto !== undefined && auto !== "off" && auto !== "stable") {
      errs.push(`invalid value for 'auto': ${auto}`);
    }
    if (hostname !== "") {
      if (hostname.length > 253) errs.push(`fqdn is too long: ${hostname.length}`);
      const short = hostname.split(".")[0];
      if (short.length === 0 || short.length > 63) {
        errs.push(`invalid hostname ${JSON.stringify(short)}`);
      }
    }
    return errs;
  },
};

const CHECKS: Record<string, KindCheck> = {
  ...Object.fromEntries(
    Object.entries(ERROR_ONLY).map((
      [k, c],
    ) => [k, (d: ValueMap) => ({ warnings: [], errors: c(d) })]),
  ),
  ...BLOCK_CHECKS,
  ...NETWORK_CHECKS,
  ...NETWORK_EXTRA_CHECKS,
  ...K8S_CHECKS,
  ...RUNTIME_CHECKS,
  ContainerConfig: containerConfig,
};

const CONTROLPLANE_ONLY = new Set([
  "KubeCoreDNSConfigV1Alpha1",
  "KubeAuditPolicyConfigV1Alpha1",
  "KubeAggregatorCAConfigV1Alpha1",
  "KubeEtcdEncryptionConfigV1Alpha1",
  "KubeFlannelCNIConfigV1Alpha1",
  "KubeControllerManagerConfigV1Alpha1",
  "KubeAdmissionControlConfigV1Alpha1",
  "KubeServiceAccountConfigV1Alpha1",
  "KubeAuthenticationConfigV1Alpha1",
  "KubeAuthorizerConfigV1Alpha1",
  "KubeAPIServerConfigV1Alpha1",
  "KubeTalosAPIAccessConfigV1Alpha1",
  "KubeProxyConfigV1Alpha1",
  "KubeSchedulerConfigV1Alpha1",
]);

/** `Kind` or `Kind/name`, as upstream names a document in validation errors. */
export function docLabel(schema: Schema, doc: ConfigDocument): string {
  const def = kindDef(schema, doc.kind);
  return def?.nameField ? `${doc.kind}/${str(doc.data, def.nameField)}` : doc.kind;
}

/**
 * Per-document checks, in document order: one error entry per failing document (its errors
 * joined by newlines, as errors.Join prints them) and every document's warnings.
 */
export function validateDocuments(
  schema: Schema,
  docs: ConfigDocument[],
): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const doc of docs) {
    const check = CHECKS[doc.kind];
    if (!check) continue;
    const r = check(doc.data);
    warnings.push(...r.warnings);
    if (r.errors.length) errors.push(`${docLabel(schema, doc)}: ${r.errors.join("\n")}`);
  }
  return { errors, warnings };
}

/** Rules over the whole config (upstream's container validation). */
export function validateContainer(
  schema: Schema,
  docs: ConfigDocument[],
  legacy: ValueMap | undefined,
  mode: Mode,
  machineType: string,
): string[] {
  const errs: string[] = [];
  const byKind = (k: string) => docs.filter((d) => d.kind === k);
  const features = map(map(legacy, "machine"), "features");
  const resolver = byKind("ResolverConfig")[0];
  const resolverHostDNS = map(resolver?.data, "hostDNS");
  const hostDNS = resolverHostDNS && bool(resolverHostDNS, "enabled") === true
    ? resolverHostDNS
    : map(features, "hostDNS");
  if (mode.inContainer) {
    if (!hostDNS) errs.push("hostDNS config is required in container mode");
    else {
      if (bool(hostDNS, "enabled") !== true) errs.push("hostDNS must be enabled in container mode");
      if (bool(hostDNS, "forwardKubeDNSToHost") !== true) {
        errs.push("forwardKubeDNSToHost must be enabled in container mode");
      }
    }
  }
  if (usesEncryptedDNS(docs) && (!hostDNS || bool(hostDNS, "enabled") !== true)) {
    errs.push("hostDNS must be enabled when using non-default DNS protocols");
  }
  const cluster = map(legacy, "cluster");
  const disc = map(cluster, "discovery");
  const legacyDiscovery = disc && bool(disc, "enabled") === true &&
    bool(map(map(disc, "registries"), "service"), "disabled") !== true;
  const discoveryDocs = byKind("DiscoveryServiceConfig");
  if (legacyDiscovery || discoveryDocs.length > 0) {
    const identityDoc = byKind("DiscoveryIdentityConfig")[0]?.data;
    const legacyIdentity = cluster && (str(cluster, "id") !== "" || str(cluster, "secret") !== "");
    const identity = legacyIdentity ? cluster : identityDoc;
    const idKey = legacyIdentity ? "id" : "clusterID";
    const secretKey = legacyIdentity ? "secret" : "clusterSecret";
    if (!identity || str(identity, idKey) === "") {
      errs.push(
        "cluster ID (.cluster.id or DiscoveryIdentityConfig) should be set when cluster discovery (DiscoveryServiceConfig) is enabled",
      );
    }
    if (!identity || str(identity, secretKey) === "") {
      errs.push(
        "cluster secret (.cluster.secret or DiscoveryIdentityConfig) should be set when cluster discovery (DiscoveryServiceConfig) is enabled",
      );
    }
  }
  errs.push(...containerDependencyErrors(docs));
  const ksDoc = byKind("KubeSpanConfig")[0]?.data;
  const ks = ksDoc ?? map(map(map(legacy, "machine"), "network"), "kubespan");
  if (ks && bool(ks, "enabled") === true && !(legacyDiscovery || discoveryDocs.length > 0)) {
    errs.push("KubeSpan requires cluster discovery to be enabled");
  }
  const isCP = machineType === "init" || machineType === "controlplane";
  if (isCP) {
    const hasCA = byKind("KubeAPIServerCAConfig").length > 0 ||
      (cluster !== undefined &&
        (map(cluster, "ca") !== undefined || cluster.acceptedCAs !== undefined));
    if (hasCA) {
      const legacyEnc = str(cluster, "secretboxEncryptionSecret") !== "" ||
        str(cluster, "aescbcEncryptionSecret") !== "";
      if (!legacyEnc && byKind("KubeEtcdEncryptionConfig").length === 0) {
        errs.push(
          "etcd encryption config is required for control plane machines running kube-apiserver",
        );
      }
    }
  }
  const cpOnly = [
    ...new Set(
      docs.filter((d) => {
        const def = kindDef(schema, d.kind);
        return def !== undefined && CONTROLPLANE_ONLY.has(def.struct.split(".").pop()!);
      }).map((d) => d.kind),
    ),
  ].sort();
  if (cpOnly.length > 0 && !isCP) {
    errs.push(
      `the following document kinds are only allowed on control plane machines: [${
        cpOnly.join(" ")
      }]`,
    );
  }
  return errs;
}
