// What each Kubernetes minor upgrade removes (flags, feature gates, admission plugins, API
// resources), as the upgrade pre-flight checks look for them: facts from the Kubernetes
// deprecation guide and changelogs, keyed by the upgrade path "1.30->1.31".

export interface Removed {
  featureGates?: string[];
  apiResources?: string[];
  admissionPlugins?: string[];
  apiServerFlags?: string[];
  controllerManagerFlags?: string[];
  schedulerFlags?: string[];
  kubeletFlags?: string[];
}

export const REMOVED: Record<string, Removed> = {
  "1.24->1.25": {
    "featureGates": [
      "CSIVolumeFSGroupPolicy",
      "ConfigurableFSGroupPolicy",
      "PodDisruptionBudget",
      "SelectorIndex",
    ],
    "apiResources": [
      "podsecuritypolicies.v1beta1.policy",
    ],
    "admissionPlugins": [
      "PodSecurityPolicy",
    ],
    "apiServerFlags": [
      "service-account-api-audiences",
    ],
    "controllerManagerFlags": [
      "deleting-pods-qps",
      "deleting-pods-burst",
      "register-retry-count",
    ],
  },
  "1.25->1.26": {
    "featureGates": [
      "DynamicKubeletConfig",
    ],
    "apiServerFlags": [
      "master-service-namespace",
    ],
  },
  "1.26->1.27": {
    "featureGates": [
      "ExpandCSIVolumes",
      "ExpandInUsePersistentVolumes",
      "ExpandPersistentVolumes",
      "ControllerManagerLeaderMigration",
      "CSIMigration",
      "CSIInlineVolume",
      "EphemeralContainers",
      "LocalStorageCapacityIsolation",
      "NetworkPolicyEndPort",
      "StatefulSetMinReadySeconds",
      "IdentifyPodOS",
      "DaemonSetUpdateSurge",
    ],
    "controllerManagerFlags": [
      "enable-taint-manager",
      "pod-eviction-timeout",
    ],
    "kubeletFlags": [
      "container-runtime",
      "master-service-namespace",
    ],
  },
  "1.27->1.28": {
    "featureGates": [
      "AdvancedAuditing",
      "DelegateFSGroupToCSIDriver",
      "DevicePlugins",
      "DisableAcceleratorUsageMetrics",
      "EndpointSliceTerminatingCondition",
      "CSIStorageCapacity",
      "CSIMigrationGCE",
      "KubeletCredentialProviders",
      "MixedProtocolLBService",
      "ServiceInternalTrafficPolicy",
      "ServiceIPStaticSubrange",
      "WindowsHostProcessContainers",
    ],
  },
  "1.28->1.29": {
    "apiResources": [
      "clustercidrs.v1alpha1.networking.k8s.io",
    ],
  },
  "1.29->1.30": {
    "featureGates": [
      "ExpandedDNSConfig",
      "ExperimentalHostUserNamespaceDefaultingGate",
      "IPTablesOwnershipCleanup",
      "KubeletPodResources",
      "KubeletPodResourcesGetAllocatable",
      "MinimizeIPTablesRestore",
      "ProxyTerminatingEndpoints",
      "RemoveSelfLink",
    ],
    "admissionPlugins": [
      "SecurityContextDeny",
    ],
  },
  "1.30->1.31": {
    "featureGates": [
      "APIPriorityAndFairness",
      "CSINodeExpandSecret",
      "ConsistentHTTPGetHandlers",
      "DefaultHostNetworkHostPortsInPodTemplates",
      "ServiceNodePortStaticSubrange",
      "SkipReadOnlyValidationGCE",
    ],
    "controllerManagerFlags": [
      "volume-host-cidr-denylist",
      "volume-host-allow-local-loopback",
      "horizontal-pod-autoscaler-upscale-delay",
      "horizontal-pod-autoscaler-downscale-delay",
    ],
    "kubeletFlags": [
      "keep-terminated-pod-volumes",
      "iptables-masquerade-bit",
      "iptables-drop-bit",
    ],
  },
  "1.31->1.32": {
    "featureGates": [
      "AllowServiceLBStatusOnNonLB",
      "CloudDualStackNodeIPs",
      "DRAControlPlaneController",
      "HPAContainerMetrics",
      "KMSv2",
      "KMSv2KDF",
      "LegacyServiceAccountTokenCleanUp",
      "MinDomainsInPodTopologySpread",
      "NewVolumeManagerReconstruction",
      "NodeOutOfServiceVolumeDetach",
      "ServerSideApply",
      "ServerSideFieldValidation",
      "StableLoadBalancerNodeSet",
      "ValidatingAdmissionPolicy",
      "ZeroLimitedNominalConcurrencyShares",
    ],
    "apiResources": [
      "podschedulingcontexts.v1alpha3.resource.k8s.io",
    ],
  },
  "1.32->1.33": {
    "featureGates": [
      "AppArmor",
      "AppArmorFields",
      "CPUManager",
      "DisableCloudProviders",
      "DisableKubeletCloudCredentialProviders",
      "JobPodFailurePolicy",
      "KubeProxyDrainingTerminatingNodes",
      "PDBUnhealthyPodEvictionPolicy",
      "PersistentVolumeLastPhaseTransitionTime",
      "VolumeCapacityPriority",
    ],
    "apiServerFlags": [
      "cloud-config",
    ],
  },
  "1.33->1.34": {
    "featureGates": [
      "DevicePluginCDIDevices",
      "LegacySidecarContainers",
      "PodDisruptionConditions",
    ],
    "kubeletFlags": [
      "cloud-config",
    ],
  },
  "1.34->1.35": {
    "featureGates": [
      "SizeMemoryBackedVolumes",
      "UserNamespacesHostNetworkSupport",
    ],
    "kubeletFlags": [
      "pod-infra-container-image",
    ],
  },
  "1.35->1.36": {
    "featureGates": [
      "CSIMigrationPortworx",
      "HonorPVReclaimPolicy",
      "InTreePluginPortworxUnregister",
      "WatchFromStorageWithoutResourceVersion",
    ],
  },
  "1.36->1.37": {
    "featureGates": [
      "AnyVolumeDataSource",
      "DeclarativeValidationTakeover",
      "GangScheduling",
      "PreventStaticPodAPIReferences",
      "WorkloadAwarePreemption",
    ],
    "apiResources": [
      "workloads.v1alpha2.scheduling.k8s.io",
      "podgroups.v1alpha2.scheduling.k8s.io",
    ],
    "kubeletFlags": [
      "application-metrics-count-limit",
      "boot-id-file",
      "container-hints",
      "containerd",
      "containerd-namespace",
      "enable-load-reader",
      "event-storage-age-limit",
      "event-storage-event-limit",
      "global-housekeeping-interval",
      "log-cadvisor-usage",
      "machine-id-file",
      "storage-driver-user",
      "storage-driver-password",
      "storage-driver-host",
      "storage-driver-db",
      "storage-driver-table",
      "storage-driver-secure",
      "storage-driver-buffer-duration",
    ],
  },
};
