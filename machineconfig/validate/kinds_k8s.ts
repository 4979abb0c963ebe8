// Checks of the Kubernetes documents (Kube*Config, KubeletConfig): each kind's own Validate
// upstream, in local mode (talosctl validate does not check Kubernetes image tags). Map-valued
// fields are walked in sorted key order where upstream ranges over a Go map.

import type { Value, ValueMap } from "../schema.ts";
import { goQuote } from "../../gofmt/mod.ts";
import { ALL_ROLES } from "../../pki/roles.ts";
import type { KindCheck, KindFindings } from "./kinds_block.ts";
import {
  dns1123SubdomainError,
  validateAnnotations,
  validateLabels,
  validateTaints,
} from "./labels.ts";
import { assertValidPEMError, certificateAndKeyError, privateKeyPEMError } from "./pemcheck.ts";
import { endpointURIError, isSubnetOrAddress, parseURL } from "./net.ts";
import { masked, parsePrefix, type Prefix, prefixString, samePrefix } from "./netfmt.ts";
import { arr, findings, map, num, str } from "./values.ts";
import { protectedKubeletFieldErrors } from "./kubelet.ts";

const isMap = (v: Value | undefined): v is ValueMap =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
const objectLen = (v: Value | undefined) => (isMap(v) ? Object.keys(v).length : 0);

/** k8s.ResourcesConfig.Validate: only cpu and memory requests/limits. */
function resourcesError(d: ValueMap): string[] {
  const r = map(d, "resources");
  for (const section of ["requests", "limits"]) {
    const keys = Object.keys(map(r, section) ?? {}).sort();
    const bad = keys.find((k) => k !== "cpu" && k !== "memory");
    if (bad !== undefined) return [`unsupported pod resource ${goQuote(bad)}`];
  }
  return [];
}

/** The image and resources checks of a control-plane pod that may be disabled. */
function pod(what: string, extra: (d: ValueMap) => KindFindings = () => findings([])): KindCheck {
  return (d) => {
    if (d.enabled === false) return findings([]);
    const errs = str(d, "image") === "" ? [`${what} image cannot be empty`] : [];
    const more = extra(d);
    return findings([...errs, ...more.errors, ...resourcesError(d)], more.warnings);
  };
}

const DENIED_APISERVER_ARGS: [string, string][] = [
  ["anonymous-auth", "use KubeAuthenticationConfig"],
  ["authentication-config", "use KubeAuthenticationConfig"],
  ["authorization-config", "use KubeAuthorizationConfig"],
  ["authorization-mode", "use KubeAuthorizationConfig"],
  ["authorization-webhook-", "use KubeAuthorizationConfig"],
  ["oidc-", "use KubeAuthenticationConfig"],
];

function apiServer(d: ValueMap): KindFindings {
  const errs = str(d, "image") === "" ? ["kube-apiserver image cannot be empty"] : [];
  const args = Object.keys(map(d, "extraArgs") ?? {}).sort();
  for (const [prefix, hint] of DENIED_APISERVER_ARGS) {
    for (const a of args) {
      if (a.startsWith(prefix)) {
        errs.push(`kube-apiserver extra argument ${goQuote(a)} is not allowed: ${hint}`);
      }
    }
  }
  return findings([...errs, ...resourcesError(d)]);
}

function proxyMode(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const warnings: string[] = [];
  const mode = str(d, "mode");
  if (mode === "iptables" || mode === "ipvs") {
    warnings.push(
      `proxy mode ${goQuote(mode)} is not recommended, please switch to nftables if possible`,
    );
  } else if (mode !== "" && mode !== "nftables") {
    errs.push(
      `invalid proxy mode ${goQuote(mode)}: supported modes are iptables, ipvs and nftables`,
    );
  }
  if (objectLen(d.extraArgs) > 0) {
    warnings.push(
      "extra arguments for kube-proxy may not work as expected, please use configuration instead",
    );
  }
  return findings(errs, warnings);
}

function kubelet(d: ValueMap): KindFindings {
  const errs = str(d, "image") === "" ? ["kubelet image cannot be empty"] : [];
  const config = map(d, "config") ?? {};
  errs.push(...protectedKubeletFieldErrors(config));
  return findings(errs);
}

function caConfig(issuingRequired: boolean): KindCheck {
  return (d) => {
    const errs: string[] = [];
    const issuing = map(d, "issuingCA");
    if (!issuing && issuingRequired) errs.push("issuing CA is not set");
    const e = issuing
      ? certificateAndKeyError({ cert: str(issuing, "cert"), key: str(issuing, "key") })
      : null;
    if (e) errs.push(`issuing CA: ${e}`);
    arr(d, "acceptedCAs").forEach((ca, i) => {
      const pe = assertValidPEMError(String(ca ?? ""), "CERTIFICATE");
      if (pe) errs.push(`accepted CA #${i}: ${pe}`);
    });
    return findings(errs);
  };
}

function manifestName(name: string): string[] {
  if (name === "") return ["manifest name is required"];
  const e = dns1123SubdomainError(name);
  return e ? [`manifest name is invalid: ${e}`] : [];
}

/** KubeNetworkConfig: per-family subnet rules (upstream's validateSubnets). */
function subnets(
  texts: string[],
  size: (p: Prefix) => string | null,
): string | null {
  if (texts.length === 0) return "at least one subnet must be specified";
  if (texts.length > 2) return "at most two subnets can be specified for dual-stack clusters";
  let v4 = 0, v6 = 0;
  for (const t of texts) {
    const p = parsePrefix(t);
    if (!p) return "invalid subnet: invalid Prefix";
    if (!samePrefix(p, masked(p))) return `invalid subnet: ${prefixString(p)} is not a valid CIDR`;
    const bitLen = p.addr.bytes.length * 8;
    if (bitLen - p.bits < 4) {
      return `invalid subnet: /${p.bits} is too small, it must be larger than /${p.bits - 4}`;
    }
    const e = size(p);
    if (e) return e;
    if (bitLen === 32) v4++;
    else v6++;
  }
  return v4 > 1 || v6 > 1
    ? "at most one IPv4 and one IPv6 subnet can be specified for dual-stack clusters"
    : null;
}

function network(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const m4 = num(d, "nodeCIDRMaskSizeIPv4"), m6 = num(d, "nodeCIDRMaskSizeIPv6");
  const v4ok = m4 === 0 || (m4 >= 1 && m4 <= 32);
  const v6ok = m6 === 0 || (m6 >= 1 && m6 <= 128);
  if (!v4ok) errs.push("nodeCIDRMaskSizeIPv4 must be between 1 and 32");
  if (!v6ok) errs.push("nodeCIDRMaskSizeIPv6 must be between 1 and 128");
  const pods = arr(d, "podSubnets").map((x) => String(x ?? ""));
  const services = arr(d, "serviceSubnets").map((x) => String(x ?? ""));
  const podErr = subnets(pods, (p) => {
    const v6 = p.addr.bytes.length === 16;
    if (!(v6 ? v6ok : v4ok)) return null;
    const mask = v6 ? (m6 || 64) : (m4 || 24);
    if (p.bits > mask) {
      return `invalid subnet: ${
        prefixString(p)
      } is smaller than the per-node pod CIDR mask size /${mask}`;
    }
    if (mask - p.bits > 16) {
      return `invalid subnet: ${
        prefixString(p)
      } is too large for the per-node pod CIDR mask size /${mask}, the difference must be at most 16 bits`;
    }
    return null;
  });
  if (podErr) errs.push(`pod subnets: ${podErr}`);
  const svcErr = subnets(services, (p) => {
    const bitLen = p.addr.bytes.length * 8;
    return bitLen - p.bits > 20
      ? `invalid subnet: ${prefixString(p)} is too large, it must be at least /${
        bitLen - 20
      } (at most 20 host identifier bits)`
      : null;
  });
  if (svcErr) errs.push(`service subnets: ${svcErr}`);
  if (pods.length !== services.length) {
    errs.push("the number of pod subnets must match the number of service subnets");
  }
  return findings(errs);
}

function node(d: ValueMap): KindFindings {
  const errs: string[] = [];
  for (const raw of arr(map(d, "nodeIP"), "validSubnets").map((x) => String(x ?? ""))) {
    const cidr = raw.replace(/^!/, "");
    if (!isSubnetOrAddress(cidr)) errs.push(`nodeIP subnet is not valid: ${goQuote(cidr)}`);
  }
  const l = validateLabels(map(d, "labels") ?? {});
  if (l) errs.push(`invalid node labels: ${l}`);
  const a = validateAnnotations(map(d, "annotations") ?? {});
  if (a) errs.push(`invalid node annotations: ${a}`);
  const t = validateTaints(map(d, "taints") ?? {});
  if (t) errs.push(`invalid node taints: ${t}`);
  return findings(errs);
}

function serviceAccount(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const issuer = map(d, "issuer");
  const key = str(issuer, "privateKey");
  if (key === "") errs.push("service issuer private key is required");
  else {
    const e = privateKeyPEMError(key);
    if (e) errs.push(`service issuer private key is invalid: ${e}`);
  }
  if (str(issuer, "issuerURL") === "") errs.push("service issuer URL is required");
  return findings(errs);
}

const AUTHORIZER_TYPES = ["Node", "RBAC", "Webhook"];

function authorizer(d: ValueMap): KindFindings {
  const errs: string[] = [];
  const warnings: string[] = [];
  const type = str(d, "type");
  if (str(d, "name") === "") errs.push("authorizer name is required");
  if (type === "") errs.push("authorizer type is required");
  if (!AUTHORIZER_TYPES.includes(type)) {
    errs.push(
      `authorizer type ${type} is not allowed, allowed types are [${AUTHORIZER_TYPES.join(" ")}]`,
    );
  }
  const webhook = objectLen(d.webhook) > 0;
  if (type === "Webhook" && !webhook) {
    errs.push("authorizer webhook configuration is required for Webhook authorizer type");
  }
  if (type !== "Webhook" && webhook) {
    warnings.push("authorizer webhook configuration is not allowed non-Webhook authorizer types");
  }
  return findings(errs, warnings);
}

export const K8S_CHECKS: Record<string, KindCheck> = {
  KubeAdmissionControlConfig: (d) =>
    findings(str(d, "name") === "" ? ["admission control plugin name is required"] : []),
  KubeAggregatorCAConfig: caConfig(true),
  KubeAPIServerCAConfig: caConfig(false),
  KubeAPIServerConfig: apiServer,
  KubeAuthorizerConfig: authorizer,
  KubeClusterConfig: (d) => {
    const errs: string[] = [];
    if (str(d, "clusterName") === "") errs.push("clusterName must be specified");
    const ep = str(d, "endpoint");
    if (ep === "") errs.push("endpoint must be specified");
    else {
      const e = typeof parseURL(ep) === "string" ? null : endpointURIError(ep);
      if (e) errs.push(`cluster endpoint is invalid: ${e}`);
    }
    return findings(errs);
  },
  KubeControllerManagerConfig: pod("kube-controller-manager"),
  KubeSchedulerConfig: pod("scheduler"),
  KubeProxyConfig: pod("proxy", proxyMode),
  KubeletConfig: kubelet,
  KubeEtcdEncryptionConfig: (d) =>
    findings(objectLen(d.config) === 0 ? ["etcd encryption config is required"] : []),
  KubeExternalManifestConfig: (d) => {
    const errs = manifestName(str(d, "name"));
    const raw = str(d, "url");
    if (raw === "") errs.push("manifest URL is required");
    else {
      const u = parseURL(raw);
      const scheme = typeof u === "string" ? "" : u.scheme;
      if (scheme !== "http" && scheme !== "https") {
        errs.push(`manifest URL scheme must be http or https: ${goQuote(scheme)}`);
      }
    }
    return findings(errs);
  },
  KubeFlannelCNIConfig: (d) =>
    findings([
      ...(str(d, "backendType") === "" ? ["flannel backend type must be specified"] : []),
      ...resourcesError(d),
    ]),
  KubeInlineManifestConfig: (d) => findings(manifestName(str(d, "name"))),
  KubePrismConfig: (d) => {
    const port = num(d, "port");
    return findings(
      port <= 0 || port > 65535 ? [`invalid port ${port}: must be in range 1-65535`] : [],
    );
  },
  KubeNetworkConfig: network,
  KubeNodeConfig: node,
  KubeServiceAccountConfig: serviceAccount,
  KubeStaticPodConfig: (d) => {
    const name = str(d, "name");
    const errs: string[] = [];
    if (name === "") errs.push("static pod name is required");
    else {
      const e = dns1123SubdomainError(name);
      if (e) errs.push(`static pod name is invalid: ${e}`);
    }
    if (objectLen(d.pod) === 0) errs.push("static pod spec is required");
    return findings(errs);
  },
  KubeTalosAPIAccessConfig: (d) =>
    findings(
      arr(d, "allowedRoles").map((r) => String(r ?? "")).filter((r) => !ALL_ROLES.includes(r))
        .map((r) => `invalid role ${goQuote(r)} in .allowedRoles`),
    ),
};
