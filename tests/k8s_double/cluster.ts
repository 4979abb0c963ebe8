// Kubernetes objects of a healthy Talos cluster, for the API double: a Node per Talos node
// (control planes labelled), the control plane's static pods (labelled k8s-app, carrying
// Talos's config-version annotation), kube-proxy (DaemonSet and a pod per node) and CoreDNS
// (Deployment with two ready pods).

import type { K8sDouble, Obj } from "./server.ts";

export interface ClusterNode {
  address: string;
  hostname: string;
  controlPlane: boolean;
}

export const CONTROL_PLANE_APPS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

const ready = () => ({ type: "Ready", status: "True" });

export function nodeObject(n: ClusterNode, version: string): Obj {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: n.hostname,
      labels: {
        "kubernetes.io/hostname": n.hostname,
        ...(n.controlPlane ? { "node-role.kubernetes.io/control-plane": "" } : {}),
      },
    },
    spec: {},
    status: {
      addresses: [
        { type: "InternalIP", address: n.address },
        { type: "Hostname", address: n.hostname },
      ],
      conditions: [ready()],
      nodeInfo: { kubeletVersion: `v${version}` },
    },
  };
}

export function staticPod(n: ClusterNode, app: string, version: string, configVersion = "1"): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${app}-${n.hostname}`,
      namespace: "kube-system",
      labels: { "k8s-app": app, tier: "control-plane" },
      annotations: { "talos.dev/config-version": configVersion },
    },
    spec: {
      nodeName: n.hostname,
      containers: [{ name: app, image: `registry.k8s.io/${app}:v${version}` }],
    },
    status: {
      phase: "Running",
      hostIP: n.address,
      conditions: [ready()],
      containerStatuses: [{ name: app, ready: true, state: { running: {} } }],
    },
  };
}

function pod(name: string, app: string, image: string, host: ClusterNode): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "kube-system", labels: { "k8s-app": app } },
    spec: { nodeName: host.hostname, containers: [{ name: app, image }] },
    status: {
      phase: "Running",
      hostIP: host.address,
      conditions: [ready()],
      containerStatuses: [{ name: app, ready: true, state: { running: {} } }],
    },
  };
}

/** Fills the double with the objects of a healthy cluster running Kubernetes `version`. */
export function populateCluster(k8s: K8sDouble, nodes: ClusterNode[], version: string): void {
  k8s.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  for (const n of nodes) k8s.put(nodeObject(n, version));
  for (const n of nodes.filter((x) => x.controlPlane)) {
    for (const app of CONTROL_PLANE_APPS) k8s.put(staticPod(n, app, version));
  }
  k8s.put({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "kube-proxy", namespace: "kube-system", labels: { "k8s-app": "kube-proxy" } },
    spec: {},
    status: {
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: nodes.length,
      numberReady: nodes.length,
      numberAvailable: nodes.length,
    },
  });
  nodes.forEach((n, i) =>
    k8s.put(pod(`kube-proxy-${i}`, "kube-proxy", `registry.k8s.io/kube-proxy:v${version}`, n))
  );
  k8s.put({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
    spec: { replicas: 2 },
    status: { replicas: 2, readyReplicas: 2 },
  });
  for (const i of [0, 1]) {
    k8s.put(pod(`coredns-${i}`, "kube-dns", "registry.k8s.io/coredns/coredns:v1.11.1", nodes[0]));
  }
}

/** Sets a condition of a Node or Pod (e.g. Ready False). */
export function setCondition(obj: Obj, type: string, status: "True" | "False"): Obj {
  const next = structuredClone(obj);
  next.status.conditions = [
    ...(next.status.conditions ?? []).filter((c: Obj) => c.type !== type),
    { type, status },
  ];
  return next;
}

export interface PodOptions {
  /** Owned by a DaemonSet (drain leaves it). */
  daemonSet?: boolean;
  /** A static pod's mirror (drain leaves it). */
  mirror?: boolean;
}

/** Adds a running pod on node `nodeName`. */
export function addPod(
  k8s: K8sDouble,
  nodeName: string,
  namespace: string,
  name: string,
  o: PodOptions = {},
): Obj {
  return k8s.put({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      ...(o.mirror ? { annotations: { "kubernetes.io/config.mirror": "mirror" } } : {}),
      ...(o.daemonSet
        ? {
          ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name, controller: true }],
        }
        : {}),
    },
    spec: { nodeName, containers: [{ name, image: "registry.k8s.io/pause:3.10" }] },
    status: { phase: "Running", conditions: [ready()] },
  });
}

const tooManyRequests = {
  status: 429,
  body: {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "Cannot evict pod as it would violate the pod's disruption budget.",
    reason: "TooManyRequests",
    code: 429,
  },
};

/** A disruption budget refuses the next `times` evictions of the pod (Infinity: all). */
export function refuseEvictions(k8s: K8sDouble, ns: string, name: string, times: number): void {
  let left = times;
  const path = `/api/v1/namespaces/${ns}/pods/${name}/eviction`;
  k8s.faults.push((r) => {
    if (r.method !== "POST" || r.path !== path || left <= 0) return undefined;
    left--;
    return tooManyRequests;
  });
}

/** The next `gets` GETs of the Node answer Ready=False. */
export function notReadyFor(k8s: K8sDouble, nodeName: string, gets: number): void {
  let left = gets;
  k8s.faults.push((r) => {
    if (r.method !== "GET" || r.path !== `/api/v1/nodes/${nodeName}` || left <= 0) return undefined;
    const node = k8s.get("v1", "Node", nodeName);
    if (!node) return undefined;
    left--;
    return { status: 200, body: setCondition(node, "Ready", "False") };
  });
}
