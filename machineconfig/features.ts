// Version-contract feature switches as data: for each switch, the contract range it is on for.
// `after: [1, 2]` means "contracts newer than v1.2" (upstream's `Greater(TalosVersion1_2)`);
// `upTo: [1, 11]` means "contracts up to and including v1.11".

import type { VersionContract } from "../contract/mod.ts";

type MinorVersion = [major: number, minor: number];
interface Range {
  after?: MinorVersion;
  upTo?: MinorVersion;
}

const SWITCHES = {
  podSecurityAdmission: { after: [1, 0] },
  stableHostname: { after: [1, 1] },
  kubeletDefaultRuntimeSeccompProfile: { after: [1, 1] },
  kubernetesAlternateImageRegistries: { after: [1, 1], upTo: [1, 2] },
  allowSchedulingOnControlPlanes: { after: [1, 1] },
  kubernetesDiscoveryBackendDisabled: { after: [1, 1] },
  apidExtKeyUsageCheck: { after: [1, 2] },
  apiServerAuditPolicy: { after: [1, 2] },
  kubeletManifestsDirectoryDisabled: { after: [1, 2] },
  secretboxEncryption: { after: [1, 2] },
  diskQuotaSupport: { after: [1, 4] },
  kubePrism: { after: [1, 5] },
  hostDNS: { after: [1, 6] },
  rsaServiceAccountKey: { after: [1, 6] },
  clusterNameForWorkers: { after: [1, 7] },
  hostDNSForwardKubeDNSToHost: { after: [1, 7] },
  excludeFromExternalLoadBalancer: { after: [1, 7] },
  secureBootEnrollEnforcement: { after: [1, 7] },
  volumeConfigEncryption: { after: [1, 10] },
  multidocNetworkConfig: { after: [1, 11] },
  hideDisablePSP: { after: [1, 11] },
  hideRBACAndKeyUsage: { after: [1, 11] },
  populateClusterSANsFromEndpoint: { upTo: [1, 11] },
  grubUseUKICmdline: { after: [1, 11] },
  kubeSpanMultidoc: { after: [1, 12] },
  hostDNSMultidoc: { after: [1, 13] },
  discoveryServiceMultidoc: { after: [1, 13] },
  discoveryIdentityMultidoc: { after: [1, 13] },
  unattendedInstallConfig: { after: [1, 13] },
  multidocKubernetesConfig: { after: [1, 13] },
  filesystemTrimByDefault: { after: [1, 13] },
  workloadIsolationByDefault: { after: [1, 13] },
  multidocSysctlConfig: { after: [1, 13] },
  multidocKernelModuleConfig: { after: [1, 13] },
} satisfies Record<string, Range>;

export type FeatureName = keyof typeof SWITCHES;

/** A contract plus the two opt-outs of `--skip-k8s-etcd`. */
export interface ContractFeatures {
  contract: VersionContract;
  on(name: FeatureName): boolean;
  kubernetesDisabled: boolean;
  etcdDisabled: boolean;
}

const greater = (c: VersionContract, [major, minor]: MinorVersion) =>
  c.major > major || (c.major === major && c.minor > minor);

export function contractFeatures(
  contract: VersionContract,
  opts: { disableKubernetes?: boolean; disableEtcd?: boolean } = {},
): ContractFeatures {
  return {
    contract,
    on(name) {
      const r: Range = SWITCHES[name] as Range;
      if (r.after && !greater(contract, r.after)) return false;
      if (r.upTo && greater(contract, r.upTo)) return false;
      return true;
    },
    kubernetesDisabled: !!opts.disableKubernetes,
    etcdDisabled: !!opts.disableEtcd,
  };
}
