// Kubernetes documents of contracts that configure Kubernetes outside the root document
// (v1.14 on): node-level ones for every machine, control-plane ones for init/controlplane.

import type { ConfigDocument, Value, ValueMap } from "../schema.ts";
import { doc } from "./documents.ts";
import {
  API_SERVER_IMAGE,
  CONTROLLER_MANAGER_IMAGE,
  DEFAULT_KUBE_PRISM_PORT,
  type Input,
  KUBE_PROXY_IMAGE,
  KUBELET_IMAGE,
  LABEL_CONTROL_PLANE,
  LABEL_EXCLUDE_FROM_LB,
  SCHEDULER_IMAGE,
} from "./input.ts";
import {
  DEFAULT_AUTHORIZERS,
  defaultAuditPolicy,
  defaultAuthentication,
  podSecurityAdmissionConfig,
} from "./k8s_defaults.ts";

const enabled = (input: Input) =>
  !input.f.kubernetesDisabled && input.f.on("multidocKubernetesConfig");

/** Documents every machine gets. */
export function kubernetesNodeDocuments(input: Input, controlPlane: boolean): ConfigDocument[] {
  if (!enabled(input)) return [];
  const { o, secrets } = input;
  const node: ValueMap = { nodeIP: {} };
  if (controlPlane) {
    const labels: ValueMap = { [LABEL_CONTROL_PLANE]: "" };
    if (input.f.on("excludeFromExternalLoadBalancer")) labels[LABEL_EXCLUDE_FROM_LB] = "";
    node.labels = labels;
    if (!o.allowSchedulingOnControlPlanes) node.taints = { [LABEL_CONTROL_PLANE]: "NoSchedule" };
  }
  const ca: ValueMap = controlPlane
    ? { issuingCA: { cert: secrets.certs.k8s.crt, key: secrets.certs.k8s.key } }
    : { acceptedCAs: [secrets.certs.k8s.crt] };
  const docs = [
    doc("KubeClusterConfig", { clusterName: input.clusterName, endpoint: input.endpointURL }),
    doc("KubeNodeConfig", node),
    doc("KubeletConfig", {
      image: `${KUBELET_IMAGE}:v${input.kubernetesVersion}`,
      config: {},
      defaultRuntimeSeccompProfileEnabled: true,
    }),
    doc("KubeNetworkConfig", {
      dnsDomain: o.dnsDomain,
      podSubnets: [...input.podNets],
      serviceSubnets: [...input.serviceNets],
    }),
    doc("KubeAPIServerCAConfig", ca),
  ];
  const port = o.kubePrismPort ?? DEFAULT_KUBE_PRISM_PORT;
  if (port > 0) docs.push(doc("KubePrismConfig", { port }));
  return docs;
}

function encryptionProviders(input: Input): Value[] {
  const s = input.secrets.secrets;
  const providers: Value[] = [];
  if (s.secretboxEncryptionSecret) {
    providers.push({
      secretbox: { keys: [{ name: "key2", secret: s.secretboxEncryptionSecret }] },
    });
  }
  if (s.aescbcEncryptionSecret) {
    providers.push({ secretbox: { keys: [{ name: "key1", secret: s.aescbcEncryptionSecret }] } });
  }
  return providers;
}

/** Control-plane documents (init and controlplane machines only). */
export function kubernetesControlPlaneDocuments(
  input: Input,
  certSANs: string[],
): ConfigDocument[] {
  if (!enabled(input)) return [];
  const { o, secrets } = input;
  const v = input.kubernetesVersion;
  const agg = secrets.certs.k8sAggregator ?? { crt: "", key: "" };
  const apiServer: ValueMap = { image: `${API_SERVER_IMAGE}:v${v}`, certExtraSANs: certSANs };
  if (o.localAPIServerPort) apiServer.apiPort = o.localAPIServerPort;
  const docs: ConfigDocument[] = [
    doc("KubeAggregatorCAConfig", { issuingCA: { cert: agg.crt, key: agg.key } }),
    doc("KubeAdmissionControlConfig", {
      name: "PodSecurity",
      configuration: podSecurityAdmissionConfig(),
    }),
    doc("KubeAuditPolicyConfig", { configuration: defaultAuditPolicy() }),
    doc("KubeAuthenticationConfig", { configuration: defaultAuthentication() }),
    ...DEFAULT_AUTHORIZERS.map(([name, type]) => doc("KubeAuthorizerConfig", { name, type })),
    doc("KubeEtcdEncryptionConfig", {
      config: { resources: [{ providers: encryptionProviders(input), resources: ["secrets"] }] },
    }),
    doc("KubeServiceAccountConfig", {
      issuer: {
        privateKey: secrets.certs.k8sServiceAccount?.key ?? "",
        issuerURL: input.endpointURL,
      },
    }),
    doc("KubeAPIServerConfig", apiServer),
    doc("KubeControllerManagerConfig", { image: `${CONTROLLER_MANAGER_IMAGE}:v${v}` }),
    doc("KubeSchedulerConfig", { image: `${SCHEDULER_IMAGE}:v${v}`, config: {} }),
    doc("KubeProxyConfig", { image: `${KUBE_PROXY_IMAGE}:v${v}`, config: {} }),
  ];
  if (!o.cniCustomUrl) {
    docs.push(doc("KubeFlannelCNIConfig", { backendType: "vxlan", backendPort: 4789 }));
  }
  docs.push(doc("KubeCoreDNSConfig", { enabled: true }));
  if (o.cniCustomUrl) {
    docs.push(doc("KubeExternalManifestConfig", { name: "custom-cni", url: o.cniCustomUrl }));
  }
  return docs;
}
