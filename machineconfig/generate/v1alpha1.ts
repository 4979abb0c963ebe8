// The legacy root document (`version: v1alpha1`) for each machine type. Which sections it
// carries depends on the contract: newer contracts move settings into separate documents.

import type { ValueMap } from "../schema.ts";
import {
  API_SERVER_IMAGE,
  b64,
  CONTROLLER_MANAGER_IMAGE,
  DEFAULT_KUBE_PRISM_PORT,
  type Input,
  KUBE_PROXY_IMAGE,
  KUBELET_IMAGE,
  LABEL_EXCLUDE_FROM_LB,
  type MachineType,
  SCHEDULER_IMAGE,
} from "./input.ts";
import { defaultAuditPolicy, podSecurityAdmissionConfig } from "./k8s_defaults.ts";

/** SANs of the API server certificate. */
export function apiServerSANs(input: Input): string[] {
  const list: string[] = [];
  if (input.f.on("populateClusterSANsFromEndpoint")) list.push(input.endpointHost);
  return [...list, ...input.additionalSANs];
}

function features(input: Input): ValueMap {
  const { f, o } = input;
  const feat: ValueMap = {};
  if (!f.on("hideRBACAndKeyUsage")) {
    feat.rbac = true;
    if (f.on("apidExtKeyUsageCheck")) feat.apidCheckExtKeyUsage = true;
  }
  if (f.on("diskQuotaSupport")) feat.diskQuotaSupport = true;
  if (!f.on("multidocKubernetesConfig")) {
    if (o.kubePrismPort !== undefined) {
      if (o.kubePrismPort > 0) feat.kubePrism = { enabled: true, port: o.kubePrismPort };
    } else if (f.on("kubePrism")) {
      feat.kubePrism = { enabled: true, port: DEFAULT_KUBE_PRISM_PORT };
    }
  }
  if (f.on("hostDNS") && !f.on("hostDNSMultidoc")) {
    feat.hostDNS = { enabled: true };
    if (o.hostDNSForwardKubeDNSToHost || f.on("hostDNSForwardKubeDNSToHost")) {
      feat.hostDNS.forwardKubeDNSToHost = true;
    }
  }
  return feat;
}

function machineSection(input: Input, type: MachineType): ValueMap {
  const { f, o, secrets } = input;
  const legacyK8s = !f.on("multidocKubernetesConfig");
  const cp = type !== "worker";
  const m: ValueMap = {
    type,
    token: secrets.trustdInfo.token,
    ca: cp
      ? { crt: b64(secrets.certs.os.crt), key: b64(secrets.certs.os.key) }
      : { crt: b64(secrets.certs.os.crt), key: "" },
    certSANs: [...input.additionalSANs],
    features: features(input),
  };
  if (legacyK8s) {
    const kubelet: ValueMap = { image: `${KUBELET_IMAGE}:v${input.kubernetesVersion}` };
    if (f.on("kubeletDefaultRuntimeSeccompProfile")) {
      kubelet.defaultRuntimeSeccompProfileEnabled = true;
    }
    if (f.on("kubeletManifestsDirectoryDisabled")) kubelet.disableManifestsDirectory = true;
    m.kubelet = kubelet;
  }
  if (!f.on("unattendedInstallConfig")) {
    const install: ValueMap = {
      disk: o.installDisk ?? "",
      image: o.installImage ?? "",
      wipe: false,
      extraKernelArgs: [...(o.installExtraKernelArgs ?? [])],
    };
    if (f.on("grubUseUKICmdline")) install.grubUseUKICmdline = true;
    m.install = install;
  }
  if (o.machineDisks) m.disks = o.machineDisks;
  if (!f.on("multidocSysctlConfig") && o.sysctls) m.sysctls = { ...o.sysctls };
  if (cp && f.on("excludeFromExternalLoadBalancer") && legacyK8s) {
    m.nodeLabels = { [LABEL_EXCLUDE_FROM_LB]: "" };
  }
  return m;
}

function clusterSection(input: Input, type: MachineType): ValueMap {
  const { f, o, secrets } = input;
  const legacyK8s = !f.on("multidocKubernetesConfig");
  const cp = type !== "worker";
  const c: ValueMap = {};
  if (!f.on("discoveryIdentityMultidoc")) {
    c.id = secrets.cluster.id;
    c.secret = secrets.cluster.secret;
    if (cp || (f.on("clusterNameForWorkers") && legacyK8s)) c.clusterName = input.clusterName;
  }
  if (legacyK8s) {
    c.controlPlane = { endpoint: input.endpointURL };
    if (cp && o.localAPIServerPort) c.controlPlane.localAPIServerPort = o.localAPIServerPort;
    c.network = {
      dnsDomain: o.dnsDomain,
      podSubnets: [...input.podNets],
      serviceSubnets: [...input.serviceNets],
    };
    if (o.cniCustomUrl) c.network.cni = { name: "custom", urls: [o.cniCustomUrl] };
    c.ca = cp
      ? { crt: b64(secrets.certs.k8s.crt), key: b64(secrets.certs.k8s.key) }
      : { crt: b64(secrets.certs.k8s.crt), key: "" };
  }
  if (!cp || !f.kubernetesDisabled) c.token = secrets.secrets?.bootstrapToken ?? "";
  if (cp && legacyK8s) {
    const agg = secrets.certs.k8sAggregator;
    if (agg) c.aggregatorCA = { crt: b64(agg.crt), key: b64(agg.key) };
    const sa = secrets.certs.k8sServiceAccount;
    if (sa) c.serviceAccount = { key: b64(sa.key) };
    const v = input.kubernetesVersion;
    const apiServer: ValueMap = {
      image: `${API_SERVER_IMAGE}:v${v}`,
      certSANs: apiServerSANs(input),
    };
    if (f.on("podSecurityAdmission")) {
      apiServer.admissionControl = [{
        name: "PodSecurity",
        configuration: podSecurityAdmissionConfig(),
      }];
    }
    if (f.on("apiServerAuditPolicy")) apiServer.auditPolicy = defaultAuditPolicy();
    if (!f.on("hideDisablePSP")) apiServer.disablePodSecurityPolicy = true;
    c.apiServer = apiServer;
    c.controllerManager = { image: `${CONTROLLER_MANAGER_IMAGE}:v${v}` };
    c.proxy = { image: `${KUBE_PROXY_IMAGE}:v${v}` };
    c.scheduler = { image: `${SCHEDULER_IMAGE}:v${v}` };
    if (o.allowSchedulingOnControlPlanes) {
      c[
        f.on("allowSchedulingOnControlPlanes")
          ? "allowSchedulingOnControlPlanes"
          : "allowSchedulingOnMasters"
      ] = true;
    }
    if (f.on("secretboxEncryption")) {
      c.secretboxEncryptionSecret = secrets.secrets.secretboxEncryptionSecret ?? "";
    } else {
      c.aescbcEncryptionSecret = secrets.secrets.aescbcEncryptionSecret ?? "";
    }
  }
  if (!f.on("discoveryServiceMultidoc")) {
    c.discovery = {
      enabled: o.discoveryEnabled,
      registries: {
        kubernetes: f.on("kubernetesDiscoveryBackendDisabled") ? { disabled: true } : {},
        service: {},
      },
    };
  }
  if (cp && !f.etcdDisabled) {
    c.etcd = { ca: { crt: b64(secrets.certs.etcd.crt), key: b64(secrets.certs.etcd.key) } };
  }
  return c;
}

/** The root document; the caller may still add sections (registries, network). */
export function v1alpha1Document(input: Input, type: MachineType): ValueMap {
  return {
    version: "v1alpha1",
    debug: input.o.debug ?? false,
    persist: true,
    machine: machineSection(input, type),
    cluster: clusterSection(input, type),
  };
}
