// The images and versions talosctl lists and caches, as upstream HEAD defines them (constants,
// pkg/images): facts, kept in one place. The Talos tag itself is the one this client reports.

export { TALOS_VERSION } from "../version_info.ts";

export const DEFAULT_KUBERNETES_VERSION = "1.37.0-rc.1";
export const DEFAULT_COREDNS_VERSION = "v1.14.7";
export const DEFAULT_ETCD_VERSION = "3.7.1";
export const FLANNEL_VERSION = "0.28.9";
export const KUBE_NETWORK_POLICIES_VERSION = "v1.1.1";

export const FLANNEL_IMAGE = "ghcr.io/siderolabs/flannel";
export const COREDNS_IMAGE = "registry.k8s.io/coredns/coredns";
export const ETCD_IMAGE = "registry.k8s.io/etcd";
export const KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet";
export const API_SERVER_IMAGE = "registry.k8s.io/kube-apiserver";
export const CONTROLLER_MANAGER_IMAGE = "registry.k8s.io/kube-controller-manager";
export const SCHEDULER_IMAGE = "registry.k8s.io/kube-scheduler";
export const KUBE_PROXY_IMAGE = "registry.k8s.io/kube-proxy";
export const KUBE_NETWORK_POLICIES_IMAGE = "registry.k8s.io/networking/kube-network-policies";
/** containerd's built-in sandbox image (not configurable). */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10.2";
/** The small image the integration tests run. */
export const NIXYBOX_IMAGE = "ghcr.io/siderolabs/nixybox:v2026.06.0";

/** Where Talos's own images live. */
export const IMAGES_REGISTRY = "ghcr.io";
export const IMAGES_USERNAME = "siderolabs";
export const IMAGES_PREFIX = `${IMAGES_REGISTRY}/${IMAGES_USERNAME}`;

/** registryd's listen address on a node; `image cache-serve` defaults to it. */
export const REGISTRYD_LISTEN_ADDRESS = "127.0.0.1:3172";
