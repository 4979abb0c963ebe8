// A healthy Talos + Kubernetes cluster for the health and upgrade-k8s tests: each node's COSI
// resources that the checks read (kubelet config and spec, EPHEMERAL volume, control-plane
// static pod configs and statuses, bootstrap manifests config), and a Kubernetes API double
// reached through the admin kubeconfig the emulator hands out.

import { clusterOf } from "./kubeconfig_handlers.ts";
import { putSpec, registerType } from "./cosi_seed.ts";
import { newSelfSignedCA } from "../../pki/ca.ts";
import type { SimNode } from "./node.ts";
import type { TestEmulator } from "./mod.ts";
import { type K8sDouble, startK8sDouble } from "../k8s_double/server.ts";
import { nodeObject, populateCluster } from "../k8s_double/cluster.ts";

export const K = {
  kubeletConfig: "KubeletConfigs.kubernetes.talos.dev",
  kubeletSpec: "KubeletSpecs.kubernetes.talos.dev",
  bootstrapManifests: "BootstrapManifestsConfigs.kubernetes.talos.dev",
  volumeStatus: "VolumeStatuses.block.talos.dev",
  staticPodStatus: "StaticPodStatuses.kubernetes.talos.dev",
  staticPod: "StaticPods.kubernetes.talos.dev",
  apiServerConfig: "APIServerConfigs.kubernetes.talos.dev",
  controllerManagerConfig: "ControllerManagerConfigs.kubernetes.talos.dev",
  schedulerConfig: "SchedulerConfigs.kubernetes.talos.dev",
  diagnostic: "Diagnostics.runtime.talos.dev",
  manifest: "Manifests.kubernetes.talos.dev",
} as const;

const DECLS = [
  [K.kubeletConfig, "KubeletConfig", "k8s"],
  [K.kubeletSpec, "KubeletSpec", "k8s"],
  [K.bootstrapManifests, "BootstrapManifestsConfig", "controlplane"],
  [K.volumeStatus, "VolumeStatus", "runtime"],
  [K.staticPodStatus, "StaticPodStatus", "k8s"],
  [K.staticPod, "StaticPod", "k8s"],
  [K.apiServerConfig, "APIServerConfig", "controlplane"],
  [K.controllerManagerConfig, "ControllerManagerConfig", "controlplane"],
  [K.schedulerConfig, "SchedulerConfig", "controlplane"],
  [K.diagnostic, "Diagnostic", "runtime"],
  [K.manifest, "Manifest", "controlplane"],
] as const;

export const CONTROL_PLANE_CONFIGS = [
  ["kube-apiserver", K.apiServerConfig],
  ["kube-controller-manager", K.controllerManagerConfig],
  ["kube-scheduler", K.schedulerConfig],
] as const;

const GiB = 1024 * 1024 * 1024;

/** The Kubernetes side of a node's resources, for Kubernetes `version` ("1.30.0"). */
export function seedKubernetesResources(node: SimNode, version: string, now = new Date()): void {
  for (const [type, displayType, defaultNamespace] of DECLS) {
    registerType(node, { type, displayType, defaultNamespace }, now);
  }
  const kubeletImage = `ghcr.io/siderolabs/kubelet:v${version}`;
  putSpec(
    node,
    "k8s",
    K.kubeletConfig,
    "kubelet",
    {
      image: kubeletImage,
      clusterDNS: ["10.96.0.10"],
      clusterDomain: "cluster.local",
    },
    { owner: "k8s.KubeletConfigController" },
    now,
  );
  putSpec(
    node,
    "k8s",
    K.kubeletSpec,
    "kubelet",
    {
      image: kubeletImage,
      args: ["--config=/etc/kubernetes/kubelet.yaml", "--hostname-override=" + node.hostname],
    },
    { owner: "k8s.KubeletSpecController" },
    now,
  );
  putSpec(
    node,
    "runtime",
    K.volumeStatus,
    "EPHEMERAL",
    {
      phase: "ready",
      type: "partition",
      location: "/dev/sda6",
      size: 10 * GiB,
      prettySize: "11 GB",
      filesystem: "xfs",
    },
    { owner: "block.VolumeManagerController" },
    now,
  );
  if (!node.controlPlane) return;
  putSpec(
    node,
    "controlplane",
    K.bootstrapManifests,
    "manifests",
    {
      server: "https://localhost:7445",
      clusterDomain: "cluster.local",
      cniName: "flannel",
    },
    { owner: "k8s.ControlPlaneBootstrapManifestsController" },
    now,
  );
  for (const [app, type] of CONTROL_PLANE_CONFIGS) {
    putSpec(
      node,
      "controlplane",
      type,
      app,
      {
        image: `registry.k8s.io/${app}:v${version}`,
        extraArgs: {},
      },
      { owner: "k8s.ControlPlaneStaticPodController" },
      now,
    );
    putSpec(
      node,
      "k8s",
      K.staticPod,
      app,
      {
        pod: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: app, namespace: "kube-system" },
          spec: {
            containers: [{
              name: app,
              image: `registry.k8s.io/${app}:v${version}`,
              command: [`/usr/local/bin/${app}`, "--feature-gates=", "--profiling=false"],
            }],
          },
        },
      },
      { owner: "k8s.ControlPlaneStaticPodController" },
      now,
    );
    putSpec(
      node,
      "k8s",
      K.staticPodStatus,
      `kube-system/${app}-${node.hostname}`,
      {
        podStatus: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
      },
      { owner: "k8s.StaticPodStatusController" },
      now,
    );
  }
}

async function kubernetesCA() {
  const now = Date.now();
  const ca = await newSelfSignedCA({
    algorithm: "ecdsa",
    organizations: ["kubernetes"],
    notBefore: new Date(now - 10_000),
    notAfter: new Date(now + 24 * 3600_000),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  });
  return { crt: ca.crt, key: ca.key };
}

export interface KubernetesOptions {
  /** Kubernetes version of the components and kubelets (default "1.30.0"). */
  version?: string;
  /** Only a Ready Node per simulated node: no pods, no COSI resources (drain tests). */
  nodesOnly?: boolean;
}

/**
 * Starts the Kubernetes API double for the emulator's cluster: the admin kubeconfig points at it
 * and it trusts the cluster's Kubernetes CA; every node gets its Kubernetes resources.
 */
export async function startKubernetes(
  emu: TestEmulator,
  opts: KubernetesOptions = {},
): Promise<K8sDouble> {
  const version = opts.version ?? "1.30.0";
  const cluster = clusterOf(emu);
  cluster.k8sCA ??= await kubernetesCA();
  const k8s = await startK8sDouble({ ca: cluster.k8sCA, gitVersion: `v${version}` });
  cluster.endpoint = k8s.url;
  const nodes = [...emu.nodes.values()];
  if (opts.nodesOnly) {
    for (const n of nodes) k8s.put(nodeObject(n, version));
    return k8s;
  }
  populateCluster(k8s, nodes, version);
  for (const n of nodes) seedKubernetesResources(n, version);
  return k8s;
}
