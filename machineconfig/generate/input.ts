// Inputs of machine-config generation: the cluster identity, the secrets bundle, the version
// contract and every option `gen config` (and library callers) can set. Mirrors the knobs of
// upstream's generate.Options; defaults are applied by `newInput`.

import type { SecretsBundle } from "../../pki/secrets_types.ts";
import { type ContractFeatures, contractFeatures } from "../features.ts";
import { CURRENT_CONTRACT } from "../contract.ts";
import type { ValueMap } from "../schema.ts";

export const KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet";
export const API_SERVER_IMAGE = "registry.k8s.io/kube-apiserver";
export const CONTROLLER_MANAGER_IMAGE = "registry.k8s.io/kube-controller-manager";
export const SCHEDULER_IMAGE = "registry.k8s.io/kube-scheduler";
export const KUBE_PROXY_IMAGE = "registry.k8s.io/kube-proxy";
export const DEFAULT_KUBE_PRISM_PORT = 7445;
export const DISCOVERY_SERVICE_ENDPOINT = "https://discovery.talos.dev/";
export const LABEL_EXCLUDE_FROM_LB = "node.kubernetes.io/exclude-from-external-load-balancers";
export const LABEL_CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
export const POD_CIDR_V4 = "10.244.0.0/16";
export const SERVICE_CIDR_V4 = "10.96.0.0/12";
export const POD_CIDR_V6 = "fc00:db8:10::/56";
export const SERVICE_CIDR_V6 = "fc00:db8:20::/112";

export type MachineType = "init" | "controlplane" | "worker";

/** Generation options (upstream's generate.Option set). */
export interface GenerateOptions {
  features?: ContractFeatures;
  debug?: boolean;
  installDisk?: string;
  installImage?: string;
  installExtraKernelArgs?: string[];
  machineDisks?: ValueMap[];
  sysctls?: Record<string, string>;
  /** Registry host -> mirror endpoints, in the order given. */
  registryMirrors?: [host: string, endpoints: string[]][];
  registryCACerts?: Record<string, string>;
  registryInsecure?: string[];
  dnsDomain?: string;
  cniCustomUrl?: string;
  allowSchedulingOnControlPlanes?: boolean;
  localAPIServerPort?: number;
  additionalSANs?: string[];
  discoveryEnabled?: boolean;
  kubePrismPort?: number;
  hostDNSForwardKubeDNSToHost?: boolean;
  kubeSpanEnabled?: boolean;
  skipUnattendedInstallConfig?: boolean;
}

/** Everything generation needs, defaults applied. */
export interface Input {
  clusterName: string;
  endpoint: string;
  kubernetesVersion: string;
  secrets: SecretsBundle;
  f: ContractFeatures;
  o: GenerateOptions & { dnsDomain: string; discoveryEnabled: boolean };
  podNets: string[];
  serviceNets: string[];
  additionalSANs: string[];
}

function isIPv6Literal(s: string): boolean {
  return s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s) && !s.includes("/");
}

export function newInput(
  clusterName: string,
  endpoint: string,
  kubernetesVersion: string,
  secrets: SecretsBundle,
  opts: GenerateOptions = {},
): Input {
  if (kubernetesVersion === "") throw new Error("kubernetes version must be specified");
  const v6 = isIPv6Literal(endpoint);
  return {
    clusterName,
    endpoint,
    kubernetesVersion,
    secrets,
    f: opts.features ?? contractFeatures(CURRENT_CONTRACT),
    o: {
      ...opts,
      dnsDomain: opts.dnsDomain ?? "cluster.local",
      discoveryEnabled: opts.discoveryEnabled ?? true,
    },
    podNets: [v6 ? POD_CIDR_V6 : POD_CIDR_V4],
    serviceNets: [v6 ? SERVICE_CIDR_V6 : SERVICE_CIDR_V4],
    additionalSANs: [...(opts.additionalSANs ?? [])],
  };
}

/** Standard base64 of PEM text, as machine configs store certificates and keys. */
export function b64(pem: string): string {
  const bytes = new TextEncoder().encode(pem);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Host name of a URL as Go's url.URL.Hostname() returns it (no port, no IPv6 brackets). */
export function urlHostname(u: string): string | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(u);
  if (!m) return undefined;
  let host = m[1].replace(/^.*@/, "");
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  if (colon >= 0) host = host.slice(0, colon);
  return host;
}
