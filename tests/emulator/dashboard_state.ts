// The resources `dashboard` watches beyond a node's starting set (cosi_seed.ts): node addresses,
// resolvers, time servers, network readiness, system information, cluster info, machine type,
// security state and the kubelet's status. Opt-in (serve.ts --dashboard, or a test), so that the
// type list other tests see stays as it is.

import type { SimNode } from "./node.ts";
import { putSpec, registerType } from "./cosi_seed.ts";
import type { TypeDecl } from "./cosi_types.ts";

export const D = {
  nodeAddress: "NodeAddresses.net.talos.dev",
  resolverStatus: "ResolverStatuses.net.talos.dev",
  timeServerStatus: "TimeServerStatuses.net.talos.dev",
  networkStatus: "NetworkStatuses.net.talos.dev",
  systemInformation: "SystemInformations.hardware.talos.dev",
  clusterInfo: "Infos.cluster.talos.dev",
  machineType: "MachineTypes.config.talos.dev",
  securityState: "SecurityStates.talos.dev",
  kubeletStatus: "KubeletStatuses.kubernetes.talos.dev",
  diagnostic: "Diagnostics.runtime.talos.dev",
} as const;

const col = (name: string, jsonPath: string) => ({ name, jsonPath });

// Upstream's definitions of these types (aliases and print columns).
const DECLS: TypeDecl[] = [
  {
    type: D.nodeAddress,
    displayType: "NodeAddress",
    defaultNamespace: "network",
    printColumns: [col("Addresses", "{.addresses}"), col("SortAlgorithm", "{.sortAlgorithm}")],
  },
  {
    type: D.resolverStatus,
    displayType: "ResolverStatus",
    defaultNamespace: "network",
    aliases: ["resolvers"],
    printColumns: [col("Resolvers", "{.dnsServers}"), col("Search Domains", "{.searchDomains}")],
  },
  {
    type: D.timeServerStatus,
    displayType: "TimeServerStatus",
    defaultNamespace: "network",
    aliases: ["timeserver", "timeservers"],
    printColumns: [col("Timeservers", "{.timeServers}"), col("UseNTS", "{.useNTS}")],
  },
  {
    type: D.networkStatus,
    displayType: "NetworkStatus",
    defaultNamespace: "network",
    aliases: ["netstatus", "netstatuses"],
    printColumns: [
      col("Address", "{.addressReady}"),
      col("Connectivity", "{.connectivityReady}"),
      col("Hostname", "{.hostnameReady}"),
      col("Etc", "{.etcFilesReady}"),
    ],
  },
  {
    type: D.systemInformation,
    displayType: "SystemInformation",
    defaultNamespace: "hardware",
    aliases: ["systeminformation"],
    printColumns: [
      col("Manufacturer", "{.manufacturer}"),
      col("ProductName", "{.productName}"),
      col("Version", "{.version}"),
      col("SerialNumber", "{.serialnumber}"),
      col("UUID", "{.uuid}"),
    ],
  },
  {
    type: D.clusterInfo,
    displayType: "Info",
    defaultNamespace: "cluster",
    printColumns: [col("Cluster ID", "{.clusterId}"), col("Cluster Name", "{.clusterName}")],
  },
  {
    type: D.machineType,
    displayType: "MachineType",
    defaultNamespace: "config",
    printColumns: [col("Type", "{@}")],
  },
  {
    type: D.securityState,
    displayType: "SecurityState",
    defaultNamespace: "runtime",
    printColumns: [col("SecureBoot", "{.secureBoot}")],
  },
  { type: D.kubeletStatus, displayType: "KubeletStatus", defaultNamespace: "k8s" },
  { type: D.diagnostic, displayType: "Diagnostic", defaultNamespace: "runtime" },
];

function uuidOf(node: SimNode): string {
  let h = 0x12345;
  let hex = "";
  for (let i = 0; hex.length < 32; i++) {
    h = (h * 33 + node.address.charCodeAt(i % node.address.length) + i) >>> 0;
    hex += (h & 0xffff).toString(16).padStart(4, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20, 32)
  }`;
}

export interface DashboardSeedOptions {
  clusterName?: string;
  /** Kubernetes version the kubelet runs (KubeletStatus image tag); "" for none. */
  kubernetes?: string;
  now?: Date;
}

/** Registers the extra types on `node` and puts its resources of them. */
export function seedDashboardResources(node: SimNode, opts: DashboardSeedOptions = {}): void {
  const now = opts.now ?? new Date();
  for (const decl of DECLS) registerType(node, decl, now);
  const prefix = node.address.includes(":") ? `${node.address}/64` : `${node.address}/24`;
  const put = (ns: string, type: string, id: string, spec: unknown, owner: string) =>
    putSpec(node, ns, type, id, spec, { owner }, now);
  for (const id of ["current", "default", "routed", "accumulative"]) {
    put(
      "network",
      D.nodeAddress,
      id,
      { addresses: [prefix], sortAlgorithm: "v1" },
      "network.NodeAddressController",
    );
  }
  put(
    "network",
    D.resolverStatus,
    "resolvers",
    { dnsServers: ["1.1.1.1", "8.8.8.8"], searchDomains: [] },
    "network.ResolverMergeController",
  );
  put(
    "network",
    D.timeServerStatus,
    "timeservers",
    { timeServers: ["time.cloudflare.com"], useNTS: false },
    "network.TimeServerMergeController",
  );
  put(
    "network",
    D.networkStatus,
    "status",
    { addressReady: true, connectivityReady: true, hostnameReady: true, etcFilesReady: true },
    "network.StatusController",
  );
  put(
    "hardware",
    D.systemInformation,
    "systeminformation",
    {
      manufacturer: "QEMU",
      productName: "Standard PC (Q35 + ICH9, 2009)",
      version: "pc-q35-8.2",
      uuid: uuidOf(node),
    },
    "hardware.SystemInfoController",
  );
  put(
    "cluster",
    D.clusterInfo,
    "current",
    {
      clusterId: "hk3Q9cS1aVxDn5gB0Zr7yWmT2uLpEoKfJ4sN6bC8iA=",
      clusterName: opts.clusterName ?? "emulated",
    },
    "cluster.InfoController",
  );
  put(
    "config",
    D.machineType,
    "machine-type",
    node.controlPlane ? "controlplane" : "worker",
    "config.MachineTypeController",
  );
  put(
    "runtime",
    D.securityState,
    "securitystate",
    { secureBoot: false },
    "runtime.SecurityStateController",
  );
  const k8s = opts.kubernetes ?? "1.30.0";
  if (k8s) {
    put(
      "k8s",
      D.kubeletStatus,
      "kubelet",
      { image: `ghcr.io/siderolabs/kubelet:v${k8s}` },
      "k8s.KubeletStatusController",
    );
  }
}
