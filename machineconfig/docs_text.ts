// Documentation and examples written into generated configs (--with-docs, --with-examples).
// Our own wording. Keyed by schema struct name, then YAML key; "" documents a whole document.

import type { Value } from "./schema.ts";

export interface FieldDoc {
  doc?: string;
  example?: { title: string; value: Value };
}

type Docs = Record<string, Record<string, FieldDoc>>;

export const DOCS: Docs = {
  "v1alpha1.Config": {
    version: { doc: "Format version of this document." },
    debug: { doc: "Log more detail to the console." },
    persist: { doc: "Legacy switch; the configuration is always kept on disk." },
    machine: { doc: "Settings for this machine only." },
    cluster: { doc: "Settings shared by all machines of the cluster." },
  },
  "v1alpha1.MachineConfig": {
    type: { doc: "Role of the machine: init, controlplane or worker." },
    token: {
      doc: "Secret that lets this machine obtain certificates from the cluster's Talos PKI.",
    },
    ca: { doc: "Certificate authority of the Talos API (apid) of the cluster." },
    certSANs: {
      doc: "Extra names and addresses put into the certificate of this machine's Talos API.",
      example: {
        title: "Reach the API through these names too.",
        value: ["10.0.0.10", "node1.example.com"],
      },
    },
    kubelet: {
      doc: "How the kubelet runs on this machine.",
      example: {
        title: "Give the kubelet extra flags.",
        value: { image: "ghcr.io/siderolabs/kubelet:v1.36.3", extraArgs: { "max-pods": "150" } },
      },
    },
    network: {
      doc: "Host network settings: hostname, interfaces, DNS servers.",
      example: {
        title: "A static address on one interface.",
        value: {
          hostname: "worker-1",
          interfaces: [{
            interface: "eth0",
            addresses: ["192.168.2.10/24"],
            routes: [{ network: "0.0.0.0/0", gateway: "192.168.2.1" }],
          }],
          nameservers: ["9.9.9.9", "1.1.1.1"],
        },
      },
    },
    install: { doc: "Where and from which image Talos is installed." },
    files: { doc: "Files written to the machine's disk at boot." },
    sysctls: {
      doc: "Kernel parameters set at boot.",
      example: {
        title: "Allow more queued connections.",
        value: { "net.core.somaxconn": "65535" },
      },
    },
    registries: {
      doc: "Container image registry mirrors and credentials.",
      example: {
        title: "Pull docker.io images through a local mirror.",
        value: { mirrors: { "docker.io": { endpoints: ["https://mirror.example.com"] } } },
      },
    },
    features: { doc: "Optional Talos features." },
    nodeLabels: {
      doc: "Labels this node registers with in Kubernetes.",
      example: {
        title: "Mark the node's zone.",
        value: { "topology.kubernetes.io/zone": "zone-a" },
      },
    },
    nodeTaints: {
      example: {
        title: "Keep ordinary workloads off this node.",
        value: { dedicated: "infra:NoSchedule" },
      },
    },
  },
  "v1alpha1.InstallConfig": {
    disk: { doc: "Disk Talos is installed to." },
    image: { doc: "Installer image; it decides the Talos version that gets installed." },
    wipe: { doc: "Erase the whole disk before installing." },
    extraKernelArgs: {
      doc: "Additional kernel command line arguments.",
      example: { title: "Log to the serial console.", value: ["console=ttyS1"] },
    },
    grubUseUKICmdline: { doc: "Take the kernel command line from the boot image when using GRUB." },
  },
  "v1alpha1.KubeletConfig": {
    image: { doc: "Kubelet container image; its tag selects the Kubernetes version." },
    extraArgs: { doc: "Extra command line flags for the kubelet." },
    extraMounts: {
      doc: "Host paths made visible to the kubelet.",
      example: {
        title: "Share /var/data with the kubelet.",
        value: [{
          destination: "/var/data",
          type: "bind",
          source: "/var/data",
          options: ["bind", "rshared", "rw"],
        }],
      },
    },
    defaultRuntimeSeccompProfileEnabled: {
      doc: "Run pods with the runtime's default seccomp profile.",
    },
    disableManifestsDirectory: { doc: "Ignore static pod manifests in /etc/kubernetes/manifests." },
  },
  "v1alpha1.FeaturesConfig": {
    rbac: { doc: "Enforce roles on the Talos API." },
    stableHostname: { doc: "Derive a stable default hostname from the machine's identity." },
    apidCheckExtKeyUsage: { doc: "Check the extended key usage of Talos API client certificates." },
    diskQuotaSupport: { doc: "Enable project quotas on the EPHEMERAL filesystem." },
    kubePrism: { doc: "Local load balancer in front of the Kubernetes API servers." },
    hostDNS: { doc: "A caching DNS resolver running on the node itself." },
  },
  "v1alpha1.ClusterConfig": {
    id: { doc: "Unique identifier of the cluster (used by discovery)." },
    secret: { doc: "Shared secret of the cluster (encrypts discovery data); keep it secret." },
    controlPlane: { doc: "How machines reach the Kubernetes control plane." },
    clusterName: { doc: "Name of the cluster." },
    network: { doc: "Kubernetes networking: DNS domain, pod and service subnets, CNI." },
    token: { doc: "Bootstrap token that lets nodes join Kubernetes." },
    secretboxEncryptionSecret: { doc: "Key encrypting Kubernetes secrets at rest in etcd." },
    aescbcEncryptionSecret: {
      doc: "Key encrypting Kubernetes secrets at rest in etcd (older format).",
    },
    ca: { doc: "Kubernetes certificate authority." },
    aggregatorCA: { doc: "Certificate authority of the API aggregation layer." },
    serviceAccount: { doc: "Private key signing service account tokens." },
    apiServer: { doc: "Kubernetes API server settings." },
    controllerManager: { doc: "Kubernetes controller manager settings." },
    proxy: { doc: "kube-proxy settings." },
    scheduler: { doc: "Kubernetes scheduler settings." },
    discovery: { doc: "Cluster membership discovery." },
    etcd: { doc: "etcd settings." },
    extraManifests: {
      example: {
        title: "Apply these manifests at bootstrap.",
        value: ["https://www.example.com/manifest.yaml"],
      },
    },
    allowSchedulingOnControlPlanes: {
      example: { title: "Let ordinary workloads run on control plane nodes.", value: true },
    },
  },
  "v1alpha1.ControlPlaneConfig": {
    endpoint: { doc: "URL of the Kubernetes API (a load balancer or a DNS name for HA setups)." },
    localAPIServerPort: { doc: "Port the API server listens on locally." },
  },
  "v1alpha1.ClusterNetworkConfig": {
    cni: {
      doc: "Container network plugin.",
      example: {
        title: "Install your own CNI from a manifest.",
        value: { name: "custom", urls: ["https://example.com/cni.yaml"] },
      },
    },
    dnsDomain: { doc: "DNS domain of cluster services." },
    podSubnets: { doc: "Address ranges of pods." },
    serviceSubnets: { doc: "Address ranges of services." },
  },
  "v1alpha1.APIServerConfig": {
    image: { doc: "API server container image." },
    certSANs: { doc: "Extra names and addresses in the API server certificate." },
    admissionControl: { doc: "Admission plugin configuration." },
    auditPolicy: { doc: "Audit policy of the API server." },
    extraArgs: {
      example: {
        title: "Pass flags to the API server.",
        value: { "feature-gates": "SomeGate=true" },
      },
    },
  },
  "v1alpha1.ClusterDiscoveryConfig": {
    enabled: { doc: "Find cluster members through the discovery registries." },
    registries: { doc: "Registries members publish themselves to." },
  },
  "v1alpha1.EtcdConfig": { ca: { doc: "etcd certificate authority." } },
  "network.HostnameConfigV1Alpha1": { "": { doc: "How the machine's hostname is chosen." } },
  "network.ResolverConfigV1Alpha1": { "": { doc: "DNS resolver settings." } },
  "network.KubeSpanConfigV1Alpha1": { "": { doc: "KubeSpan: WireGuard mesh between the nodes." } },
  "cluster.DiscoveryServiceConfigV1Alpha1": {
    "": { doc: "Discovery service used to find cluster members." },
  },
  "cluster.DiscoveryIdentityConfigV1Alpha1": {
    "": { doc: "Identity and secret of the cluster for discovery; keep it secret." },
  },
  "block.VolumeConfigV1Alpha1": { "": { doc: "Settings of a system volume." } },
  "block.FilesystemTrimConfigV1Alpha1": { "": { doc: "Periodic filesystem trim." } },
  "runtime.SecurityProfileConfigV1Alpha1": { "": { doc: "Workload security profile." } },
  "runtime.UnattendedInstallConfigV1Alpha1": { "": { doc: "Automatic installation to disk." } },
  "cri.RegistryMirrorConfigV1Alpha1": { "": { doc: "Mirror endpoints of a container registry." } },
  "k8s.KubeClusterConfigV1Alpha1": { "": { doc: "Kubernetes cluster name and API endpoint." } },
  "k8s.KubeNodeConfigV1Alpha1": { "": { doc: "How this node registers with Kubernetes." } },
  "k8s.KubeletConfigV1Alpha1": { "": { doc: "Kubelet settings." } },
  "k8s.KubeNetworkConfigV1Alpha1": { "": { doc: "Kubernetes DNS domain and subnets." } },
  "k8s.KubeAPIServerCAConfigV1Alpha1": { "": { doc: "Kubernetes certificate authority." } },
  "k8s.KubePrismConfigV1Alpha1": { "": { doc: "Local load balancer for the API servers." } },
  "k8s.KubeAPIServerConfigV1Alpha1": { "": { doc: "Kubernetes API server." } },
  "k8s.KubeFlannelCNIConfigV1Alpha1": { "": { doc: "Flannel network plugin." } },
  "k8s.KubeCoreDNSConfigV1Alpha1": { "": { doc: "CoreDNS cluster DNS." } },
};
