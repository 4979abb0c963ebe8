// Inputs of machine-config generation: the cluster identity, the secrets bundle, the version
// contract and every option `gen config` (and library callers) can set. Mirrors the knobs of
// upstream's generate.Options; defaults are applied by `newInput`.

import type { SecretsBundle } from "../../pki/secrets_types.ts";
import { type ContractFeatures, contractFeatures } from "../features.ts";
import { CURRENT_CONTRACT } from "../../contract/mod.ts";
import type { ValueMap } from "../schema.ts";
import { parseAddr } from "../validate/netip.ts";
import { goURLHostname, goURLString, parseGoURL } from "./gourl.ts";

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
  /** The endpoint as given. */
  endpoint: string;
  /** The endpoint as configs store it: parsed and re-printed by Go's url.URL.String. */
  endpointURL: string;
  /** Host of the endpoint URL (url.URL.Hostname), the SAN older contracts add. */
  endpointHost: string;
  kubernetesVersion: string;
  secrets: SecretsBundle;
  f: ContractFeatures;
  o: GenerateOptions & { dnsDomain: string; discoveryEnabled: boolean };
  podNets: string[];
  serviceNets: string[];
  additionalSANs: string[];
}

/** netip.ParseAddr(s) succeeds with an IPv6 address (upstream tests the whole endpoint text). */
function isIPv6Address(s: string): boolean {
  const a = parseAddr(s);
  return !("error" in a) && a.bytes.length === 16;
}

export function newInput(
  clusterName: string,
  endpoint: string,
  kubernetesVersion: string,
  secrets: SecretsBundle,
  opts: GenerateOptions = {},
): Input {
  if (kubernetesVersion === "") throw new Error("kubernetes version must be specified");
  const url = parseGoURL(endpoint);
  if ("error" in url) throw new Error(url.error);
  const v6 = isIPv6Address(endpoint);
  return {
    clusterName,
    endpoint,
    endpointURL: goURLString(url),
    endpointHost: goURLHostname(url),
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
